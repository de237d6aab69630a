"""Signal state from the colour of the signal head region, smoothed over time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import cv2
import numpy as np

from echallan.types import Box, SignalState

#: Fraction of the region's pixels that must show a lit lamp's colour.
LIT_FRACTION = 0.02

# OpenCV HSV: hue 0-179. Lit lamps are bright and saturated.
_HUE_RANGES = {
    SignalState.RED: ((0, 8), (170, 179)),
    SignalState.AMBER: ((12, 32),),
    SignalState.GREEN: ((45, 95),),
}


def classify_signal(frame: np.ndarray, region: Box) -> SignalState:
    """Which lamp is lit inside ``region`` of a BGR frame; UNKNOWN when none clearly is."""
    h, w = frame.shape[:2]
    r = region.clipped(w, h)
    patch = frame[int(r.y1) : int(r.y2), int(r.x1) : int(r.x2)]
    if patch.size == 0:
        return SignalState.UNKNOWN
    hsv = cv2.cvtColor(patch, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    lit = (sat >= 100) & (val >= 150)
    fractions = {}
    for state, ranges in _HUE_RANGES.items():
        mask = np.zeros_like(lit)
        for lo, hi in ranges:
            mask |= (hue >= lo) & (hue <= hi)
        fractions[state] = float(np.count_nonzero(mask & lit)) / lit.size
    best = max(fractions, key=lambda s: fractions[s])
    return best if fractions[best] >= LIT_FRACTION else SignalState.UNKNOWN


def smooth_states(states: Sequence[SignalState], window: int) -> list[SignalState]:
    """Majority vote over the last ``window`` states (trailing, so it never looks ahead).

    UNKNOWN readings (a lamp flicker, an occluding vehicle) do not vote while a known state does.
    """
    out = []
    for i in range(len(states)):
        recent = [s for s in states[max(0, i - window + 1) : i + 1] if s is not SignalState.UNKNOWN]
        out.append(Counter(recent).most_common(1)[0][0] if recent else SignalState.UNKNOWN)
    return out
