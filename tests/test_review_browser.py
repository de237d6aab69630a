"""The review desk in headless Chromium (Playwright): log in, review by keyboard, correct a plate, roles.

Needs the ``playwright`` package and Debian's ``chromium`` (``/usr/bin/chromium``); skipped without them.
Screenshots go to the test's tmp dir; with ``ECHALLAN_WRITE_DOCS=1`` also to docs/review_*.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import echallan.review.models  # noqa: F401  (registers the review tables on the records metadata)
from echallan.records import audit_trail, list_challans, open_db
from echallan.review.app import create_app
from echallan.review.sample import seed_desk
from echallan.review.web import DeskConfig

sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

CHROMIUM = Path(os.environ.get("ECHALLAN_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
DOCS = Path(__file__).resolve().parents[1] / "docs"
DOC_SHOTS = ("review_queue.png", "review_event.png", "review_supervisor.png", "review_unread.png")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_desk(tmp_path_factory.mktemp("desk"), PASSWORD).parent


@pytest.fixture
def desk(seeded: Path, tmp_path: Path) -> Iterator[tuple[str, sa.Engine]]:
    """The app served by uvicorn in a thread on 127.0.0.1 and a free port, over a copy of the seed."""
    shutil.copyfile(seeded / "desk.db", tmp_path / "desk.db")
    engine = open_db(f"sqlite:///{tmp_path / 'desk.db'}")
    app = create_app(DeskConfig(engine, evidence_root=seeded / "sample" / "evidence"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the review desk did not start"
    yield f"http://127.0.0.1:{port}", engine
    server.should_exit = True
    thread.join(5)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(20_000)  # 2 shared cores can be very busy
    yield pg
    context.close()


def shot(page: Any, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("ECHALLAN_WRITE_DOCS") == "1" and name in DOC_SHOTS:
        shutil.copyfile(path, DOCS / name)
    assert path.stat().st_size > 10_000
    return path


def keyboard_login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    sync_api.expect(page.locator("#username")).to_be_focused(timeout=20_000)  # autofocus: no click needed
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/queue")


def type_plate(page: Any, tmp_path: Path, name: str) -> None:
    """Type Ravi Kumar's plate in the plate field (``p``), wait for the live owner lookup to name him, take
    the screenshot ``name`` and submit (``Enter``)."""
    page.keyboard.press("p")
    page.keyboard.type("KA51MJ4321")
    sync_api.expect(page.locator("#lookup")).to_contain_text("Ravi Kumar", timeout=20_000)
    shot(page, tmp_path, name)
    page.keyboard.press("Enter")


def status(engine: sa.Engine, number: str) -> str:
    return next(c["status"] for c in list_challans(engine) if c["number"] == number)


def test_login_shows_the_queue(desk: tuple[str, sa.Engine], page: Any, tmp_path: Path) -> None:
    base, _ = desk
    page.goto(f"{base}/queue")
    assert page.url == f"{base}/login"
    page.fill("#username", "asha.reviewer")
    page.fill("#password", "not the password")
    page.click("button[type=submit]")
    assert "wrong user name or password" in page.inner_text("main")
    page.fill("#username", "asha.reviewer")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/queue")
    assert page.locator("table.queue tbody tr").count() == 4
    shot(page, tmp_path, "review_queue.png")


def test_review_an_event_with_the_keyboard_only(
    desk: tuple[str, sa.Engine], page: Any, tmp_path: Path
) -> None:
    base, engine = desk
    keyboard_login(page, base, "asha.reviewer")
    number = page.locator("table.queue tbody tr td").first.inner_text().split()[0]
    page.keyboard.press("n")  # claim the first free event
    page.wait_for_url(f"{base}/events/*")
    page.wait_for_load_state("load")  # evidence images and the script are in
    shot(page, tmp_path, "review_event.png")
    width = page.locator("#plate-crop").bounding_box()["width"]
    page.keyboard.press("z")  # zoom the plate crop
    assert page.locator("#plate-crop").bounding_box()["width"] > 1.5 * width
    page.keyboard.press("c")  # confirm
    page.wait_for_url(f"{base}/queue?*")
    assert f"Challan {number} confirmed." in page.inner_text(".notice")
    assert status(engine, number) == "approved"
    assert audit_trail(engine, number)[-1]["actor"] == "asha.reviewer"
    page.keyboard.press("n")  # the next one, rejected with a typed reason
    page.wait_for_url(f"{base}/events/*")
    page.keyboard.press("r")
    page.keyboard.type("plate not readable")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/queue?*")
    assert "rejected" in page.inner_text(".notice")


def test_correct_a_plate_with_the_live_lookup(desk: tuple[str, sa.Engine], page: Any, tmp_path: Path) -> None:
    base, engine = desk
    keyboard_login(page, base, "bala.reviewer")
    page.goto(f"{base}/queue?plate=KA51")
    page.keyboard.press("n")
    page.wait_for_url(f"{base}/events/*")
    number = page.inner_text("h1").split()[0]
    type_plate(page, tmp_path, "review_correct.png")
    page.wait_for_url(f"{base}/queue?*")
    assert "corrected" in page.inner_text(".notice")
    assert status(engine, number) == "approved"
    assert (
        audit_trail(engine, number)[-1]["reason"]
        == "plate corrected at review: read KA51MJ4327, is KA51MJ4321"
    )


def test_reviewer_is_refused_the_supervisor_page(
    desk: tuple[str, sa.Engine], page: Any, browser: Any, tmp_path: Path
) -> None:
    base, _ = desk
    keyboard_login(page, base, "asha.reviewer")
    assert page.locator("a[href='/supervisor']").count() == 0
    response = page.goto(f"{base}/supervisor")
    assert response.status == 403 and "only a supervisor" in page.inner_text("main")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    supervisor = context.new_page()
    supervisor.set_default_timeout(20_000)
    keyboard_login(supervisor, base, "si.gowda")
    supervisor.goto(f"{base}/supervisor")
    assert supervisor.locator("svg").count() >= 3
    shot(supervisor, tmp_path, "review_supervisor.png")
    supervisor.click("#bulk-approve")
    assert "1 challans approved." in supervisor.inner_text(".notice")
    context.close()


def test_read_an_unread_plate_and_book_it_with_the_keyboard(
    desk: tuple[str, sa.Engine], page: Any, tmp_path: Path
) -> None:
    """The red-light jump whose plate the machine could not read: opened from "Unread plates", its plate
    typed with the owner lookup, booked; it then waits in the queue for another reviewer."""
    base, engine = desk
    keyboard_login(page, base, "asha.reviewer")
    page.click("text=Unread plates")
    page.wait_for_url(f"{base}/unread")
    assert "sample:red_light:unread" in page.inner_text("table.queue")
    page.keyboard.press("n")  # the first event waiting for a read
    page.wait_for_url(f"{base}/unread/*")
    page.wait_for_load_state("load")
    type_plate(page, tmp_path, "review_unread.png")
    page.wait_for_url(f"{base}/unread?*")
    notice = page.inner_text(".notice")
    number = notice.split()[1]
    assert notice == f"Challan {number} booked for review." and status(engine, number) == "pending_review"
    assert "No violation is waiting for a plate read." in page.inner_text("table.queue")
    page.goto(f"{base}/queue")
    assert number in page.inner_text("table.queue")
