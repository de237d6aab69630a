"""Notices: bilingual two-page notices, QR that decodes, shaped Hindi, privacy blur, skipped bad data."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import qrcode
from pypdf import PdfReader
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, QRData

import echallan.notices.pdf as pdf
from echallan.errors import InputError
from echallan.notices import NoticeConfig, render_notices
from echallan.notices.config import QrConfig, qr_payload
from echallan.notices.fonts import fonts, pick_fonts
from echallan.notices.photo import evidence_photo
from echallan.notices.qr import qr_matrix
from echallan.notices.render import write_manifest
from echallan.notices.text import STRINGS, format_amount, format_date, format_datetime
from echallan.types import NoticeData

FRONT = 2  # page index of the first notice's front: the summary sheet (2 pages) comes first


def _frame(path: Path) -> str:
    img = np.full((720, 1280, 3), (90, 110, 100), np.uint8)
    cv2.rectangle(img, (500, 350), (800, 600), (30, 30, 200), -1)
    cv2.rectangle(img, (900, 380), (1150, 560), (255, 255, 255), -1)
    for x in range(910, 1140, 12):  # a sharp "plate" pattern on the other vehicle
        cv2.line(img, (x, 480), (x, 550), (0, 0, 0), 3)
    cv2.imwrite(str(path), img)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _notice(tmp_path: Path, i: int, **changes: object) -> NoticeData:
    frame = tmp_path / f"frame{i}.png"
    crop = tmp_path / f"plate{i}.png"
    cv2.imwrite(str(crop), np.full((40, 160, 3), 230, np.uint8))
    base = NoticeData(
        challan_number=f"KA-BLR-2025-00012{i}",
        issued_on="2025-03-14",
        due_on="2025-05-13",
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
        evidence_sha256=_frame(frame),
        plate_crop_path=str(crop),
        offence_label_hi="लाल बत्ती का उल्लंघन",
        vehicle_model="Maruti Swift",
        vehicle_colour="White",
        offender_box=(500, 350, 800, 600),
        privacy_vehicles=((900, 380, 1150, 560),),
        privacy_persons=((100, 100, 200, 400),),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages]


def test_notices_are_two_pages_each_after_the_summary(tmp_path: Path) -> None:
    notices = [_notice(tmp_path, i) for i in (1, 2, 3)]
    out = tmp_path / "out" / "notices.pdf"
    report = render_notices(notices, out, jobs=1)
    assert report.printed == [n.challan_number for n in notices] and not report.skipped
    pages = _pages(out)
    assert len(pages) == report.pages == 2 + 2 * 3
    assert "Notices printed: 3" in pages[0]
    for k, n in enumerate(notices):
        front, back = pages[FRONT + 2 * k], pages[FRONT + 2 * k + 1]
        for value in (
            n.challan_number,
            n.plate,
            n.owner_name,
            n.offence_label,
            n.evidence_sha256,
            n.camera_id,
        ):
            assert value in front
        for value in ("NOTICE OF TRAFFIC VIOLATION (e-Challan)", "Maruti Swift", "White", "Section 184"):
            assert value in front
        for line in n.owner_address.split("\n"):
            assert line in front
        assert format_amount(n.amount_inr, fonts().currency) in front
        assert format_date(n.due_on) in front and format_datetime(n.occurred_at) in front
        assert "Virtual Court" in back and n.challan_number in back and "page 2 of 2" in back
    assert not out.with_name("notices.pdf.part").exists()


def test_bad_data_is_skipped_with_reasons_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = _notice(tmp_path, 1)
    altered = _notice(tmp_path, 2, evidence_sha256="0" * 64)
    missing = _notice(tmp_path, 3, evidence_path=str(tmp_path / "gone.png"))
    no_address = _notice(tmp_path, 4, owner_address="")
    long_name = _notice(tmp_path, 5, owner_name="Sri " + "Venkata" * 12 + " Gowda")
    out = tmp_path / "n.pdf"
    report = render_notices([altered, good, missing, no_address, long_name], out, jobs=1)
    assert report.printed == [good.challan_number]
    reasons = {s.challan_number: s.reason for s in report.skipped}
    assert reasons == {
        altered.challan_number: "hash_mismatch",
        missing.challan_number: "evidence_missing",
        no_address.challan_number: "no_address",
        long_name.challan_number: "name_too_long",
    }
    pages = _pages(out)
    assert len(pages) == 4 and good.challan_number in pages[FRONT]
    assert "does not match its SHA-256" in pages[0] and "owner address missing" in pages[0]
    assert long_name.owner_name not in pages[0]  # the summary names no owner


def test_qr_decodes_to_number_verify_url_and_upi_link(tmp_path: Path) -> None:
    n = _notice(tmp_path, 1)
    cfg = NoticeConfig(qr=QrConfig("https://verify.example.in/c/{number}", "blr.traffic@sbi", "BTP"))
    out = tmp_path / "n.pdf"
    render_notices([n], out, cfg, jobs=1)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-f", "3", "-l", "3", "-png", str(out), str(tmp_path / "pg")], check=True
    )
    page = cv2.imread(str(next(tmp_path.glob("pg*.png"))))
    assert page is not None
    h, w = page.shape[:2]
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(page[int(h * 0.7) :, int(w * 0.7) :])
    assert text == qr_payload(cfg.qr, n.challan_number, n.amount_inr)
    assert f"CHALLAN:{n.challan_number}" in text and "https://verify.example.in/c/KA-BLR-2025-000121" in text
    assert "upi://pay?pa=blr.traffic@sbi&pn=BTP&am=5000.00&cu=INR" in text


@pytest.mark.parametrize("length", [1, 20, 120, 235, 400, 900, 2000])
def test_qr_modules_are_what_the_qrcode_package_draws(length: int) -> None:
    payload = ("CHALLAN:KA-BLR-2025-000121\nPAY:upi://pay?pa=ksp@sbi&am=5000.00 ₹" * 40)[:length]
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, mask_pattern=0)
    code.add_data(QRData(payload.encode(), mode=MODE_8BIT_BYTE))
    code.make(fit=True)  # versions 1 to 30 here: one and several blocks, 8- and 16-bit lengths
    assert np.array_equal(qr_matrix(payload), np.array(code.get_matrix(), dtype=bool))


def test_parts_are_merged_in_order_after_the_summary(tmp_path: Path) -> None:
    notices = [_notice(tmp_path, i) for i in range(1, 6)]
    out = tmp_path / "n.pdf"
    report = render_notices(notices, out, NoticeConfig(chunk_notices=2), jobs=1)  # three part files
    reader = PdfReader(str(out), strict=True)
    assert len(reader.pages) == report.pages == 2 + 2 * 5
    pages = _pages(out)
    assert "Notices printed: 5" in pages[0] and "intentionally blank" in pages[1]
    for k, n in enumerate(notices):
        assert n.challan_number in pages[FRONT + 2 * k] and n.owner_name in pages[FRONT + 2 * k]
        assert f"{n.challan_number} · page 2 of 2" in pages[FRONT + 2 * k + 1]
    front: Any = reader.pages[FRONT]
    images = [x.get_object() for x in front["/Resources"]["/XObject"].values()]
    filters = [str(x["/Filter"]) for x in images if x["/Subtype"] == "/Image"]
    assert len(filters) == 2 and all("DCTDecode" in f for f in filters)  # JPEGs embedded as encoded
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("notices-")] == []


def test_hindi_is_shaped_in_the_pdf(tmp_path: Path) -> None:
    if not fonts().hindi:
        pytest.skip("Annapurna SIL or uharfbuzz not installed")
    hb = pytest.importorskip("uharfbuzz")
    ttlib = pytest.importorskip("fontTools.ttLib")
    path = "/usr/share/fonts/truetype/annapurna/AnnapurnaSIL-Regular.ttf"
    word = "उल्लंघन"  # in the title: ल्ल is a conjunct, ं a sign above
    blob = hb.Blob.from_file_path(path)
    font = hb.Font(hb.Face(blob))
    buf = hb.Buffer()
    buf.add_str(word)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    shaped = [g.codepoint for g in buf.glyph_infos]
    source = ttlib.TTFont(path)
    cmap, order = source.getBestCmap(), source.getGlyphOrder()
    unshaped = [source.getGlyphID(cmap[ord(ch)]) for ch in word]
    assert shaped != unshaped and len(shaped) < len(unshaped)
    conjuncts = {order[g] for g in shaped} - set(cmap.values())  # glyphs no character maps to
    assert conjuncts
    out = tmp_path / "n.pdf"
    render_notices([_notice(tmp_path, 1)], out, jobs=1)
    front: Any = PdfReader(str(out)).pages[FRONT]
    embedded = []
    forms = [x.get_object() for x in front["/Resources"]["/XObject"].values()]
    for form in (f for f in forms if f.get("/Subtype") == "/Form"):
        for f in form["/Resources"]["/Font"].values():
            descriptor = f.get_object().get("/FontDescriptor")
            if (
                descriptor is not None
                and "/FontFile2" in descriptor
                and "Annapurna" in str(f.get_object()["/BaseFont"])
            ):
                embedded.append(ttlib.TTFont(io.BytesIO(descriptor["/FontFile2"].get_data())))
    assert embedded
    glyf = source["glyf"]
    wanted = {name: glyf[name].getCoordinates(glyf)[0].array.tolist() for name in conjuncts}
    found = set()
    for sub in embedded:
        sub_glyf = sub["glyf"]
        outlines = [sub_glyf[g].getCoordinates(sub_glyf)[0].array.tolist() for g in sub.getGlyphOrder()]
        found |= {name for name, coords in wanted.items() if coords in outlines}
    assert found == set(wanted)  # the shaped conjunct glyphs are what the PDF draws


def test_privacy_blur_on_a_copy(tmp_path: Path) -> None:
    n = _notice(tmp_path, 1)
    before = Path(n.evidence_path).read_bytes()
    blurred = evidence_photo(n, 115, 64.7)
    plain = evidence_photo(dataclasses.replace(n, privacy_vehicles=(), privacy_persons=()), 115, 64.7)
    assert blurred.image is not None and plain.image is not None
    a, b = (np.asarray(p.image._image) for p in (blurred, plain))  # type: ignore[union-attr]
    assert Path(n.evidence_path).read_bytes() == before  # the stored original is untouched
    w = plain.image.getSize()[0] / 1280

    def sharpness(img: np.ndarray, box: tuple[int, int, int, int]) -> float:
        x1, y1, x2, y2 = (round(v * w) for v in box)
        return float(cv2.Laplacian(cv2.cvtColor(img[y1:y2, x1:x2], cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())

    plate = (910, 480, 1140, 550)
    assert sharpness(a, plate) < 0.2 * sharpness(b, plate)


def test_manifest_lists_printed_notices_in_pdf_order(tmp_path: Path) -> None:
    notices = [_notice(tmp_path, i) for i in (1, 2, 3)]
    count = write_manifest(
        tmp_path / "m.csv", notices, [notices[2].challan_number, notices[0].challan_number]
    )
    rows = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert count == 2 and [r["challan_number"] for r in rows] == [
        notices[2].challan_number,
        notices[0].challan_number,
    ]
    assert rows[0]["serial"] == "1" and rows[0]["pin"] == "560033" and "Indiranagar" in rows[0]["address"]


def test_builtin_font_fallback_writes_rs_in_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fallback = pick_fonts(dirs=[tmp_path / "no-fonts"])
    assert (fallback.regular, fallback.rupee, fallback.currency, fallback.hindi) == (
        "Helvetica",
        False,
        "Rs.",
        False,
    )
    import echallan.notices.render as render

    monkeypatch.setattr(render, "fonts", lambda: fallback)
    out = tmp_path / "n.pdf"
    render_notices([_notice(tmp_path, 2, amount_inr=150000)], out, jobs=1)
    assert "Rs. 1,50,000" in _pages(out)[FRONT]


def test_no_notices_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "n.pdf"
    assert render_notices([], out, jobs=1).count == 0
    assert not out.exists()


def test_uncreatable_directory_is_an_input_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(InputError, match="cannot create the output directory"):
        render_notices([_notice(tmp_path, 1)], blocker / "sub" / "n.pdf", jobs=1)


def test_strings_exist_in_both_languages() -> None:
    assert STRINGS["en"].keys() == STRINGS["hi"].keys()
    assert pdf.draw_notice is not None


def test_formatting() -> None:
    assert format_amount(500, "Rs.") == "Rs. 500"
    assert format_amount(12345678, "₹") == "₹ 1,23,45,678"
    assert format_date("2025-03-14") == "14-03-2025"
    assert format_datetime("2025-03-12T14:32:05+05:30") == "12-03-2025 14:32:05 (UTC+05:30)"
    assert format_datetime("garbled") == "garbled"
