"""Riding without a helmet: a pure decision over one motorcycle track's per-frame head results.

The helmet detector runs on the motorcycle's crop in several frames of its track; each frame gives a
list of heads (rider, pillion, sometimes a pedestrian behind). The rule fires when a head without a
helmet is seen, confidently, in enough frames and in a large enough share of the frames where any
head was seen, so one misread frame of a helmeted rider does not make a challan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from echallan.types import Box

if TYPE_CHECKING:  # the rule only reads attributes; importing echallan.detection pulls in supervision
    from echallan.detection.helmet import HeadResult

#: Heads scored below this are not counted (the detector keeps heads from 0.35). Chosen on the tuning half
#: of helmet_riders, where bare heads are found best from 0.35-0.40 (no-helmet F1 0.854, 0.831 at 0.50;
#: docs/BENCHMARKS.md, helmet); on generated clips, 0.40 instead of 0.50 caught 42 instead of 39 of 48
#: bare-headed riders with the same 3 false events (2026-12-07). A person checks every no-helmet event.
MIN_CONFIDENCE = 0.4
#: Of the frames where any confident head was seen, at least this share must show a bare head.
MIN_SHARE = 0.5
#: At least this many frames must show a confident bare head.
MIN_FRAMES = 2


@dataclass(frozen=True)
class NoHelmetFinding:
    """Why the rule fired: everything a reviewer needs, per analysed frame of the track.

    ``*_per_frame`` and ``confidences`` have one entry per frame given to the rule (positions in
    ``heads_per_frame``, not video frame numbers). ``confidences`` holds the best bare-head score of
    each frame (0.0 where there was none). ``best_position`` and ``best_box`` point at the most
    confident bare head, for the evidence crop.
    """

    frames_without: int
    frames_with_heads: int
    frames_seen: int
    without_per_frame: tuple[int, ...]
    with_per_frame: tuple[int, ...]
    confidences: tuple[float, ...]
    max_riders_without: int
    confidence: float  # mean best bare-head score over the frames that showed one
    best_position: int
    best_box: Box
    min_frames: int
    min_confidence: float
    min_share: float

    def as_inputs(self) -> dict[str, object]:
        """JSON-ready summary, for ``Violation.inputs``."""
        return {
            "frames_without_helmet": self.frames_without,
            "frames_with_heads": self.frames_with_heads,
            "frames_seen": self.frames_seen,
            "without_per_frame": list(self.without_per_frame),
            "with_per_frame": list(self.with_per_frame),
            "confidences": [round(c, 3) for c in self.confidences],
            "max_riders_without_helmet": self.max_riders_without,
            "best_position": self.best_position,
            "best_box": self.best_box.as_list(),
            "min_frames": self.min_frames,
            "min_confidence": self.min_confidence,
            "min_share": self.min_share,
        }


def no_helmet(
    heads_per_frame: Sequence[Sequence[HeadResult]],
    min_frames: int = MIN_FRAMES,
    min_confidence: float = MIN_CONFIDENCE,
    min_share: float = MIN_SHARE,
) -> NoHelmetFinding | None:
    """Return a finding if a rider of this track rides without a helmet, else None.

    A frame counts as "without" when it has at least one head with ``helmet=False`` and a score of at
    least ``min_confidence``. The rule fires when at least ``min_frames`` frames count, and they are at
    least ``min_share`` of the frames with any head (helmeted or not) at that score.
    """
    if min_frames < 1:
        raise ValueError(f"min_frames must be at least 1, got {min_frames}")
    without: list[int] = []
    with_: list[int] = []
    best: list[float] = []
    best_head: tuple[float, int, Box] | None = None
    for position, heads in enumerate(heads_per_frame):
        sure = [h for h in heads if h.confidence >= min_confidence]
        bare = [h for h in sure if not h.helmet]
        without.append(len(bare))
        with_.append(len(sure) - len(bare))
        top = max(bare, key=lambda h: h.confidence, default=None)
        best.append(top.confidence if top else 0.0)
        if top and (best_head is None or top.confidence > best_head[0]):
            best_head = (top.confidence, position, top.box)
    frames_without = sum(1 for n in without if n)
    frames_with_heads = sum(1 for a, b in zip(without, with_, strict=True) if a or b)
    if best_head is None or frames_without < min_frames or frames_without < min_share * frames_with_heads:
        return None
    return NoHelmetFinding(
        frames_without=frames_without,
        frames_with_heads=frames_with_heads,
        frames_seen=len(heads_per_frame),
        without_per_frame=tuple(without),
        with_per_frame=tuple(with_),
        confidences=tuple(best),
        max_riders_without=max(without),
        confidence=sum(c for c in best if c > 0) / frames_without,
        best_position=best_head[1],
        best_box=best_head[2],
        min_frames=min_frames,
        min_confidence=min_confidence,
        min_share=min_share,
    )


def could_change(
    heads_per_frame: Sequence[Sequence[HeadResult]],
    frames_left: int,
    min_frames: int = MIN_FRAMES,
    min_confidence: float = MIN_CONFIDENCE,
    min_share: float = MIN_SHARE,
) -> bool:
    """Whether looking at ``frames_left`` more frames could change what :func:`no_helmet` decides.

    The helmet model is the costliest per-track step. Looking stops once too few frames remain for
    enough bare-head frames, or once the rule fires and would still fire were every frame left to show
    only helmeted heads.
    """
    without = sum(
        1 for heads in heads_per_frame if any(not h.helmet and h.confidence >= min_confidence for h in heads)
    )
    with_heads = sum(1 for heads in heads_per_frame if any(h.confidence >= min_confidence for h in heads))
    if without + frames_left < min_frames:
        return False  # cannot fire
    fires_now = without >= min_frames and without >= min_share * with_heads
    return not (fires_now and without >= min_share * (with_heads + frames_left))
