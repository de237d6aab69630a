"""Cutting a two-line plate's crop into its rows (``anpr.crops.split_rows``), on drawn images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from echallan.anpr.crops import split_rows


def two_rows(ink: int, paper: int, gap_at: int = 48) -> np.ndarray:
    """A 100 x 200 plate: "DL 6" in rows 10-40 and "VMD 0516" below ``gap_at``."""
    image = np.full((100, 200, 3), paper, np.uint8)
    cv2.putText(image, "DL 6", (50, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (ink,) * 3, 3)
    cv2.putText(image, "VMD 0516", (10, gap_at + 40), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (ink,) * 3, 3)
    return image


@pytest.mark.parametrize(("ink", "paper"), [(0, 255), (255, 40)])  # dark on light, light on dark
def test_the_cut_falls_between_the_rows(ink: int, paper: int) -> None:
    rows = split_rows(two_rows(ink, paper))
    assert rows is not None
    top, bottom = rows
    assert 40 <= top.shape[0] <= 60 and top.shape[0] + bottom.shape[0] == 100
    assert (top[-2:] == paper).all()  # the cut runs through the gap, not through a character


def test_the_cut_follows_the_gap() -> None:
    rows = split_rows(two_rows(0, 255, gap_at=58))
    assert rows is not None and 40 <= rows[0].shape[0] <= 66


def test_a_crop_too_small_to_cut() -> None:
    assert split_rows(np.zeros((2, 50, 3), np.uint8)) is None
    assert split_rows(np.zeros((40, 1, 3), np.uint8)) is None
