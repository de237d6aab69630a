"""Combine the plate reads of one vehicle across frames: a pure, character-level vote."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from echallan.anpr.grammar import interpret
from echallan.types import PlateRead

INVALID_WEIGHT = 0.5  # an Indian-invalid read counts half when choosing the length group
#: The voted read's doubt where frames read the plate otherwise (``PlateRead.doubts``).
DOUBT_FRAMES = "frames of the track read it otherwise"


def _weight(read: PlateRead) -> float:
    return max(read.confidence, 1e-6) * (1.0 if read.valid else INVALID_WEIGHT)


def vote(reads: Sequence[PlateRead]) -> PlateRead | None:
    """Confidence-weighted majority per character position.

    Reads are grouped by text length (reads of one plate differing only by substitutions align
    position by position); the heaviest group wins, then each position takes the character with
    the most confidence behind it. The result's confidence is the group's weighted mean
    confidence scaled by the weakest position's agreement and by the group's share of all weight,
    so disagreeing frames lower it. Its box comes from the most confident read that agrees with
    the voted text (or the group's most confident read). Its doubts are those of the reads that agree
    with it (of the group, where none does), and DOUBT_FRAMES where any frame reads otherwise.
    """
    usable = [r for r in reads if r.text]
    if not usable:
        return None
    groups: dict[int, list[PlateRead]] = defaultdict(list)
    for r in usable:
        groups[len(r.text)].append(r)
    total = sum(_weight(r) for r in usable)
    length, group = max(groups.items(), key=lambda kv: (sum(_weight(r) for r in kv[1]), kv[0]))
    group_weight = sum(_weight(r) for r in group)

    chars: list[str] = []
    agreement = 1.0
    for i in range(length):
        tally: dict[str, float] = defaultdict(float)
        for r in group:
            tally[r.text[i]] += _weight(r)
        best_char, best_w = max(tally.items(), key=lambda kv: (kv[1], kv[0]))
        chars.append(best_char)
        agreement = min(agreement, best_w / group_weight)
    text = "".join(chars)

    mean_conf = sum(r.confidence * _weight(r) for r in group) / group_weight
    confidence = mean_conf * agreement * (group_weight / total)
    agreeing = [r for r in group if r.text == text]
    base = max(agreeing or group, key=lambda r: r.confidence)
    if agreeing:
        valid, country = base.valid, base.country
    else:
        parsed = interpret(text)
        valid, country = parsed.valid, parsed.country or base.country
    layouts = [r.layout for r in group]
    layout = max(set(layouts), key=lambda lay: (layouts.count(lay), lay.value))
    doubts = dict.fromkeys(d for r in (agreeing or group) for d in r.doubts)
    if len(agreeing) < len(usable):
        doubts[DOUBT_FRAMES] = None
    return replace(
        base,
        text=text,
        confidence=confidence,
        valid=valid,
        country=country,
        layout=layout,
        raw=text,
        doubts=tuple(doubts),
    )
