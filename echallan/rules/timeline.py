"""The signal's state over the analysed frames, appended to as a video is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from echallan.types import SignalState


@dataclass
class SignalTimeline:
    """Analysed frames in order: index, time in seconds and (smoothed) signal state."""

    frames: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    states: list[SignalState] = field(default_factory=list)
    _position: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, frames: list[int], times: list[float], states: list[SignalState]) -> SignalTimeline:
        tl = cls()
        for f, t, s in zip(frames, times, states, strict=True):
            tl.append(f, t, s)
        return tl

    def append(self, frame: int, time_s: float, state: SignalState) -> None:
        self._position[frame] = len(self.frames)
        self.frames.append(frame)
        self.times.append(time_s)
        self.states.append(state)

    def index(self, frame: int) -> int | None:
        return self._position.get(frame)

    def state_at(self, frame: int) -> SignalState:
        i = self.index(frame)
        return SignalState.UNKNOWN if i is None else self.states[i]

    def red_for(self, i: int) -> float:
        """How long the signal has been red at position ``i`` (0 when it is not red)."""
        if self.states[i] is not SignalState.RED:
            return 0.0
        start = i
        while start > 0 and self.states[start - 1] is SignalState.RED:
            start -= 1
        return self.times[i] - self.times[start]

    def history(self, i: int, before: int = 10, after: int = 2) -> list[list[Any]]:
        """The states around position ``i``: what a reviewer sees on the event page."""
        lo, hi = max(0, i - before), min(len(self.frames), i + after + 1)
        return [[self.frames[j], self.states[j].value] for j in range(lo, hi)]
