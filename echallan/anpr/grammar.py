"""Indian registration-plate grammar: pure functions, no models.

Formats (text normalised to A-Z0-9, spaces and dashes dropped):

* standard ``SS DD L{0,3} NNNN``: state/UT code, district (1-2 digits; Delhi and old Gujarat
  plates use one), 0-3 series letters, a 1-4 digit number: MH12AB1234, KA01A1234, DL3CCA1750
  (Delhi's class letter is just the first series letter), KA031351 (no series).
* temporary: ``SS DD TC [L] N{1,4} [L]`` (RJ27TC0530, MH14TCE4, MH20TC189B) and the newer
  ``T MMYY SS NNNN L{1,2}`` (T0424KA1234AB).
* Bharat series ``YY BH NNNN L{1,2}`` (22BH1234AA), letters without I and O.

Confusable characters (O/0, I/1, Z/2, S/5, B/8, G/6, D/0, ...) are corrected only at positions
whose class (letter or digit) the format fixes; the parse with the fewest corrections wins. A read that
is a plausible foreign plate as it stands is not made Indian by a correction that changes a shape
(anything but O/0, I/1: CGT2069 stays CGT2069, not CG12069; ``interpret``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

_CODES = "AN AP AR AS BR CH CG DD DL DN GA GJ HR HP JH JK KA KL LA LD MH ML MN MP MZ NL OD PB PY RJ SK"
_CODES += " TN TR TS UK UP WB"
STATE_CODES: frozenset[str] = frozenset(_CODES.split(" "))
# TG (Telangana, 2024), CT (Chhattisgarh), OR (Odisha), UA/UT (Uttarakhand); DN/DD (pre-2020) are above
LEGACY_STATE_CODES: frozenset[str] = frozenset({"TG", "CT", "OR", "UA", "UT"})
ALL_STATE_CODES: frozenset[str] = STATE_CODES | LEGACY_STATE_CODES

# digit read where a letter must be -> the letters it is usually mistaken for (best first)
DIGIT_TO_LETTERS: dict[str, str] = {
    "0": "ODQ",
    "1": "ILJ",
    "2": "Z",
    "4": "A",
    "5": "S",
    "6": "G",
    "7": "T",
    "8": "B",
}
# letter read where a digit must be -> the digit it is usually mistaken for
LETTER_TO_DIGIT: dict[str, str] = {
    "O": "0",
    "D": "0",
    "Q": "0",
    "U": "0",
    "I": "1",
    "L": "1",
    "J": "1",
    "T": "1",
    "Z": "2",
    "S": "5",
    "B": "8",
    "G": "6",
    "A": "4",
}
# letter misread as another letter, fixed only inside the state code (RI/R1 -> RJ, MK -> MH)
STATE_LETTER_CONFUSIONS: dict[str, str] = {"I": "J", "U": "J", "L": "J", "K": "H", "N": "H", "W": "M"}
MAX_CORRECTIONS = 2
# Characters that plate fonts draw alike: correcting one to the other follows the format, not a guess at a
# shape. Other corrections (Z/2, T/1, A/4, G/6, D/0, K/H ...) change what the recogniser saw. TRAIN-half top
# reads (even rows, all three sets): O -> 0 in 5 valid reads, all exact; every other correction kind in 19
# valid reads, 1 exact (K -> H in the state code), the rest US plates bent into Indian ones (CGT2069 ->
# CG12069) and misreads (TN0600000 -> TN06D0000).
SAME_GLYPH: frozenset[frozenset[str]] = frozenset({frozenset("O0"), frozenset("I1")})
MIN_STANDARD_LENGTH = 7  # shortest real plates: KL54H369, DL49AK49 (8); "MH02" alone is a fragment
ONE_DIGIT_DISTRICT_STATES = frozenset({"DL", "GJ"})
RARE_SERIES_LETTERS = "IO"  # not issued in series (CMVR), so reading one there costs more than a correction
RARE_SERIES_COST = 1.5
SERIES_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")  # I and O are not issued

# A segment: (kind, min_len, max_len); kinds: S state code, D digit, N the registration number (digits, never
# all zeros: numbers run from 1 to 9999, 0001 on the plate), L letter, H BH-series letter, or a literal in
# quotes like "'TC".
Segment = tuple[str, int, int]
TEMPLATES: tuple[tuple[str, tuple[Segment, ...]], ...] = (
    ("standard", (("S", 2, 2), ("D", 1, 2), ("L", 0, 3), ("N", 1, 4))),
    ("bh", (("D", 2, 2), ("'BH", 2, 2), ("N", 4, 4), ("H", 1, 2))),
    ("temporary", (("S", 2, 2), ("D", 1, 2), ("'TC", 2, 2), ("L", 0, 1), ("N", 1, 4), ("L", 0, 1))),
    ("temporary", (("'T", 1, 1), ("D", 4, 4), ("S", 2, 2), ("N", 4, 4), ("L", 1, 2))),
)
_FOREIGN = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-Z0-9]{5,8}$")  # US-like: letters and digits mixed
# The number line of a located plate (its tallest text) may also be letters only (a US vanity plate, ANYTEXT)
# or digits only (498354), and as short as 4 (W17K, 5555); elsewhere such text is a sign, a date or a name.
_PLATE_LINE = re.compile(r"^[A-Z0-9]{4,8}$")
# ... or a vanity plate of 3 characters (T2R, 692) or 9-10 letters (BIGCHEESE, SWEETTHING): foreign only once
# no Indian format took it (no Indian plate is letters only; a 3-character read ranks low: reader's
# SHORT_LINE_FACTOR). See the third pass in bench/anpr.py's NOTES for the measurements.
_VANITY_LINE = re.compile(r"^([A-Z0-9]{3}|[A-Z]{9,10})$")
# A read that matches these as it stands and is Indian only after a shape correction (T -> 1, N -> H, 1 -> L,
# Z -> 2; not O/0, I/1) is foreign. TRAIN half (even rows), reader's top reads: 11 US plate pictures had
# been bent into Indian ones this way (CGT2069 -> CG12069, JND8425 -> JH08425, 1049338 -> LD49338), and
# no Indian read changed (Indian plates have 7-10 characters, and the short ones were read as printed).
# Foreign (e.g. US) plates print O and 0 alike, and the benchmark labels write it as 0 (BL0GGER, 0SG719);
# I and Q are read as written. TRAIN-half (even rows) US reads whose raw text had the letter, by label:
# O -> 0 14, O -> O 5; I -> I 16, I -> 1 1; Q -> Q 17, Q -> 0 1 (the old fold of I and Q to 1 and 0 cost
# 29 of 374 plate crops).
FOREIGN_FOLD = str.maketrans({"O": "0"})


@dataclass(frozen=True)
class PlateText:
    """A read interpreted against the Indian formats."""

    text: str
    valid: bool
    country: str  # "IN", "foreign" or "" (not plate-like)
    kind: str = ""  # "standard", "temporary", "bh" when valid; "mixed" or "plain" (one class) when foreign
    corrections: int = 0
    shape_corrections: int = (
        0  # of ``corrections``, those between characters that look different (SAME_GLYPH)
    )


# One lowercase letter among capitals and digits is a small mark the recogniser spelled (a separator heart
# or state outline, FMPx703 for FMP703), not a plate character: TRAIN-half reads with one, dropping it gave
# the label 4 times, keeping it 0 times (no Indian read had one).
_LONE_LOWER = re.compile(r"^[^a-z]*[a-z][^a-z]*$")
# Three or more lowercase letters, more than the capitals and digits, are a word (``is_word``): on US plate
# crops the recogniser read Oregon in script as 0regon, a "plate" that outranked NY 2ND (2026-12-07; no other
# top read of the three sets had 3+ lowercase letters).
WORD_LOWER = 3


def is_word(raw: str) -> bool:
    """Mostly lowercase letters: a word printed on or near the plate (a US state's name in script, Oregon),
    not a plate number, which is written in capitals: WORD_LOWER or more lowercase letters, more than the
    capitals and more than the digits (a plate read in the wrong case, mh12ab1234, is still a plate)."""
    lower = sum(c.isascii() and c.islower() for c in raw)
    upper = sum(c.isascii() and c.isupper() for c in raw)
    return lower >= WORD_LOWER and lower > max(upper, sum(c.isdigit() for c in raw))


# A camera's time or date stamp burnt into the frame: 13:17:05, 13:17, 2014-05-08, 08/05/2014.
_OVERLAY = re.compile(r"\d{1,2}:\d{2}|\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2\d{2,4}")


def is_overlay(raw: str) -> bool:
    """A time of day or a date as a camera stamps it on the frame (``_OVERLAY``), not a plate: junction
    cameras burn one into every frame, and its digits read as a plausible foreign plate (131705)."""
    return _OVERLAY.search(raw) is not None


def normalise(raw: str) -> str:
    """Uppercase, fold look-alike Unicode (full-width etc.) and keep only A-Z0-9; a lone lowercase letter
    among at least 4 capitals and digits is dropped (``_LONE_LOWER``)."""
    if _LONE_LOWER.match(raw) and sum(c.isascii() and (c.isupper() or c.isdigit()) for c in raw) >= 4:
        raw = re.sub(r"[a-z]", "", raw)
    folded = unicodedata.normalize("NFKC", raw).upper()
    return "".join(c for c in folded if ("A" <= c <= "Z") or ("0" <= c <= "9"))


def _as_digit(c: str) -> tuple[str, int] | None:
    if c.isdigit():
        return c, 0
    d = LETTER_TO_DIGIT.get(c)
    return (d, 1) if d else None


def _as_letter(c: str, allowed: frozenset[str]) -> tuple[str, int] | None:
    """A series letter: any letter as read; a digit only as a look-alike that is issued (no I, O)."""
    if c.isalpha():
        return (c, 0) if c in allowed or c in RARE_SERIES_LETTERS else None
    for cand in DIGIT_TO_LETTERS.get(c, ""):
        if cand in allowed:
            return cand, 1
    return None


def _as_state(chunk: str) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None

    def options(c: str) -> list[tuple[str, int]]:
        alts = DIGIT_TO_LETTERS.get(c, "") + STATE_LETTER_CONFUSIONS.get(c, "")
        return [(c, 0)] + [(x, 1) for x in alts]

    firsts, seconds = options(chunk[0]), options(chunk[1])
    for (a, ca), (b, cb) in product(firsts, seconds):
        code = a + b
        if code.isalpha() and code in ALL_STATE_CODES and (best is None or ca + cb < best[1]):
            best = (code, ca + cb)
    return best


def _coerce(kind: str, chunk: str) -> tuple[str, int] | None:
    """Coerce ``chunk`` to segment ``kind``; return (text, corrections) or None."""
    if not chunk:
        return "", 0
    if kind == "S":
        return _as_state(chunk)
    if kind.startswith("'"):
        literal = kind[1:]
        out = []
        cost = 0
        for want, c in zip(literal, chunk, strict=True):
            if (
                c != want
                and c not in LETTER_TO_DIGIT.get(want, "")
                and want not in DIGIT_TO_LETTERS.get(c, "")
            ):
                return None
            cost += c != want
            out.append(want)
        return "".join(out), cost
    out = []
    cost = 0
    for c in chunk:
        if kind in ("D", "N"):
            r = _as_digit(c)
        elif kind == "H" and c in RARE_SERIES_LETTERS:
            r = None  # BH series letters never include I or O
        else:
            r = _as_letter(c, SERIES_LETTERS)
        if r is None:
            return None
        out.append(r[0])
        cost += r[1]
    if kind == "N" and set(out) == {"0"}:
        return None  # no vehicle is registered with the number 0000
    return "".join(out), cost


def _split_lengths(segments: tuple[Segment, ...], total: int) -> list[tuple[int, ...]]:
    ranges = [range(lo, hi + 1) for _, lo, hi in segments]
    return [lens for lens in product(*ranges) if sum(lens) == total]


def _shape_cost(kind: str, lens: tuple[int, ...], parts: list[str]) -> float:
    """Small costs for rarer shapes (1-digit district, short number, I/O in the series): less than a
    correction each, so they only decide between equally corrected parses, except rare series letters."""
    if kind != "standard":
        return 0.0
    _, district, series, number = lens
    rare = sum(parts[2].count(c) for c in RARE_SERIES_LETTERS) * RARE_SERIES_COST
    return (
        rare
        + 0.3 * (district != 2)
        + 0.4 * (number != 4)
        + 0.1 * (series == 0)
        + (0.1 if parts[0] == "DL" else 0.7) * (series == 3)
    )


@lru_cache(maxsize=4096)
def parse_indian(text: str) -> tuple[str, str, int] | None:
    """Best parse of normalised ``text`` as an Indian plate: (corrected text, kind, corrections)."""
    best: tuple[float, int, int, str, str] | None = None
    for order, (kind, segments) in enumerate(TEMPLATES):
        if kind == "standard" and len(text) < MIN_STANDARD_LENGTH:
            continue
        for lens in _split_lengths(segments, len(text)):
            pos = 0
            parts: list[str] = []
            cost = 0
            for (seg_kind, _, _), n in zip(segments, lens, strict=True):
                r = _coerce(seg_kind, text[pos : pos + n])
                if r is None:
                    break
                parts.append(r[0])
                cost += r[1]
                pos += n
            else:
                if cost > MAX_CORRECTIONS:
                    continue
                if kind == "standard" and lens[1] == 1 and parts[0] not in ONE_DIGIT_DISTRICT_STATES:
                    continue
                key = (cost + _shape_cost(kind, lens, parts), order, cost, "".join(parts), kind)
                if best is None or key < best:
                    best = key
    if best is None:
        return None
    _, _, cost, out, kind = best
    if kind == "standard" and "TC" in out[4:6] + out[3:5]:
        kind = "temporary"
    return out, kind, cost


def interpret(raw: str, plate_line: bool = False) -> PlateText:
    """Interpret one raw OCR read (one line, or two lines joined top then bottom).

    ``plate_line``: the read is the main (tallest) text inside a located plate, so 4-8 letters only or
    digits only is a foreign plate too (kind "plain"), as is a vanity plate of 3 characters or 9-10 letters;
    otherwise only letters and digits mixed are.
    """
    text = normalise(raw)
    candidates = [text]
    for prefix in ("IND", "IN"):
        if text.startswith(prefix) and len(text) - len(prefix) >= 6:
            candidates.append(text[len(prefix) :])
    foreign = _FOREIGN.match(text) or (plate_line and _PLATE_LINE.match(text))
    for cand in candidates:
        parsed = parse_indian(cand)
        if parsed:
            out, kind, cost = parsed
            shape = sum(
                a != b and frozenset((a, b)) not in SAME_GLYPH for a, b in zip(cand, out, strict=True)
            )
            if shape and foreign:
                break  # as read, a foreign plate; Indian only by changing what was seen (see _PLATE_LINE)
            return PlateText(out, True, "IN", kind, cost, shape)
    if foreign or (plate_line and _VANITY_LINE.match(text)):
        kind = "mixed" if is_mixed(text) else "plain"
        return PlateText(text.translate(FOREIGN_FOLD), False, "foreign", kind)
    return PlateText(text, False, "")


# The right-hand part of an Indian plate whose state code (and perhaps district) was left out: an optional
# district, optional TC, 1-2 series letters and the full 4-digit number (BL1155 of PY 01 / BL1155, whose
# state and district are printed small and stacked at the left; 27TC0530).
_INDIAN_TAIL = re.compile(r"^(\d{1,2})?(TC)?[A-Z]{1,2}\d{4}$")


def is_indian_tail(text: str) -> bool:
    """Whether ``text`` could be an Indian plate without its leading state code (``_INDIAN_TAIL``).

    Such a read of a located plate is worth reading again with the box widened to the left. US plates
    have this shape too (AB1234); the wider read counts only when it is a valid Indian plate.
    """
    return bool(_INDIAN_TAIL.match(text))


# The left-hand part of an Indian plate whose number was left out: state code, district, 0-3 series letters
# (MH04TC of MH04TCZ326, TN02AH of TN02AH4432).
_INDIAN_HEAD = re.compile(r"^([A-Z]{2})\d{1,2}[A-Z]{0,3}$")


# A row of a two-line Bharat-series plate read alone: the year and BH above (22BH), the number and its
# letters below (1234AA; no I or O).
_BH_ROW = re.compile(r"^(\d{2}BH|\d{4}[A-HJ-NP-Z]{1,2})$")


def is_indian_part(text: str) -> bool:
    """Whether ``text`` could be part of an Indian plate: its tail (``is_indian_tail``), its head (a state
    code, a district and series letters, no number) or a row of a two-line BH-series plate."""
    head = _INDIAN_HEAD.match(text)
    return (
        is_indian_tail(text) or bool(head and head.group(1) in ALL_STATE_CODES) or bool(_BH_ROW.match(text))
    )


# A two-line plate's bottom row: 1-3 series letters (Delhi's class letter first) and the number, or a newer
# temporary plate's state, number and letters (T0921 / LD5399H).
_BOTTOM_ROW = re.compile(r"^([A-Z]{1,3}\d{4}|[A-Z]{2}\d{4}[A-Z]{1,2})$")


def is_bottom_row(text: str) -> bool:
    """Whether ``text`` could be all that was read of a two-line Indian plate: its bottom row
    (``_BOTTOM_ROW``: VMD0516 of DL 6 / VMD 0516) or another part of it (``is_indian_part``)."""
    return bool(_BOTTOM_ROW.match(text)) or is_indian_part(text)


# A plate's series letters and number, at its end (Q3384 of PY41Q3384, RQ3384 alone): all that the plate
# recogniser reads of some plates, skipping the state code and district as small text.
_SERIES_NUMBER = re.compile(r"[A-Z]{1,3}\d{4}$")


def series_and_number(text: str) -> str | None:
    """The series letters and number that end ``text`` (``_SERIES_NUMBER``), or None."""
    found = _SERIES_NUMBER.search(text)
    return found.group(0) if found else None


# A two-line plate's bottom row with a digit of its number lost (1-3 series letters, 3 digits): the plate
# recogniser read a tilted RJ 75 / RS 2505 as RS255 and TS 31 / SJ 3415 as SJ341 (bench/stress.py). Many US
# plates have this shape too (ABC123), so the reader checks the plate's top row before looking further.
_SHORT_BOTTOM_ROW = re.compile(r"^[A-Z]{1,3}\d{3}$")


def has_state_head(text: str) -> bool:
    """Whether ``text`` holds a state code and a district (RJ75 in 2RJ75, a top row read with the IND strip's
    edge): what the top row of a two-line Indian plate reads as."""
    return any(m.group(1) in ALL_STATE_CODES for m in re.finditer(r"(?=([A-Z]{2})\d{1,2})", text))


def is_short_bottom_row(text: str) -> bool:
    """Whether ``text`` could be a two-line Indian plate's bottom row with a digit lost
    (``_SHORT_BOTTOM_ROW``)."""
    return bool(_SHORT_BOTTOM_ROW.match(text))


def is_mixed(text: str) -> bool:
    """Letters and digits together (a foreign read's kind "mixed"), not letters only or digits only."""
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def is_plate_like(text: str) -> bool:
    """4-13 alphanumerics with at least one digit: worth considering as (part of) a plate. The longest
    format is a temporary registration's newer one, T MMYY SS NNNN LL (T0825PY7937AL): 13."""
    return 4 <= len(text) <= 13 and any(c.isdigit() for c in text)
