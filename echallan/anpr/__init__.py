"""ANPR: read Indian (and foreign) number plates from photos or vehicle crops.

    reader = PlateReader()            # rapidocr backend, built once
    reads = reader.read(bgr_image)    # list[PlateRead], best first
    best = vote(reads_across_frames)  # one vehicle, many frames
"""

from echallan.anpr.grammar import ALL_STATE_CODES, STATE_CODES, PlateText, interpret, normalise
from echallan.anpr.ocr import EasyOcrBackend, OcrBackend, RapidOcrBackend, TextLine
from echallan.anpr.reader import AUTO_ACCEPT_THRESHOLD, PlateReader
from echallan.anpr.voting import vote

__all__ = [
    "ALL_STATE_CODES",
    "AUTO_ACCEPT_THRESHOLD",
    "STATE_CODES",
    "EasyOcrBackend",
    "OcrBackend",
    "PlateReader",
    "PlateText",
    "RapidOcrBackend",
    "TextLine",
    "interpret",
    "normalise",
    "vote",
]
