"""Plate reading: plate boxes or OCR text lines -> plate candidates -> grammar -> ranked ``PlateRead``s.

Works on a whole photo or on a vehicle crop, along one of two paths:

* with a ``PlateLocaliser`` (by default the project's trained plate detector, ``YoloPlateLocaliser``):
  each located plate is cut out with a margin and recognised whole as one line (again from a second
  and third crop while the read has a doubtful character; a plate graphic read as a character is
  dropped: ``echallan.anpr.variants``); unless that read is valid and confident, the plate crop alone
  goes through the text path below (which finds its rows: two-line plates, a US state name above the
  number). Where no plate is located, the whole image goes through the text path.
* the text path (``localiser=None``; ``echallan.anpr.textpath``): text lines from ``OcrBackend.predict``
  grouped into candidates (``echallan.anpr.localise.find_candidates``); unless the first read is valid and
  confident, the best candidate's rows are recognised again on their own crops (no second detection), and
  a small image is detected again upscaled.

How sure each read is, and when a plate's reading may stop: ``echallan.anpr.scoring``. Small print read
into a foreign plate's number is trimmed off: ``echallan.anpr.smallprint``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Literal

import cv2
import numpy as np

from echallan.anpr.crops import cut, expand, scaled, split_rows
from echallan.anpr.grammar import (
    has_state_head,
    interpret,
    is_bottom_row,
    is_indian_tail,
    is_mixed,
    is_short_bottom_row,
    normalise,
)
from echallan.anpr.localise import (
    Candidate,
    PlateBox,
    PlateLocaliser,
    find_candidates,
    overlap,
)
from echallan.anpr.ocr import (
    OcrBackend,
    RapidOcrBackend,
    Recogniser,
    TextDetector,
    plate_recogniser,
)
from echallan.anpr.scoring import (
    AUTO_ACCEPT_THRESHOLD,
    DISAGREE_FACTOR,
    DOUBT_FOREIGN_LOOK,
    FOREIGN_FACTOR,
    FOREIGN_LOOK_FACTOR,
    NEAR_SURE,
    PLAIN_FACTOR,
    PLATE_SURE,
    doubt_disagree,
    doubt_next_crop,
    doubted,
    foreign_line,
    is_year,
    lost_character,
    lost_series_letter,
    may_have_lost_a_letter,
    one_per_plate,
    plate_sure,
    rank,
    same_plate,
    to_read,
    whole_read,
    worth,
)
from echallan.anpr.smallprint import MIN_NUMBER, framed_by_words, number_span, trimmed
from echallan.anpr.textpath import MIN_SIDE, TextPath
from echallan.anpr.variants import DOUBTFUL, WHOLE_MARGINS, weakest
from echallan.types import Box, Layout, PlateRead

__all__ = ["AUTO_ACCEPT_THRESHOLD", "PlateReader", "find_candidates", "rank", "to_read"]

# margin around a plate number's span re-read alone (``smallprint``), in its heights: x, y
NUMBER_MARGIN = (0.05, 0.1)
# Margins around a located plate, in its width and height: recognised whole, it is cut tight (top and bottom
# trimmed: border and frame text cost reads; TRAIN-half vehicle crops, whole-plate read exact: india 46 of
# 66, US 50 of 66, vs 32 and 34 at 0.04, 0.1; ``variants.WHOLE_MARGINS``); for its rows' text path, loose
# (two-line rows stay whole).
ROWS_MARGIN = (0.05, 0.15)
WHOLE_READS = 3  # whole-plate crops read at most (``variants.WHOLE_MARGINS``), while doubtful
# A located plate's crop is brought to this height for its text path (rows close together merge when small).
# TRAIN-half vehicle crops exact at 96 / 128 / 160 / 192 px: india 57 / 58 / 60 / 61 of 66, US 89 / 89 / 91
# / 88 of 111; the medians do not move (sure after the whole-plate read), the 90th percentile 89 -> 125 ms.
PLATE_TEXT_HEIGHT = 160
MIN_PLATE_CONTRAST = 8.0  # grey-level spread below which a located box is blank (a dark frame), not a plate
MAX_PLATES = 3  # located plates read per image, most confident first, until one read is sure
MAX_PLATES_PHOTO = 8  # located plates read per photo by ``read_plates`` (each of them, not until one is sure)
# A located plate whose best read is an Indian plate without its state code (``grammar.is_indian_tail``:
# BL1155 for PY01BL1155, the state and district printed small and stacked at the left, outside the
# detector's box) is read again with its box widened to the left by this share of its width: the 4
# characters of state and district are about 2/3 as wide as the 6 of series and number. Only a valid Indian
# read of the wider box is kept.
WIDEN_LEFT = 0.7
NESTED = 0.8  # a located box this much (``localise.overlap``) inside a bigger one already read is skipped
# ``read_plates``: a located box under SMALLER of a bigger one's area, centred on it or just beside it (within
# it grown by BESIDE of its width and height on each side), is print on that plate, not a plate of its own: a
# registration sticker (AUG98) or a county's name (JASPER) under a US number, found as sure as the number.
SMALLER, BESIDE = 0.25, (0.25, 0.5)


def on_plate(box: Box, plate: Box) -> bool:
    """Whether the located ``box`` is print on ``plate`` (``SMALLER``, ``BESIDE``)."""
    gx, gy = BESIDE[0] * plate.width, BESIDE[1] * plate.height
    grown = Box(plate.x1 - gx, plate.y1 - gy, plate.x2 + gx, plate.y2 + gy)
    return box.area < SMALLER * plate.area and grown.contains(box.center)


def containers_first(plates: Sequence[PlateBox]) -> list[PlateBox]:
    """``plates`` in order, but a box lying inside a bigger one (``NESTED``) after every box that is not: a
    registration sticker on a plate, found as sure as the plate (09-09 on FAMILY), is then never read in
    place of the plate (``read`` skips a box inside a plate already read)."""
    return sorted(  # stable: the localiser's order within each group
        plates, key=lambda p: any(overlap(p.box, q.box) > NESTED and p.box.area < q.box.area for q in plates)
    )


class PlateReader:
    """Reads plates in a BGR uint8 image (whole photo or vehicle crop); reads best first.

    With a ``localiser`` (default: the trained plate detector) the ``MAX_PLATES`` most confident plates
    are read in turn until one read is valid and confident: each plate crop is recognised whole, then,
    unless sure, it goes through the text path at ``PLATE_TEXT_HEIGHT`` px. When nothing located reads
    as a plate, the whole image takes the text path, unless ``search_whole`` is off (video: a track
    offers several sightings, and a plate the detector cannot find in any is rarely legible).

    The text path (``localiser=None``) detects and recognises text lines (``OcrBackend.predict``).
    Unless its best read is valid and confident, the best candidate regions get a second look: with a
    ``Recogniser`` backend each row of the region is cut out with a margin and recognised directly
    (cheap: no detection; a plate split by the detector is read whole); otherwise the region is
    upscaled and run through ``predict`` again. If still not sure and the image is smaller than
    ``min_side``, both passes run again on it upscaled to ``min_side``. Reads of all passes are ranked
    together.
    """

    def __init__(
        self,
        backend: OcrBackend | None = None,
        localiser: PlateLocaliser | Literal["default"] | None = "default",
        refine: int = 1,
        refine_height: int = 192,
        skip_refine_above: float = 0.95,
        min_side: int = MIN_SIDE,
        search_whole: bool = True,
        whole_reads: int = WHOLE_READS,
        foreign: Recogniser | Literal["default"] | None = "default",
    ) -> None:
        if foreign == "default":  # with rapidocr, the fine-tuned plate recogniser where present
            foreign = plate_recogniser() if backend is None or isinstance(backend, RapidOcrBackend) else None
        if backend is None:
            from echallan.anpr.ocr import make_backend

            backend = make_backend()
        if localiser == "default":
            from echallan.anpr.localise import YoloPlateLocaliser

            localiser = YoloPlateLocaliser()
        self.backend = backend
        self.foreign = foreign
        self.localiser: PlateLocaliser | None = localiser
        self.text = TextPath(backend, refine, refine_height, skip_refine_above, min_side)
        self.search_whole = search_whole
        self.whole_reads = whole_reads

    def char_confidences(self, plate_crop: np.ndarray, text: str) -> tuple[tuple[str, float], ...]:
        """Per-character confidence of ``text`` re-read on its plate crop, for the reviewer.

        The crop is recognised as one line, then, unless that spells ``text``, as two rows
        (``crops.split_rows``: a two-line plate). Empty when the backend cannot recognise a crop on its
        own, or when neither re-read spells ``text`` (a read the grammar corrected, or voted from others).
        """
        if not isinstance(self.backend, Recogniser) or not plate_crop.size:
            return ()
        rows = split_rows(plate_crop)
        for parts in [(plate_crop,), *([rows] if rows is not None else [])]:
            lines = [self.backend.recognise(part) for part in parts]
            pairs = tuple(
                (c, s)
                for line in lines
                for c, s in zip(line.text, line.char_confidences, strict=False)
                if c.isalnum()
            )
            if "".join(c for c, _ in pairs).upper() == text:
                return pairs
        return ()

    def read(self, image: np.ndarray) -> list[PlateRead]:
        """A vehicle's crop: every candidate read, best first, of the located plates read in turn until one
        is sure (``MAX_PLATES``). The video pipeline keeps the best; ``read_plates`` is for photos."""
        reads: list[PlateRead] = []
        for plate in self._plates(image, MAX_PLATES):
            reads = rank(reads + self._read_plate(image, plate))
            if plate_sure(reads):
                return reads
        if reads or (self.localiser is not None and not self.search_whole):
            return reads
        return self.text.read(image)

    def read_plates(self, image: np.ndarray) -> list[PlateRead]:
        """A photo: each plate in it (up to ``MAX_PLATES_PHOTO`` located), one read each, best first.
        Unlike ``read``, a sure read of one plate does not end the search (a car behind, another in the
        row); print on a plate (``on_plate``) is not read as a plate, and a plate's weaker candidate reads
        are left out (``scoring.one_per_plate``). Without a localiser, or where none located reads as a
        plate, the whole photo takes the text path (unless ``search_whole`` is off)."""
        plates: list[PlateBox] = []
        for plate in sorted(self._plates(image, MAX_PLATES_PHOTO), key=lambda p: -p.box.area):
            if not any(on_plate(plate.box, p.box) for p in plates):
                plates.append(plate)
        reads = [found[0] for plate in plates if (found := self._read_plate(image, plate))]
        if not reads and (self.localiser is None or self.search_whole):
            reads = self.text.read(image)
        return one_per_plate(reads)

    def _plates(self, image: np.ndarray, most: int) -> Iterator[PlateBox]:
        """The ``most`` most confident located plates (``containers_first``), less any box inside a plate
        already given (a sticker or a word on that plate); none without a localiser."""
        if self.localiser is None:
            return
        done: list[Box] = []
        for plate in containers_first(self.localiser.locate(image)[:most]):
            if any(overlap(plate.box, b) > NESTED and plate.box.area < b.area for b in done):
                continue
            done.append(plate.box)
            yield plate

    def _read_plate(self, image: np.ndarray, plate: PlateBox) -> list[PlateRead]:
        """Read one located plate (``_read_box``); a read that lacks the state code (``WIDEN_LEFT``) is
        read again on the box widened to the left, and the wider box's valid Indian reads join in."""
        reads = self._read_box(image, plate.box)
        if reads and not reads[0].valid and is_indian_tail(reads[0].text):
            b = plate.box
            wider = self._read_box(image, Box(b.x1 - WIDEN_LEFT * b.width, b.y1, b.x2, b.y2))
            reads = rank(reads + [r for r in wider if r.valid])
        return self._second_opinion(image, plate.box, reads)

    def _second_opinion(self, image: np.ndarray, box: Box, reads: list[PlateRead]) -> list[PlateRead]:
        """A read that would be auto-accepted, checked twice before it is. (1) The plate recogniser reads the
        plate (``_read_otherwise``): where that reads as many characters and differs in one (AN84MD5044 for
        AN84ND5044), or reads a valid Indian plate with a character more (HP30TC6922 for HP30TC6), the read
        keeps DISAGREE_FACTOR of its confidence. (A shorter read is no disagreement: that recogniser skips a
        plate's small text.) Otherwise a read under NEAR_SURE is read again on the plate's next crop
        (``_read_again``): where that reads another valid plate more surely, it keeps DISAGREE_FACTOR too.
        (2) The plate's text boxes: where lines of words lie
        above and below the number (``smallprint.framed_by_words``: a foreign plate's look), it keeps
        FOREIGN_LOOK_FACTOR. Either way it goes to a reviewer."""
        if (
            not reads
            or not reads[0].auto_accept(AUTO_ACCEPT_THRESHOLD)
            or not isinstance(self.foreign, Recogniser)
        ):
            return reads
        top = reads[0]
        other = self._read_otherwise(image, box, top.text)
        if other:
            top = doubted(top, DISAGREE_FACTOR, doubt_disagree(other))
        elif top.confidence < NEAR_SURE and (again := self._read_again(image, box, top)):
            top = doubted(top, DISAGREE_FACTOR, doubt_next_crop(again))
        found = self._text_boxes(image, box)
        if found and framed_by_words(found[2]):
            top = doubted(top, FOREIGN_LOOK_FACTOR, DOUBT_FOREIGN_LOOK)
        return reads if top is reads[0] else rank([top, *reads[1:]])

    def _read_otherwise(self, image: np.ndarray, box: Box, text: str) -> str | None:
        """What the plate recogniser reads on the plate's tight crop where it doubts ``text``: as many
        characters but other ones (O and 0 as one); a valid Indian plate that holds ``text`` and a
        character more (``lost_character``); or the plate's series and number alone with a letter more
        (``lost_series_letter``: RQ3384 for PY41Q3384). Otherwise None: it agrees, or reads fewer characters
        (it skips a plate's small text). Where it reads more characters on the tight crop but raises no
        doubt, or agrees there with a read that may have lost a letter (``may_have_lost_a_letter``: a
        one-letter series, a temporary or BH plate), the plate's other crops (``WHOLE_MARGINS``) are read in
        turn for one more character, while they read no fewer: HP30TC6 read HP30TG6922 on the tight crop,
        HP30TC69 on the next; UP26X5461 read UP26X5461 on the tight crop, UP26MX5461 on the next."""
        if not isinstance(self.foreign, Recogniser):
            return None
        for i, margin in enumerate(WHOLE_MARGINS):
            tight = cut(image, box, *margin)
            if tight is None:
                continue
            other = interpret(self.foreign.recognise(tight[0]).text, plate_line=True)
            first = i == 0 and (
                (len(other.text) == len(text) and not same_plate(text, other.text))
                or lost_series_letter(text, other.text)
            )
            if first or (other.valid and lost_character(text, other.text)):
                return other.text
            if len(other.text) < len(text):
                return None
            if len(other.text) == len(text) and (i > 0 or not may_have_lost_a_letter(text)):
                return None
        return None

    def _read_again(self, image: np.ndarray, box: Box, top: PlateRead) -> str | None:
        """The plate's next crop (``WHOLE_MARGINS[1]``) read whole by the main recogniser, where that is
        another valid plate of as many characters (O and 0 as one), read more surely than ``top``: the read
        changes with the crop (SK40QJ0451 at 0.921 on the tight crop, SK49QJ0451 at 0.961 on the next).
        Otherwise None."""
        crop = cut(image, box, *WHOLE_MARGINS[1])
        if crop is None or not isinstance(self.backend, Recogniser):
            return None
        other, _ = whole_read(self.backend.recognise(crop[0]), box)
        another = len(other.text) == len(top.text) and not same_plate(top.text, other.text)
        return other.text if other.valid and another and other.confidence > top.confidence else None

    def _text_boxes(self, image: np.ndarray, box: Box) -> tuple[np.ndarray, float, list[Box]] | None:
        """The plate's loose crop, the scale it is searched at (``PLATE_TEXT_HEIGHT`` tall) and the text boxes
        the plate recogniser's detector finds there (in the scaled crop's pixels); None without a detector."""
        loose = cut(image, box, *ROWS_MARGIN)
        if loose is None or not isinstance(self.foreign, TextDetector):
            return None
        crop = loose[0]
        scale = PLATE_TEXT_HEIGHT / crop.shape[0]
        return crop, scale, self.foreign.detect(cv2.resize(crop, None, fx=scale, fy=scale))

    def _read_box(self, image: np.ndarray, box: Box) -> list[PlateRead]:
        """Read one plate box: recognised whole, then (unless sure) its crop through the text path."""
        reads: list[PlateRead] = []
        loose = cut(image, box, *ROWS_MARGIN)
        if loose is None or float(loose[0].std()) < MIN_PLATE_CONTRAST:
            return reads
        backend = self.backend  # for the crop's text path: the plate recogniser's on a foreign plate
        other: list[PlateRead] = []
        parts: list[PlateRead] = []
        if isinstance(self.backend, Recogniser):
            reads = self._read_whole(image, box, self.backend)
            indian = bool(reads) and reads[0].valid and plate_sure(reads)
            if self.foreign is not None and not indian:
                whole = self._read_whole(image, box, self.foreign)
                other = [r for r in whole if foreign_line(r)]
                # a sure one that may be part of an Indian plate (N3934, J0518, 2006R) ranks only where the
                # plate reads as no valid Indian one: a two-line plate's bottom row must not beat the plate
                parts = [r for r in whole if r.country == "foreign" and not foreign_line(r)]
                parts = [r for r in parts if plate_sure([r])]
                if plate_sure(other):
                    return self._unless_indian(image, box, self._without_small_print(image, box, other))
                if other:  # on foreign plates it reads better than the shipped one: its reads replace those
                    other = self._without_small_print(image, box, other)
                    reads = rank([r for r in reads if r.country != "foreign"] + other)
                    # mixed: a plate number, not a row of digits (a two-line Indian plate's bottom row: 1111)
                    if is_mixed(other[0].text) and not any(r.valid for r in reads):
                        backend = self.foreign if isinstance(self.foreign, OcrBackend) else backend
            if plate_sure(reads):
                return reads if reads[0].valid else self._unless_indian(image, box, rank(reads + parts))
        found = self._crop_text(image, box, backend)
        # once the text path has looked, the plate recogniser's letters-only or digits-only read ranks as a
        # mixed one would: on a foreign plate it is the number more often than the text path's reads (but not
        # a year: the plate's registration sticker)
        plain = [
            replace(r, confidence=r.confidence * FOREIGN_FACTOR / PLAIN_FACTOR)
            for r in other
            if not is_mixed(r.text) and not is_year(r.text)
        ]
        ranked = rank(reads + plain + found)
        return ranked if any(r.valid for r in ranked) else rank(ranked + parts)

    def _crop_text(self, image: np.ndarray, box: Box, backend: OcrBackend) -> list[PlateRead]:
        """The text path on a located plate's crop (``PLATE_TEXT_HEIGHT`` px tall); boxes in image
        coordinates."""
        loose = cut(image, box, *ROWS_MARGIN)
        if loose is None:
            return []
        crop, (x, y) = loose
        found = self.text.read_pass(crop, PLATE_TEXT_HEIGHT / crop.shape[0], in_plate=True, backend=backend)
        return [replace(r, box=r.box.offset(x, y)) if r.box else r for r in found]

    def _unless_indian(self, image: np.ndarray, box: Box, foreign: list[PlateRead]) -> list[PlateRead]:
        """A sure foreign whole-plate read, unless it may be the bottom row of a two-line Indian plate
        (``grammar.is_bottom_row``; or ``is_short_bottom_row`` below a top row that reads as an Indian one:
        ``_indian_top_row``) and the plate's text path reads a sure, valid Indian plate
        (``PLATE_SURE``). The whole-plate read of a two-line plate whose top row is short (DL 6 / VMD 0516,
        MN 23 / TC 1114) is often its bottom row alone, which reads as a foreign plate."""
        text = foreign[0].text
        if not is_bottom_row(text) and not (is_short_bottom_row(text) and self._indian_top_row(image, box)):
            return foreign
        found = self._crop_text(image, box, self.backend)
        indian = [r for r in found if r.valid and r.confidence >= PLATE_SURE]
        return rank(foreign + indian) if indian else foreign

    def _without_small_print(self, image: np.ndarray, box: Box, reads: list[PlateRead]) -> list[PlateRead]:
        """The plate recogniser's best whole-plate read without small print read in beside the number
        (``smallprint``): the plate's text boxes found (detection only), the number's span recognised on
        its own, and the top read trimmed to what that spells, where it stays a foreign read."""
        found = self._text_boxes(image, box) if reads and len(reads[0].text) > MIN_NUMBER else None
        span = number_span(found[2]) if found else None
        if found is None or span is None or not isinstance(self.foreign, Recogniser):
            return reads
        crop, scale, _ = found
        at = scaled(span.box, 1 / scale)
        x1, y1, x2, y2 = expand(
            at, NUMBER_MARGIN[0] * at.height, NUMBER_MARGIN[1] * at.height, *crop.shape[1::-1]
        )
        if x2 - x1 < 4 or y2 - y1 < 4:  # a speck of text, nothing to read alone
            return reads
        line = self.foreign.recognise(crop[y1:y2, x1:x2])
        top = reads[0]
        text = trimmed(top.text, normalise(line.text), span.left, span.right)
        if text is None:
            return reads
        read = to_read(Candidate((replace(line, text=text, box=box),), Layout.ONE_LINE), plate_line=True)
        return rank([read, *reads[1:]]) if read.country == "foreign" else reads

    def _indian_top_row(self, image: np.ndarray, box: Box) -> bool:
        """Whether the plate's top half (``crops.split_rows``), recognised on its own, reads as the top row of
        a two-line Indian plate (a state code and district: ``grammar.has_state_head``). One recogniser
        call: a cheap check before the text path on plates whose whole read may be a damaged bottom row."""
        loose = cut(image, box, *ROWS_MARGIN)
        rows = split_rows(loose[0]) if loose is not None else None
        if rows is None or not isinstance(self.backend, Recogniser):
            return False
        return has_state_head(normalise(self.backend.recognise(rows[0]).text))

    def _read_whole(self, image: np.ndarray, box: Box, rec: Recogniser) -> list[PlateRead]:
        """The located plate recognised whole from each ``WHOLE_MARGINS`` crop in turn (at most
        ``whole_reads``) while the reads are unsure and have a doubtful character (``DOUBTFUL``); the read
        whose weakest character is the surest (``variants.weakest``, scaled as the grammar scales it)."""
        best: tuple[float, PlateRead] | None = None
        for margin in WHOLE_MARGINS[: self.whole_reads]:
            tight = cut(image, box, *margin)
            if tight is None:
                continue
            line = rec.recognise(tight[0])
            read, used = whole_read(line, box)
            key = weakest(used) * read.confidence / max(used.confidence, 1e-6)
            if worth(read) and (best is None or key > best[0]):
                best = (key, read)
            if plate_sure([read]) or weakest(used) >= DOUBTFUL:
                break
        return [best[1]] if best else []
