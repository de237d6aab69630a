"""Small print beside a plate's number: pure helpers for trimming it off a whole-plate read.

A foreign plate's whole-plate read sometimes takes in small print printed beside the number: stacked
letters (Delaware's PC, North Carolina's VF), a badge (Michigan's DONATE LIFE), a university logo's
letters. The number is the plate's tallest text, so the reader finds its span among the plate's text
boxes (``number_span``), recognises that span on its own, and keeps the part of the whole read that
re-read spells (``trimmed``): characters are only ever dropped from the ends, never changed or added.

Lines of words both above and below the number (a state's name and a slogan, ``framed_by_words``) are a
foreign plate's look: an Indian HSRP plate carries no such text, so a valid Indian read of such a plate
is not trusted on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from echallan.anpr.grammar import FOREIGN_FOLD
from echallan.anpr.localise import union
from echallan.types import Box

#: A text box at least this share of the tallest one's height, on its row, is part of the number (the
#: reader's SMALL_TEXT_SHARE: below it, text inside a plate counts as small).
TALL_SHARE = 0.75
#: A re-read shorter than this is not trusted to say what the number is (Wyoming's 4 779 read as 779).
MIN_NUMBER = 4
#: How far rapidocr's text detector (DB) grows the text region it finds: by area * ratio / perimeter on
#: every side (``Det.unclip_ratio``, default 1.6), so a long line's box is grown more than a short word's.
UNCLIP_RATIO = 1.6
#: A box at least this many times as wide as high holds a word or more (a state's name, a slogan), not a
#: bolt, a sticker's digit or the IND strip.
WORD_ASPECT = 2.0


@dataclass(frozen=True)
class NumberSpan:
    """Where a plate's number is, and on which sides small print lies beside it."""

    box: Box
    left: bool
    right: bool


def text_height(box: Box, ratio: float = UNCLIP_RATIO) -> float:
    """The height of the text that a detector ``box`` was grown from (``UNCLIP_RATIO``): a single full-height
    letter's box is a third lower than its number's box (Idaho's B beside 33333), the text inside is not."""
    excess = box.width - box.height  # the growth is the same on every side, so this is the text's too
    lo, hi = max(0.0, -excess), box.height
    for _ in range(30):  # bisection: the grown height rises with the text's height
        h = (lo + hi) / 2
        w = h + excess
        if h + ratio * w * h / (w + h) > box.height:
            hi = h
        else:
            lo = h
    return lo


def number_span(boxes: Sequence[Box], share: float = TALL_SHARE) -> NumberSpan | None:
    """The span of a plate's number among its text ``boxes``: the tallest text (``text_height``) joined with
    every box on its row whose text is at least ``share`` as high (a vanity plate's words split by a graphic),
    and the sides where lower text sits beside it, centred within the middle half of its height (stacked
    letters, a badge; not a sticker in a corner or the state's name above). None where none does."""
    if not boxes:
        return None
    tallest = max(boxes, key=text_height)
    least = share * text_height(tallest)
    tall = [b for b in boxes if text_height(b) >= least and tallest.y1 <= b.center[1] <= tallest.y2]
    span = union(tall)
    lo, hi = span.y1 + span.height / 4, span.y2 - span.height / 4
    beside = [b.center[0] for b in boxes if b not in tall and lo <= b.center[1] <= hi]
    left, right = any(x < span.x1 for x in beside), any(x > span.x2 for x in beside)
    return NumberSpan(span, left, right) if left or right else None


#: How far (a share of its own height) a word's centre may lie inside the number's rows and still count as
#: above or below them.
WORD_LEEWAY = 0.25


def framed_by_words(boxes: Sequence[Box], share: float = TALL_SHARE, aspect: float = WORD_ASPECT) -> bool:
    """Whether lines of lower text (under ``share`` of the tallest text's height, at least ``aspect`` times as
    wide as high) lie both above and below the number's rows (every box of text ``share`` as high: both rows
    of a two-line plate), centred within their width: a state's name over the number and a slogan under it.

    Measured on the text detector's boxes of located plates: true for 420 of 745 openalpr_us_platecrops
    plates, none of 265 india_plates_dev plates (images and vehicle crops; 23 have such a line on one side:
    a dealer's name, a frame's print) and none of 399 synthetic Indian plates."""
    if not boxes:
        return False
    least = share * max(text_height(b) for b in boxes)
    rows = [b for b in boxes if text_height(b) >= least]
    top, bottom = min(b.y1 for b in rows), max(b.y2 for b in rows)
    left, right = min(b.x1 for b in rows), max(b.x2 for b in rows)
    words = [b for b in boxes if b not in rows and b.width >= aspect * b.height]
    words = [b for b in words if left <= b.center[0] <= right]
    # a quarter of the word's height of leeway: the detector's box of the number may reach into the slogan's
    # (Delaware's centre on the number's lower edge, with the packages of 2026-12-07)
    return any(b.center[1] < top + WORD_LEEWAY * b.height for b in words) and any(
        b.center[1] > bottom - WORD_LEEWAY * b.height for b in words
    )


def trimmed(whole: str, number: str, left: bool = True, right: bool = True) -> str | None:
    """``whole`` without the characters at its ends that ``number`` (the number's span re-read) leaves out,
    trimmed only on the sides allowed (``left``, ``right``: where small print was found).

    Compared with O and 0 as one (foreign reads fold them); None unless ``number`` is found inside
    ``whole``, shorter than it and at least ``MIN_NUMBER`` long, and only allowed sides are trimmed."""
    at = whole.translate(FOREIGN_FOLD).find(number.translate(FOREIGN_FOLD))
    if len(number) < MIN_NUMBER or len(number) >= len(whole) or at < 0:
        return None
    if (at > 0 and not left) or (at + len(number) < len(whole) and not right):
        return None
    return whole[at : at + len(number)]
