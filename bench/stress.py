"""Plate stress benchmark: is an auto-accepted read still right when the plate is degraded?

    python bench/stress.py [--count 400] [--seed 2026] [--seeds 1] [--foreign 300] [--out docs/BENCHMARKS.md]

Synthetic HSRP plates (``echallan.anpr.synth``, every style and both layouts) with the generator's
random degradations (dirt, tilt, shadow, glare, night, blur, low resolution, JPEG), each read by the
default ``PlateReader`` as ``echallan anpr`` reads an image. The seeds differ from the ones the plate
models were trained on (seed 0). Reported overall, per degradation (plates that had it, among others)
and per layout: exact reads, auto-accept coverage and precision, and every wrong auto-accept. A wrong
auto-accept is the failure that matters: such a read would go to the post without a person's check.
With ``--seeds N``, N seeds from ``--seed`` on (``count`` plates each), pooled, with a row per seed: a wrong
auto-accept is rare enough (a few in thousands) that one seed's 400 plates say little about it.
Writes its table into docs/BENCHMARKS.md between the ``stress`` markers.

Then ``--foreign`` synthetic US-style plates (``echallan.anpr.synth_foreign``: state name and slogan, a
sticker, small print beside the number that the label leaves out), per kind of small print: exact reads,
reads flagged foreign, and auto-accepts, which must be none (a foreign plate never goes out unchecked).
Written between the ``stress_foreign`` markers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report import notes, write_section

from echallan.anpr import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.anpr.degrade import DEGRADATIONS
from echallan.anpr.synth import SynthPlate, random_plate_text, render_plate
from echallan.anpr.synth_foreign import SMALL_PRINT, ForeignPlate, render_foreign_plate
from echallan.types import PlateRead

NOTES = notes(__file__)


@dataclass(frozen=True)
class Outcome:
    plate: SynthPlate
    seed: int
    index: int
    read: str  # the top read's text, "" when nothing was read
    auto: bool  # the top read would be auto-accepted
    ms: float

    @property
    def exact(self) -> bool:
        return self.read == self.plate.text


def row(label: str, outcomes: list[Outcome]) -> str:
    n = len(outcomes)
    auto = [o for o in outcomes if o.auto]
    wrong = sum(1 for o in auto if not o.exact)
    precision = f"{100 * (len(auto) - wrong) / len(auto):.1f} %" if auto else "n/a"
    exact = sum(o.exact for o in outcomes)
    return (
        f"| {label} | {n} | {100 * exact / n:.1f} % | {100 * len(auto) / n:.1f} % | {precision} | {wrong} |"
    )


def _read(reader: PlateReader, image: np.ndarray) -> tuple[PlateRead | None, float]:
    """The top read (None when nothing is read) and the milliseconds ``read`` took."""
    t0 = time.perf_counter()
    reads = reader.read(image)
    return (reads[0] if reads else None), 1000 * (time.perf_counter() - t0)


def foreign_section(reader: PlateReader, count: int, seed: int) -> str:
    """The ``stress_foreign`` table: synthetic US-style plates read, per kind of small print."""
    done: list[tuple[ForeignPlate, PlateRead | None, float]] = []
    for i in range(count):
        plate = render_foreign_plate(np.random.default_rng([seed, i]))
        done.append((plate, *_read(reader, plate.image)))
    rows = [
        "| small print beside the number | n | exact | read as foreign | auto-accepted |",
        "|---|---|---|---|---|",
    ]
    for kind in ("all", *SMALL_PRINT):
        some = [(p, r) for p, r, _ in done if kind in ("all", p.small_print)]
        n = len(some)
        exact = sum(r is not None and r.text == p.text for p, r in some)
        foreign = sum(r is not None and r.country == "foreign" for _, r in some)
        auto = sum(r is not None and r.auto_accept(AUTO_ACCEPT_THRESHOLD) for _, r in some)
        rows.append(f"| {kind} | {n} | {100 * exact / n:.1f} % | {100 * foreign / n:.1f} % | {auto} |")
    misses = [f"{p.text} -> {r.text if r else '-'}" for p, r, _ in done if r is None or r.text != p.text]
    accepted = [
        f"{p.text} -> {r.text}" for p, r, _ in done if r is not None and r.auto_accept(AUTO_ACCEPT_THRESHOLD)
    ]
    return "\n".join(
        [
            f"{count} synthetic US-style plates (`echallan.anpr.synth_foreign`, seeds "
            f"[{seed}, 0..{count - 1}]; the label is the number alone), read by the default `PlateReader` "
            "(top read). Median "
            f"{statistics.median(ms for _, _, ms in done):.0f} ms a plate image (`python bench/stress.py`).",
            "",
            *rows,
            "",
            f"Auto-accepted (truth -> read): {'; '.join(accepted) or 'none'}.",
            "",
            f"First misreads (truth -> read): {'; '.join(misses[:20]) or 'none'}.",
            "",
            "Notes on this table are in the `stress` section's notes (`bench/stress_notes.md`).",
        ]
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--seeds", type=int, default=1, help="how many seeds, from --seed on")
    ap.add_argument("--foreign", type=int, default=300, help="foreign plates to read after (0: none)")
    ap.add_argument("--foreign-seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=Path("docs/BENCHMARKS.md"))
    args = ap.parse_args()
    reader = PlateReader()
    outcomes: list[Outcome] = []
    seeds = range(args.seed, args.seed + args.seeds)
    for seed in seeds:
        for i in range(args.count):
            rng = np.random.default_rng([seed, i])
            plate = render_plate(random_plate_text(rng), rng)
            top, ms = _read(reader, plate.image)
            auto = top is not None and top.auto_accept(AUTO_ACCEPT_THRESHOLD)
            outcomes.append(Outcome(plate, seed, i, top.text if top else "", auto, ms))
            if (i + 1) % 100 == 0:
                print(f"seed {seed}: {i + 1} plates", flush=True)
    groups: list[tuple[str, Callable[[Outcome], bool]]] = [
        ("all plates", lambda o: True),
        ("no degradation", lambda o: not o.plate.degradations),
        *[
            (f"with {name}", lambda o, name=name: name in o.plate.degradations)
            for name, _, _ in DEGRADATIONS
            if name != "exposure"
        ],
        ("one line", lambda o: o.plate.layout.value == "one_line"),
        ("two lines", lambda o: o.plate.layout.value == "two_line"),
    ]
    rows = [
        "| plates | n | exact | auto-accepted | auto-accept precision | wrong auto-accepts |",
        "|---|---|---|---|---|---|",
        *[row(label, [o for o in outcomes if keep(o)]) for label, keep in groups if any(map(keep, outcomes))],
        *(
            [row(f"seed {seed}", [o for o in outcomes if o.seed == seed]) for seed in seeds]
            if args.seeds > 1
            else []
        ),
    ]
    wrong = [o for o in outcomes if o.auto and not o.exact]
    span = f"{seeds[0]}..{seeds[-1]}" if args.seeds > 1 else str(args.seed)
    command = (f" --seed {args.seed}" if args.seed != 2026 else "") + (
        f" --seeds {args.seeds}" if args.seeds > 1 else ""
    )
    text = "\n".join(
        [
            f"{len(outcomes)} synthetic plates (`echallan.anpr.synth`, seeds "
            f"[{span}, 0..{args.count - 1}]; random style, layout and degradations, a plate usually "
            "having several), read by the default "
            f"`PlateReader` (top read; auto-accept: a valid Indian read at {AUTO_ACCEPT_THRESHOLD} or more). "
            f"Median {statistics.median(o.ms for o in outcomes):.0f} ms a plate image "
            f"(`python bench/stress.py{command}`).",
            "",
            *rows,
            "",
            "Wrong auto-accepts (truth -> read, degradations): "
            + (
                "; ".join(
                    f"{o.plate.text} -> {o.read} (seed {o.seed} plate {o.index}; "
                    f"{', '.join(o.plate.degradations)})"
                    for o in wrong
                )
                if wrong
                else "none."
            ),
            "",
            NOTES,
        ]
    )
    print(text)
    write_section(args.out, "stress", text)
    if args.foreign:
        text = foreign_section(reader, args.foreign, args.foreign_seed)
        print(text)
        write_section(args.out, "stress_foreign", text)


if __name__ == "__main__":
    main()
