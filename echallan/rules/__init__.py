"""Violation rules: pure functions over tracks and signal states. No models, no I/O."""

from echallan.rules.red_light import red_light
from echallan.rules.signal import classify_signal, smooth_states

__all__ = ["classify_signal", "red_light", "smooth_states"]
