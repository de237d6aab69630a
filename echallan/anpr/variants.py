"""A located plate read more than once: pure helpers for the reader's whole-plate reads.

* ``without_doubtful_char``: a plate's graphic read as a character (Arizona's cactus as a 4, Florida's
  orange as a C, Oregon's tree as a 1) is usually the line's least confident character by far, while
  the printed characters around it are read at 0.9-1.0.
* ``WHOLE_MARGINS``: the crops a located plate is recognised from, in turn, while the read has a
  doubtful character (``DOUBTFUL``); the reader keeps the read whose weakest character (``weakest``) is
  the surest, so a character misread on one crop (W as N, a border as a 1) can be read right on another.
"""

from __future__ import annotations

from dataclasses import replace

from echallan.anpr.grammar import normalise
from echallan.anpr.ocr import TextLine

# A character read below this confidence, the least confident of its line, is offered dropped. TRAIN half
# (even rows), whole-plate reads of located plates that are not valid Indian reads, drop kept only where
# the read stays plausible: < 0.3 fixed 6 and broke 0, < 0.4 fixed 13 and broke 1, < 0.5 fixed 19 and
# broke 4 (a real first character read unsure: 4FCW533, 1AA4679), < 0.6 fixed 25 and broke 13.
DROP_CHAR_CONF = 0.4
# A read whose weakest character is below DOUBTFUL is read again from the next of WHOLE_MARGINS (share of the
# located box's width, height on each side; negative trims; the first is the reader's tight crop). TRAIN
# half, the whole reader with the dropped character and the re-reads against neither: 8 pictures fixed, 3
# lost at 0.5; 14 and 9 at 0.6; reading all three crops always and keeping the most confident read, 14 and
# 10 (the wider crops add border characters: 2006R -> 72006R).
DOUBTFUL = 0.5
WHOLE_MARGINS: tuple[tuple[float, float], ...] = ((0.02, -0.15), (0.0, -0.2), (0.05, -0.10))


def _plate_chars(line: TextLine) -> list[tuple[float, int]]:
    """(confidence, index) of each character of ``line`` that the grammar keeps (A-Z, 0-9 after
    ``normalise``); empty without per-character confidences."""
    if len(line.char_confidences) != len(line.text):
        return []
    return [
        (c, i)
        for i, (ch, c) in enumerate(zip(line.text, line.char_confidences, strict=True))
        if normalise(ch)
    ]


def weakest(line: TextLine) -> float:
    """The confidence of the line's least confident plate character (the line's own without per-character
    confidences)."""
    return min((c for c, _ in _plate_chars(line)), default=line.confidence)


def without_doubtful_char(line: TextLine, threshold: float = DROP_CHAR_CONF) -> TextLine | None:
    """``line`` without its least confident plate character, when that one is below ``threshold``.

    None when the line has no per-character confidences or no character that doubtful. The new line
    keeps the others' confidences; its line confidence is the kept plate characters' mean."""
    chars = _plate_chars(line)
    if len(chars) < 2:
        return None
    conf, i = min(chars)
    if conf >= threshold:
        return None
    kept = [c for c, j in chars if j != i]
    return replace(
        line,
        text=line.text[:i] + line.text[i + 1 :],
        confidence=sum(kept) / len(kept),
        char_confidences=line.char_confidences[:i] + line.char_confidences[i + 1 :],
    )
