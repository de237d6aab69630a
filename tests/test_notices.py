"""Notices: one A4 page per NoticeData, text extractable, missing evidence survives."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

import echallan.notices.pdf as pdf
from echallan.errors import InputError
from echallan.notices import Authority, render_notices
from echallan.notices.fonts import pick_fonts
from echallan.notices.text import format_amount, format_date, format_datetime
from echallan.types import NoticeData


def _frame(path: Path, colour: tuple[int, int, int]) -> str:
    img = np.full((720, 1280, 3), colour, np.uint8)
    cv2.rectangle(img, (500, 400), (800, 600), (30, 30, 200), -1)
    cv2.putText(img, "TEST", (40, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (255, 255, 255), 3)
    cv2.imwrite(str(path), img)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _notice(tmp_path: Path, i: int, **changes: object) -> NoticeData:
    frame = tmp_path / f"frame{i}.jpg"
    sha = _frame(frame, (40 * i, 80, 120))
    crop = tmp_path / f"plate{i}.png"
    cv2.imwrite(str(crop), np.full((40, 160, 3), 230, np.uint8))
    base = NoticeData(
        challan_number=f"KA-BLR-2025-00012{i}",
        issued_on="2025-03-14",
        due_on="2025-04-13",
        offence="red_light",
        offence_label="Jumping a red light",
        section="184",
        amount_inr=5000 * i,
        occurred_at=f"2025-03-12T14:3{i}:05+05:30",
        camera_id=f"CAM-BLR-01{i}",
        location=f"MG Road junction {i}, Bengaluru",
        plate=f"KA01AB123{i}",
        vehicle_class="car",
        owner_name=f"Owner Number{i} Gowda",
        owner_address=f"No. {i}, 3rd Cross\nIndiranagar\nBengaluru 56003{i}",
        owner_pin=f"56003{i}",
        evidence_path=str(frame),
        evidence_sha256=sha,
        plate_crop_path=str(crop),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def test_each_notice_on_its_own_page(tmp_path: Path) -> None:
    notices = [_notice(tmp_path, i) for i in (1, 2, 3)]
    out = tmp_path / "out" / "notices.pdf"
    assert render_notices(iter(notices), out, Authority(unit="Traffic Police, Mysuru City")) == 3
    pages = _pages(out)
    assert len(pages) == 3
    for page, n, other in zip(pages, notices, [*notices[1:], notices[0]], strict=True):
        for value in (
            n.challan_number,
            n.plate,
            n.owner_name,
            n.offence_label,
            n.evidence_sha256,
            "NOTICE OF TRAFFIC VIOLATION (e-Challan)",
            "Traffic Police, Mysuru City",
            n.camera_id,
        ):
            assert value in page
        for line in n.owner_address.split("\n"):
            assert line in page
        assert format_amount(n.amount_inr, pdf.fonts().currency) in page
        assert "Section 184" in page
        assert format_date(n.due_on) in page and format_datetime(n.occurred_at) in page
        assert other.challan_number not in page and other.evidence_sha256 not in page
    assert not out.with_name("notices.pdf.part").exists()


def test_rupee_sign_with_dejavu() -> None:
    fontset = pdf.fonts()
    if not fontset.rupee:
        pytest.skip("no TrueType font with the rupee sign installed")
    assert fontset.currency == "\u20b9"


def test_missing_evidence_does_not_stop_the_batch(tmp_path: Path) -> None:
    good = _notice(tmp_path, 1)
    missing = _notice(tmp_path, 2, evidence_path=str(tmp_path / "gone.jpg"), plate_crop_path=None)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    unreadable = _notice(tmp_path, 3, evidence_path=str(broken), plate_crop_path=str(tmp_path / "no.png"))
    out = tmp_path / "n.pdf"
    assert render_notices([good, missing, unreadable], out) == 3
    pages = _pages(out)
    assert "EVIDENCE IMAGE MISSING" not in pages[0]
    assert "EVIDENCE IMAGE MISSING" in pages[1] and missing.challan_number in pages[1]
    assert "EVIDENCE IMAGE UNREADABLE" in pages[2] and unreadable.plate in pages[2]
    # the good page embeds two images (frame and plate crop), the missing one none
    reader = PdfReader(str(out))
    assert len(reader.pages[0].images) == 2
    assert len(reader.pages[1].images) == 0


def test_hash_mismatch_is_flagged(tmp_path: Path) -> None:
    n = _notice(tmp_path, 1, evidence_sha256="0" * 64)
    out = tmp_path / "n.pdf"
    render_notices([n], out)
    assert "does not match" in _pages(out)[0]
    render_notices([_notice(tmp_path, 1)], out)
    assert "does not match" not in _pages(out)[0]


def test_long_address_keeps_pin(tmp_path: Path) -> None:
    address = "\n".join(f"Line {k} of a very long address, Whitefield, Bengaluru East" for k in range(12))
    n = _notice(tmp_path, 1, owner_address=address + "\nBengaluru 560066", owner_pin="560066")
    out = tmp_path / "n.pdf"
    render_notices([n], out)
    page = _pages(out)[0]
    assert "Bengaluru 560066" in page and "Line 0" in page


def test_builtin_font_fallback_writes_rs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fallback = pick_fonts(dirs=[tmp_path / "no-fonts"])
    assert (fallback.regular, fallback.rupee, fallback.currency) == ("Helvetica", False, "Rs.")
    monkeypatch.setattr(pdf, "fonts", lambda: fallback)
    out = tmp_path / "n.pdf"
    render_notices([_notice(tmp_path, 2, amount_inr=150000)], out)
    assert "Rs. 1,50,000" in _pages(out)[0]


def test_no_notices_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "n.pdf"
    assert render_notices([], out) == 0
    assert not out.exists()


def test_uncreatable_directory_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot create the output directory"):
        render_notices([_notice(tmp_path, 1)], blocker / "sub" / "n.pdf")


def test_formatting() -> None:
    assert format_amount(500, "Rs.") == "Rs. 500"
    assert format_amount(1000, "₹") == "₹ 1,000"
    assert format_amount(12345678, "₹") == "₹ 1,23,45,678"
    assert format_date("2025-03-14") == "14-03-2025"
    assert format_datetime("2025-03-12T14:32:05+05:30") == "12-03-2025 14:32:05 (UTC+05:30)"
    assert format_datetime("garbled") == "garbled"
