"""Violation rules: pure functions over tracks and signal states. No models, no I/O.

One module per rule; ``engine.py`` decides which run for a camera (import it directly: it needs
the camera types, which need these rules).
"""

from echallan.rules.helmet import NoHelmetFinding, no_helmet
from echallan.rules.no_parking import no_parking
from echallan.rules.red_light import red_light
from echallan.rules.riders import triple_riding
from echallan.rules.signal import classify_signal, smooth_states
from echallan.rules.speed import over_speed
from echallan.rules.stop_line import stop_line
from echallan.rules.wrong_way import wrong_way

__all__ = [
    "NoHelmetFinding",
    "classify_signal",
    "no_helmet",
    "no_parking",
    "over_speed",
    "red_light",
    "smooth_states",
    "stop_line",
    "triple_riding",
    "wrong_way",
]
