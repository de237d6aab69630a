"""ANPR: read Indian (and foreign) number plates from photos or vehicle crops.

``PlateReader().read(vehicle_crop)`` gives ``list[PlateRead]`` best first, every candidate read of the
vehicle's plate; ``read_plates(photo)`` one read per plate in a photo (rapidocr backend, built once;
``PlateReader(backend=make_backend("easyocr"))`` for another);
``vote(reads_across_frames)`` combines one vehicle's reads; ``interpret(raw)`` applies the grammar.
"""

from echallan.anpr.grammar import ALL_STATE_CODES, STATE_CODES, PlateText, interpret, normalise
from echallan.anpr.ocr import (
    BACKENDS,
    DEFAULT_BACKEND,
    EasyOcrBackend,
    OcrBackend,
    RapidOcrBackend,
    Recogniser,
    TextLine,
    make_backend,
)
from echallan.anpr.reader import PlateReader
from echallan.anpr.scoring import AUTO_ACCEPT_THRESHOLD
from echallan.anpr.voting import vote

__all__ = [
    "ALL_STATE_CODES",
    "AUTO_ACCEPT_THRESHOLD",
    "BACKENDS",
    "DEFAULT_BACKEND",
    "STATE_CODES",
    "EasyOcrBackend",
    "OcrBackend",
    "PlateReader",
    "PlateText",
    "RapidOcrBackend",
    "Recogniser",
    "TextLine",
    "interpret",
    "make_backend",
    "normalise",
    "vote",
]
