"""bench/anpr.py scores the labelled plate's read of a photo, not another plate's that ranked first."""

from __future__ import annotations

from types import ModuleType

import pytest

from echallan.testing import bench_script
from echallan.types import Box, PlateRead

LABEL = Box(100, 300, 220, 330)  # the plate the set labels


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return bench_script("anpr")


def test_the_labelled_plate_is_scored_when_another_plate_ranks_first(bench: ModuleType) -> None:
    behind = PlateRead("6MTP929", 0.99, Box(430, 5, 480, 20))  # a car further off, not labelled
    ours = PlateRead("6TIX874", 0.90, Box(105, 298, 215, 332))
    assert bench.labelled_read([behind, ours], LABEL) is ours


def test_no_read_of_the_labelled_plate_is_a_miss_not_another_plates_read(bench: ModuleType) -> None:
    behind = PlateRead("6MTP929", 0.99, Box(430, 5, 480, 20))
    assert bench.labelled_read([behind], LABEL) is None
    assert bench.labelled_read([], LABEL) is None


def test_a_read_that_overlaps_the_label_little_is_another_plate(bench: ModuleType) -> None:
    edge = PlateRead("AB123", 0.99, Box(200, 300, 400, 330))  # a sixth of it lies on the label
    assert bench.labelled_read([edge], LABEL) is None
    boxless = PlateRead("AB1234", 0.99)
    assert bench.labelled_read([boxless], LABEL) is boxless
