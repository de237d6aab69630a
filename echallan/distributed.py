"""Many sources, or chunks of long ones, processed on several processes or machines with Ray.

    echallan process a.mp4 b.mp4 c.mp4 --camera j1.toml --workers 2     # a local Ray cluster
    echallan process long.mp4 --camera j1.toml --chunk-seconds 300      # chunks, stitched back
    echallan process ... --ray-address auto                             # a running Ray cluster

A :class:`Job` is one source or one chunk of one. Each worker (a Ray actor) builds the models once
and runs jobs through :func:`echallan.pipeline.process_source`, writing evidence as it goes. The
driver gathers the results, stitches each source's chunks (:func:`combine`) and stores the events,
one transaction per source, idempotently, so a batch that died half-way is simply run again.
Workers on other machines need the same paths: the sources, the camera's signal log and the
evidence directory on shared storage.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from echallan.camera import Camera
from echallan.chunks import ChunkResult, Span, overlap_seconds, spans, stitch
from echallan.errors import EchallanError, InputError
from echallan.pipeline import Models, VideoResult, process_source
from echallan.settings import Settings
from echallan.sources import open_source
from echallan.types import Offence

Build = Callable[[Settings, Camera], Models]


@dataclass(frozen=True)
class Job:
    """One unit of work: a source (``span`` None) or one chunk of it."""

    spec: str
    span: Span | None = None


@dataclass(frozen=True)
class SourceOutcome:
    """A source's job results (one per chunk; none when every job failed) and its jobs' errors."""

    spec: str
    results: tuple[VideoResult, ...]
    errors: tuple[str, ...] = ()


def plan(
    specs: Sequence[str], camera: Camera, chunk_s: float = 0.0, overlap_s: float | None = None
) -> tuple[list[Job], dict[str, str]]:
    """The jobs for ``specs``, and an error for each source that cannot be opened or cut.

    With ``chunk_s`` 0 every source is one job. Otherwise video files and image sequences are cut into
    chunks of ``chunk_s`` seconds that overlap by :func:`echallan.chunks.overlap_seconds`; live
    streams, whose length is unknown, stay whole.
    """
    specs = list(dict.fromkeys(specs))  # a source named twice is processed once
    if not chunk_s:
        return [Job(spec) for spec in specs], {}
    parking = Offence.NO_PARKING in camera.violations
    dwell = max((zone.max_dwell_s for zone in camera.no_parking), default=0.0) if parking else 0.0
    overlap = overlap_seconds(dwell, overlap_s)
    jobs: list[Job] = []
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            with open_source(spec) as source:
                info = source.info
            if info.live:
                jobs.append(Job(spec))
                continue
            jobs += [Job(spec, s) for s in spans(info.frame_count, info.fps, chunk_s, overlap)]
        except (EchallanError, ValueError) as e:
            errors[spec] = str(e)
    return jobs, errors


class Worker:
    """Runs jobs with models built once. In a Ray actor on a cluster, or in the caller's process.

    ``cwd``: the directory relative paths (sources, evidence, models) are read from, where that is
    not the process's own (a Ray worker's).
    """

    def __init__(
        self, camera: Camera, settings: Settings, build: Build = Models.for_camera, cwd: str | None = None
    ) -> None:
        if cwd is not None:
            os.chdir(cwd)
        self.camera, self.settings = camera, settings
        self.models = build(settings, camera)

    def run(self, job: Job) -> tuple[Job, VideoResult | str]:
        """The job's result, or why it failed (one bad source or chunk must not stop a worker)."""
        try:
            with open_source(job.spec) as source:
                return job, process_source(
                    self.camera, source, self.models, self.settings.evidence_dir, span=job.span
                )
        except EchallanError as e:
            return job, str(e)
        except Exception as e:  # reported per job; the batch goes on
            return job, f"{job.spec}: {type(e).__name__}: {e}"


def run_jobs(
    jobs: Sequence[Job],
    camera: Camera,
    settings: Settings,
    workers: int = 1,
    address: str | None = None,
    build: Build = Models.for_camera,
) -> Iterator[tuple[Job, VideoResult | str]]:
    """Each job's result as it finishes: in this process for one worker and no cluster address, else
    on ``workers`` Ray actors (a local Ray instance, or the cluster at ``address``)."""
    if workers <= 1 and address is None:
        worker = Worker(camera, settings, build)
        for job in jobs:
            yield worker.run(job)
        return
    yield from _on_ray(jobs, camera, settings, max(1, workers), address, build)


def _on_ray(
    jobs: Sequence[Job], camera: Camera, settings: Settings, workers: int, address: str | None, build: Build
) -> Iterator[tuple[Job, VideoResult | str]]:
    try:
        import ray
        from ray.exceptions import RayActorError, RayError
    except ImportError:
        raise InputError("Ray is not installed: pip install 'echallan[scale]', or use --workers 1") from None
    started = not ray.is_initialized()
    if started:
        cpus = workers if address is None else None  # a local instance gets one CPU per worker
        ray.init(address=address, num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    actor = ray.remote(num_cpus=1)(Worker)

    def spawn() -> Any:
        return actor.remote(camera, settings, build, os.getcwd())

    try:
        idle = [spawn() for _ in range(min(workers, len(jobs)))]
        waiting, running = deque(jobs), dict[Any, tuple[Job, Any]]()
        while waiting or running:
            while idle and waiting:
                handle, job = idle.pop(), waiting.popleft()
                running[handle.run.remote(job)] = (job, handle)
            (ref,), _ = ray.wait(list(running), num_returns=1)
            job, handle = running.pop(ref)
            try:
                yield ray.get(ref)
            except RayActorError as e:  # the worker process died (out of memory, killed): a new one
                yield job, f"{job.spec}: worker died: {e}"
                handle = spawn()
            except RayError as e:
                yield job, f"{job.spec}: {e}"
            idle.append(handle)
    finally:
        if started:
            ray.shutdown()


def gather(jobs: Sequence[Job], done: Iterable[tuple[Job, VideoResult | str]]) -> Iterator[SourceOutcome]:
    """Each source's results and errors as soon as all its jobs are back."""
    left: dict[str, int] = defaultdict(int)
    for job in jobs:
        left[job.spec] += 1
    results: dict[str, list[VideoResult]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    for job, outcome in done:
        if isinstance(outcome, str):
            errors[job.spec].append(outcome if job.span is None else f"{job.span}: {outcome}")
        else:
            results[job.spec].append(outcome)
        left[job.spec] -= 1
        if not left[job.spec]:
            yield SourceOutcome(job.spec, tuple(results.pop(job.spec, [])), tuple(errors.pop(job.spec, [])))


def combine(results: Sequence[VideoResult], stored: Collection[str] = ()) -> VideoResult:
    """One result from a source's chunk results: events stitched, counts and times added up.

    ``stored``: keys already in the database. Where a vehicle's offence was found by two chunks and
    one of the two events is stored (an earlier run in which the other chunk failed), that one is
    kept, so running a batch again never stores the same offence twice. The evidence of the event
    not kept stays on disk, referenced by nothing; evidence files are never deleted.
    """
    if len(results) == 1 and results[0].span is None:
        return results[0]
    chunks = [ChunkResult(r.span, r.events, r.shared_boxes, r.tracks) for r in results if r.span is not None]
    if len(chunks) != len(results):
        raise ValueError("a whole source's result cannot be combined with others")
    ordered = sorted(results, key=lambda r: r.span.start if r.span else 0)
    events, vehicles = stitch(chunks, stored)
    seconds: Counter[str] = sum((Counter(r.seconds) for r in ordered), Counter())
    head = ordered[0]
    return VideoResult(
        head.source,
        head.source_sha256,
        sum(r.frames_analysed for r in ordered),
        vehicles,
        events,
        tuple(f"{r.span}: {p}" for r in ordered for p in r.problems),
        dict(seconds),
    )
