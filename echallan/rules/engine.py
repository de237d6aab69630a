"""Which rules run on a track, and when (pure; the camera file says which are enabled).

Online rules can decide from a track so far, so evidence is captured at the moment they fire.
Final rules need the whole track: triple riding counts its riders frame by frame, and no helmet
decides on the helmet model's heads on a motorcycle's best frames.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from echallan.camera import Camera
from echallan.detection.helmet import HeadResult
from echallan.rules.helmet import could_change as no_helmet_could_change
from echallan.rules.helmet import no_helmet
from echallan.rules.no_parking import no_parking
from echallan.rules.red_light import red_light
from echallan.rules.riders import TWO_WHEELERS, triple_riding
from echallan.rules.speed import over_speed
from echallan.rules.stop_line import stop_line
from echallan.rules.timeline import SignalTimeline
from echallan.rules.wrong_way import wrong_way
from echallan.types import Offence, Track, Violation

#: Rules decided over a whole track, once it ends.
FINAL_RULES = frozenset({Offence.TRIPLE_RIDING, Offence.NO_HELMET})
#: Rules that read the helmet model's heads: a camera enabling any of them needs the model loaded.
HEAD_RULES = frozenset({Offence.NO_HELMET})
#: The helmet model looks at these vehicles only.
HEAD_CLASSES = frozenset({"motorcycle"})


def online_violations(
    camera: Camera, track: Track, signal: SignalTimeline, already: Collection[Offence] = ()
) -> list[Violation]:
    """Violations the track shows so far, skipping offences already found for it."""
    wanted = camera.violations - set(already)
    found: list[Violation | None] = []
    if Offence.RED_LIGHT in wanted:
        found.append(red_light(track, camera.stop_line, camera.approach, signal, camera.signal.red_grace_s))
    if Offence.STOP_LINE in wanted and Offence.RED_LIGHT not in already and not any(found):
        found.append(
            stop_line(track, camera.stop_line, camera.approach, signal)
        )  # a red-light jump is the greater offence
    if Offence.WRONG_WAY in wanted:
        found.append(wrong_way(track, camera.lanes))
    if Offence.OVER_SPEED in wanted and camera.speed_trap is not None:
        found.append(over_speed(track, camera.speed_trap, camera.limits))
    if Offence.NO_PARKING in wanted:
        found.append(no_parking(track, camera.no_parking))
    return [v for v in found if v is not None]


def needs_heads(camera: Camera, track: Track, already: Collection[Offence] = ()) -> bool:
    """Whether the helmet model should look at the track at all (a motorcycle, no helmet enabled)."""
    return track.class_name in HEAD_CLASSES and bool((camera.violations - set(already)) & HEAD_RULES)


def heads_could_decide(
    camera: Camera,
    track: Track,
    heads: Sequence[tuple[int, Sequence[HeadResult]]],
    frames_left: int,
    already: Collection[Offence] = (),
) -> bool:
    """Whether looking at ``frames_left`` more frames could still change the no-helmet decision.

    The helmet model is the costliest per-track step, so the caller stops once too few frames remain
    for enough bare heads, or once the rule fires whatever the frames left show
    (:func:`echallan.rules.helmet.could_change`).
    """
    return needs_heads(camera, track, already) and no_helmet_could_change([h for _, h in heads], frames_left)


def final_violations(
    camera: Camera,
    track: Track,
    heads: Sequence[tuple[int, Sequence[HeadResult]]] = (),
    already: Collection[Offence] = (),
) -> list[Violation]:
    """Violations decided over the whole track.

    ``heads``: (frame index, heads with boxes in that frame's pixels) on the frames the helmet model
    looked at, for no helmet.
    """
    found: list[Violation] = []
    wanted = camera.violations - set(already)
    if Offence.TRIPLE_RIDING in wanted and track.class_name in TWO_WHEELERS:
        v = triple_riding(track)
        if v is not None:
            found.append(v)
    if Offence.NO_HELMET in wanted and heads and track.class_name in HEAD_CLASSES:
        finding = no_helmet([h for _, h in heads])
        if finding is not None:
            frame_index = heads[finding.best_position][0]
            point = next(p for p in track.points if p.frame_index == frame_index)
            found.append(
                Violation(
                    offence=Offence.NO_HELMET,
                    track_id=track.track_id,
                    class_name=track.class_name,
                    frame_index=frame_index,
                    time_s=point.time_s,
                    box=point.box,
                    confidence=finding.confidence,
                    inputs=finding.as_inputs(),
                )
            )
    return found
