"""Chunks and workers: spans, stitching chunks back into one event per vehicle per offence, jobs on
Ray. Fakes here; the real detector and plate reader in tests/test_distributed_real.py."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import supervision as sv
from test_pipeline import CAMERA, BoxDetector, FixedReader, make_clip

from echallan.camera import Camera, load_camera
from echallan.chunks import ChunkResult, Span, overlap_seconds, same_vehicle, spans, stitch
from echallan.distributed import Job, Worker, combine, gather, plan, run_jobs
from echallan.pipeline import Models, VideoResult
from echallan.settings import Settings
from echallan.types import Box, Event, Offence, PlateRead, Violation

# ----------------------------------------------------------------------------- spans, pure


def test_spans_cover_every_frame_once_and_lead_into_the_previous_chunk() -> None:
    got = spans(250, 10.0, chunk_s=10, overlap_s=3)
    assert [(s.start, s.stop, s.first) for s in got] == [(0, 100, 0), (100, 200, 70), (200, 250, 170)]
    owned = [f for s in got for f in range(s.start, s.stop)]
    assert owned == list(range(250))
    assert got[1].in_overlap(70) and got[1].in_overlap(99) and not got[1].in_overlap(100)
    assert got[1].in_overlap(170) and not got[1].in_overlap(169)  # what the next chunk's lead covers


def test_spans_refuse_chunks_no_longer_than_their_overlap_and_unknown_lengths() -> None:
    with pytest.raises(ValueError, match="not longer than their overlap"):
        spans(250, 10.0, chunk_s=3, overlap_s=3)
    with pytest.raises(ValueError, match="length is unknown"):
        spans(0, 10.0, chunk_s=30, overlap_s=3)


def test_overlap_outlasts_the_longest_no_parking_dwell() -> None:
    assert overlap_seconds(0.0) == 10.0
    assert overlap_seconds(0.0, 2.0) == 2.0  # no no-parking zone: as requested
    assert overlap_seconds(3.0, 2.0) == 8.0
    assert overlap_seconds(120.0, 30.0) == 125.0


# ----------------------------------------------------------------------------- stitching, pure

CAR, OTHER = Box(100, 100, 200, 180), Box(400, 100, 500, 180)


def event(key: str, track: int, frame: int, offence: Offence = Offence.RED_LIGHT, sure: float = 0.9) -> Event:
    v = Violation(offence, track, "car", frame, frame / 10, 0.9, box=CAR)
    plate = PlateRead("KA01AB1234", sure, None, True)
    return Event(key, "T-1", "clip.mp4", "ab" * 32, v, "2026-11-01T09:00:00+05:30", plate, ())


Boxes = dict[int, list[tuple[int, Box]]]


def chunk(span: Span, events: list[Event], boxes: Boxes, tracks: int) -> ChunkResult:
    return ChunkResult(span, tuple(events), {t: tuple(b) for t, b in boxes.items()}, tracks)


def test_same_vehicle_needs_coinciding_boxes_in_a_shared_frame() -> None:
    assert same_vehicle([(5, CAR), (6, CAR)], [(6, CAR.offset(2, 0))])
    assert not same_vehicle([(5, CAR)], [(6, CAR)])  # no shared frame
    assert not same_vehicle([(6, CAR)], [(6, OTHER)])


def test_one_vehicle_seen_by_two_chunks_keeps_its_earliest_event() -> None:
    a = chunk(Span(0, 100, 30), [event("a1", 1, 80)], {1: [(75, CAR), (80, CAR)]}, tracks=2)
    b = chunk(Span(100, 200, 30), [event("b1", 4, 85, sure=0.99)], {4: [(80, CAR), (85, CAR)]}, tracks=3)
    events, vehicles = stitch([b, a])
    assert [e.key for e in events] == ["a1"]
    assert vehicles == 4
    events, _ = stitch([a, b], stored={"b1"})  # stored by an earlier run in which chunk a failed
    assert [e.key for e in events] == ["b1"]


def test_what_a_chunk_fires_in_its_lead_is_the_chunk_befores_to_report() -> None:
    """The car crossed on red in chunk a; chunk b first sees it past the line, stopped: not an offence
    of its own. A whole-track rule's event in the lead still counts (the chunk before may not have it)."""
    a = chunk(Span(0, 100, 30), [event("a1", 1, 80)], {1: [(80, CAR)]}, tracks=1)
    b_events = [event("b1", 1, 85, Offence.STOP_LINE), event("b2", 2, 90, Offence.TRIPLE_RIDING)]
    b = chunk(Span(100, 200, 30), b_events, {1: [(80, CAR)], 2: [(80, OTHER)]}, tracks=2)
    events, _ = stitch([a, b])
    assert [e.key for e in events] == ["a1", "b2"]
    events, _ = stitch([a, b], stored={"b1"})  # stored by an earlier run: kept, never dropped
    assert [e.key for e in events] == ["a1", "b1", "b2"]


def test_other_vehicles_and_other_offences_are_kept_apart() -> None:
    a = chunk(Span(0, 100, 30), [event("a1", 1, 80, Offence.TRIPLE_RIDING)], {1: [(80, CAR)]}, tracks=1)
    b = chunk(
        Span(100, 200, 30),
        [event("b1", 4, 102, Offence.TRIPLE_RIDING), event("b2", 4, 110), event("b3", 5, 101)],
        {4: [(80, CAR)], 5: [(80, OTHER)]},
        tracks=2,
    )
    events, vehicles = stitch([a, b])
    assert [e.key for e in events] == ["a1", "b3", "b2"]  # b1: a1's vehicle and offence again
    assert vehicles == 2


def test_a_parked_vehicle_across_three_chunks_is_one_event() -> None:
    parked = Offence.NO_PARKING
    a = chunk(Span(0, 100, 30), [event("a", 1, 40, parked)], {1: [(90, CAR)]}, tracks=1)
    b = chunk(Span(100, 200, 30), [event("b", 1, 110, parked)], {1: [(90, CAR), (190, CAR)]}, tracks=1)
    c = chunk(Span(200, 300, 30), [event("c", 2, 210, parked)], {2: [(190, CAR)]}, tracks=1)
    events, vehicles = stitch([c, a, b])
    assert [e.key for e in events] == ["a"]
    assert vehicles == 1


# ----------------------------------------------------------------------------- the pipeline in chunks (fakes)


def fake_models(settings: Settings, camera: Camera) -> Models:
    return Models(BoxDetector(), FixedReader())


Setup = tuple[Camera, Settings, Path]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    (tmp_path / "cam.toml").write_text(CAMERA, encoding="utf-8")
    clip = tmp_path / "clip.avi"
    make_clip(clip, red_from=0)  # one car crosses the stop line on red at about frame 14
    settings = Settings("sqlite://", Path("unused"), tmp_path / "ev", tmp_path, tmp_path)
    return load_camera(tmp_path / "cam.toml"), settings, clip


def test_chunks_stitched_give_the_whole_runs_one_event(setup: tuple[Camera, Settings, Path]) -> None:
    camera, settings, clip = setup
    worker = Worker(camera, settings, fake_models)
    _, whole = worker.run(Job(str(clip)))
    assert isinstance(whole, VideoResult) and len(whole.events) == 1
    jobs = [Job(str(clip), s) for s in spans(30, 10.0, chunk_s=1.6, overlap_s=1.0)]
    results = [r for _, r in map(worker.run, jobs)]
    assert all(isinstance(r, VideoResult) for r in results)
    assert sum(len(r.events) for r in results if isinstance(r, VideoResult)) == 2  # seen by two chunks
    stitched = combine([r for r in results if isinstance(r, VideoResult)])
    (only,) = stitched.events
    assert only.violation.frame_index == whole.events[0].violation.frame_index
    assert only.key != whole.events[0].key  # a chunk's key names its chunk (its track ids are its own)
    assert stitched.tracks == whole.tracks == 1
    again = combine([r for _, r in map(worker.run, jobs) if isinstance(r, VideoResult)])
    assert [e.key for e in again.events] == [only.key]  # the same chunks again: the same key


def test_plan_cuts_files_and_reports_sources_it_cannot_open(setup: tuple[Camera, Settings, Path]) -> None:
    camera, _, clip = setup
    jobs, errors = plan([str(clip), "missing.mp4"], camera, chunk_s=1.5, overlap_s=1.0)
    assert [j.span for j in jobs] == [Span(0, 15, 10), Span(15, 30, 10)]
    assert list(errors) == ["missing.mp4"] and "not found" in errors["missing.mp4"]
    whole, errors = plan([str(clip), "missing.mp4", str(clip)], camera)
    assert whole == [Job(str(clip)), Job("missing.mp4")] and not errors  # reported when run


def test_gather_waits_for_every_chunk_of_a_source() -> None:
    one, two = Job("a.mp4", Span(0, 10)), Job("a.mp4", Span(10, 20))
    jobs = [one, Job("b.mp4"), two]
    done = [(one, "boom"), (Job("b.mp4"), "bad file"), (two, "late")]
    got = [(o.spec, o.errors) for o in gather(jobs, done)]
    assert got == [("b.mp4", ("bad file",)), ("a.mp4", ("frames 0-9: boom", "frames 10-19: late"))]


@pytest.fixture
def by_value() -> None:
    """Ray workers get this module's fakes by value (they cannot import the tests)."""
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cloudpickle.register_pickle_by_value(sys.modules["test_pipeline"])


@pytest.mark.ray
def test_ray_workers_give_what_one_process_gives(
    setup: tuple[Camera, Settings, Path], by_value: None
) -> None:
    """Jobs on two Ray actors: every job comes back, a bad one as its error, the results as local."""
    camera, settings, clip = setup
    jobs = [Job(str(clip), s) for s in spans(30, 10.0, chunk_s=1.6, overlap_s=1.0)] + [Job("missing.mp4")]
    here = dict(run_jobs(jobs, camera, settings, workers=1, build=fake_models))
    there = dict(run_jobs(jobs, camera, settings, workers=2, build=fake_models))
    assert set(there) == set(jobs)
    assert isinstance(there[Job("missing.mp4")], str) and "not found" in str(there[Job("missing.mp4")])
    for job in jobs[:-1]:
        a, b = here[job], there[job]
        assert isinstance(a, VideoResult) and isinstance(b, VideoResult)
        assert [e.key for e in a.events] == [e.key for e in b.events]


class DyingDetector(BoxDetector):
    """Kills its process (as the kernel's out-of-memory killer would) on an all-white frame."""

    def detect(self, frame: np.ndarray) -> sv.Detections:
        if frame.min() > 200:
            os._exit(1)
        return super().detect(frame)


def dying_models(settings: Settings, camera: Camera) -> Models:
    return Models(DyingDetector(), FixedReader())


@pytest.mark.ray
def test_a_worker_that_dies_costs_its_job_only(setup: Setup, by_value: None) -> None:
    camera, settings, clip = setup
    white = clip.with_name("white.avi")
    writer = cv2.VideoWriter(str(white), cv2.VideoWriter.fourcc(*"MJPG"), 10, (320, 240))
    for _ in range(5):
        writer.write(np.full((240, 320, 3), 255, np.uint8))
    writer.release()
    jobs = [
        Job(str(white)),
        Job(str(clip)),
        Job(str(clip), Span(0, 16, 10)),
        Job(str(clip), Span(16, 30, 10)),
    ]
    got = dict(run_jobs(jobs, camera, settings, workers=2, build=dying_models))
    assert set(got) == set(jobs)
    assert isinstance(got[jobs[0]], str) and "worker died" in str(got[jobs[0]])
    for job in jobs[1:]:
        result = got[job]
        assert isinstance(result, VideoResult) and len(result.events) == 1
