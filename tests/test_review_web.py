"""Review desk over HTTP (no browser): logins, CSRF, roles, evidence by id, claims, logout."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import echallan.review.models  # noqa: F401  (registers the review tables on the records metadata)
from echallan.records import list_challans, open_db
from echallan.records.models import challans, events, evidence_files
from echallan.review import views
from echallan.review.app import create_app
from echallan.review.sample import seed_desk
from echallan.review.web import COOKIE, DeskConfig

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_desk(tmp_path_factory.mktemp("desk"), PASSWORD).parent


@pytest.fixture
def engine(seeded: Path, tmp_path: Path) -> sa.Engine:
    shutil.copyfile(seeded / "desk.db", tmp_path / "desk.db")
    return open_db(f"sqlite:///{tmp_path / 'desk.db'}")


@pytest.fixture
def app_config(engine: sa.Engine, seeded: Path) -> DeskConfig:
    return DeskConfig(engine, evidence_root=seeded / "sample" / "evidence")


def client(config: DeskConfig) -> TestClient:
    return TestClient(create_app(config), follow_redirects=False)


def logged_in(config: DeskConfig, username: str) -> tuple[TestClient, str]:
    """A client logged in as ``username`` and its session's CSRF token."""
    c = client(config)
    token = _CSRF.search(c.get("/login").text)
    assert token is not None
    r = c.post("/login", data={"csrf": token.group(1), "username": username, "password": PASSWORD})
    assert r.status_code == 303 and r.headers["location"] == "/queue"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    page = c.get("/queue")
    csrf = _CSRF.search(page.text)
    assert page.status_code == 200 and csrf is not None
    return c, csrf.group(1)


def test_every_route_refuses_anonymous(app_config: DeskConfig) -> None:
    c = client(app_config)
    every = [*create_app(app_config).routes, *views.router.routes]
    routes = [r for r in every if isinstance(r, APIRoute)]
    assert len(routes) >= 12
    for route in routes:
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        assert route.methods is not None
        for method in route.methods:
            if path == "/login":
                continue
            r = c.request(method, path, data={"csrf": "x"})
            assert r.status_code in (303, 401), (method, path, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"] == "/login"
            assert "KA-BLR" not in r.text and "Asha" not in r.text


def test_login_needs_its_csrf_token_and_right_password(app_config: DeskConfig) -> None:
    c = client(app_config)
    c.get("/login")
    r = c.post("/login", data={"username": "asha.reviewer", "password": PASSWORD})
    assert r.status_code == 403 and COOKIE not in r.headers.get("set-cookie", "")
    token = _CSRF.search(c.get("/login").text)
    assert token is not None
    r = c.post("/login", data={"csrf": token.group(1), "username": "asha.reviewer", "password": "nope nope"})
    assert r.status_code == 401 and "wrong user name or password" in r.text


def test_post_without_csrf_is_refused(app_config: DeskConfig, engine: sa.Engine) -> None:
    c, csrf = logged_in(app_config, "asha.reviewer")
    assert c.post("/events/1/claim").status_code == 403
    assert c.post("/events/1/claim", data={"csrf": csrf + "x"}).status_code == 403
    assert c.post("/logout").status_code == 403
    assert c.post("/events/1/claim", data={"csrf": csrf}).status_code == 303
    assert c.post("/events/1/confirm", data={}).status_code == 403
    assert {ch["status"] for ch in list_challans(engine)} == {"pending_review"}


def test_dotdot_and_odd_ids_are_refused(app_config: DeskConfig, engine: sa.Engine, tmp_path: Path) -> None:
    c, _ = logged_in(app_config, "asha.reviewer")
    for path in (
        "/evidence/..%2F..%2Fetc%2Fpasswd",
        "/evidence/../../etc/passwd",
        "/evidence/1%2F..%2F..%2Fdesk.db",
        "/evidence/-1",
        "/events/..%2F1",
        "/events/1%20OR%201=1",
        "/static/..%2Fapp.py",
    ):
        r = c.get(path)
        assert r.status_code in (400, 404, 405, 422), (path, r.status_code)
        assert "root:" not in r.text and "import" not in r.text
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG secret")
    with engine.begin() as conn:
        rogue = conn.execute(
            sa.insert(evidence_files)
            .values(event_id=1, kind="frame", path=str(outside), sha256="0" * 64)
            .returning(evidence_files.c.id)
        ).scalar_one()
    assert c.get(f"/evidence/{rogue}").status_code == 400
    ok = c.get("/evidence/1")
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/png"


def test_sql_metacharacters_in_search_are_harmless(app_config: DeskConfig, engine: sa.Engine) -> None:
    c, _ = logged_in(app_config, "asha.reviewer")
    for nasty in ("' OR '1'='1", "%", "x'; DROP TABLE challans; --", '"\\'):
        r = c.get("/queue", params={"plate": nasty, "camera": nasty, "offence": nasty})
        assert r.status_code == 200 and "Nothing waiting for review" in r.text
        assert c.get("/api/owners", params={"plate": nasty}).status_code == 200
    assert c.get("/queue", params={"day": "2025' OR 1=1"}).status_code == 400
    assert c.get("/queue", params={"min_conf": "1 OR 1"}).status_code == 400
    assert len(list_challans(engine)) == 4


def test_reviewer_cannot_bulk_approve(app_config: DeskConfig, engine: sa.Engine) -> None:
    c, csrf = logged_in(app_config, "asha.reviewer")
    assert c.get("/supervisor").status_code == 403
    r = c.post("/supervisor/approve", data={"csrf": csrf, "challan": ["2"]})
    assert r.status_code == 403
    assert {ch["status"] for ch in list_challans(engine)} == {"pending_review"}
    s, scsrf = logged_in(app_config, "si.gowda")
    page = s.get("/supervisor")
    assert page.status_code == 200 and "KA03CD9999" in page.text and "<svg" in page.text
    assert s.post("/supervisor/approve", data={"csrf": scsrf, "challan": ["2"]}).status_code == 303
    assert {ch["status"] for ch in list_challans(engine)} == {"pending_review", "approved"}


def test_session_cookie_dies_at_logout(app_config: DeskConfig) -> None:
    c, csrf = logged_in(app_config, "asha.reviewer")
    cookie = c.cookies[COOKIE]
    assert c.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = client(app_config)
    replay.cookies.set(COOKIE, cookie)
    r = replay.get("/queue")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert replay.post("/events/1/claim", data={"csrf": csrf}).status_code == 401


def test_second_reviewer_sees_the_event_is_claimed(app_config: DeskConfig, engine: sa.Engine) -> None:
    asha, acsrf = logged_in(app_config, "asha.reviewer")
    bala, bcsrf = logged_in(app_config, "bala.reviewer")
    assert asha.post("/events/1/claim", data={"csrf": acsrf}).status_code == 303
    assert "Confirm" in asha.get("/events/1").text
    bala.post("/events/1/claim", data={"csrf": bcsrf})
    page = bala.get("/events/1").text
    assert "Claimed by asha.reviewer" in page and 'action="/events/1/confirm"' not in page
    assert "claimed by asha.reviewer" in bala.get("/queue").text
    assert bala.post("/events/1/confirm", data={"csrf": bcsrf}).status_code == 409
    r = asha.post("/events/1/confirm", data={"csrf": acsrf})
    assert r.status_code == 303 and "done=confirmed" in r.headers["location"]
    assert "approved" in {ch["status"] for ch in list_challans(engine)}


def test_event_page_says_what_lowered_the_plate_read_s_confidence(
    app_config: DeskConfig, engine: sa.Engine
) -> None:
    c, _ = logged_in(app_config, "asha.reviewer")
    assert "Confidence lowered by" not in c.get("/events/1").text
    doubts = ["the plate recogniser reads KA01AB1284", "a character's shape was changed to fit the format"]
    with engine.begin() as conn:
        event_id = conn.scalar(sa.select(challans.c.event_id).where(challans.c.id == 1))
        conn.execute(sa.update(events).where(events.c.id == event_id).values(plate_doubts=doubts))
    page = c.get("/events/1").text
    assert "Confidence lowered by: the plate recogniser reads KA01AB1284; a character&#39;s shape" in page


def test_event_page_shows_the_evidence_and_inputs(app_config: DeskConfig) -> None:
    c, csrf = logged_in(app_config, "asha.reviewer")
    c.post("/events/1/claim", data={"csrf": csrf})
    page = c.get("/events/1").text
    for needle in ("/evidence/", "/motion", 'id="plate-crop"', "sig red", "red_for_s".replace("_", " "),
                   "Per-character confidence was not recorded", "Asha Rao", 'data-key="c"'):  # fmt: skip
        assert needle in page, needle
    assert ".png" not in page and "sample" not in page  # ids only, no paths
    clip_id = page.split("/motion")[0].rsplit("/evidence/", 1)[1]
    played = c.get(f"/evidence/{clip_id}/motion")
    assert played.headers["content-type"].startswith("multipart/x-mixed-replace")
    assert played.content.count(b"Content-Type: image/jpeg") >= 3 and b"\xff\xd8" in played.content
    assert c.get("/evidence/1/motion").status_code in (400, 404)  # not a clip
    found = c.get("/api/owners", params={"plate": "KA01AB1234"}).json()
    assert found["kind"] == "exact" and found["candidates"][0]["registration"] == "KA01AB1234"


def test_an_unread_plate_is_read_and_booked_at_the_desk(app_config: DeskConfig, engine: sa.Engine) -> None:
    asha, acsrf = logged_in(app_config, "asha.reviewer")
    listing = asha.get("/unread")
    assert listing.status_code == 200 and "sample:red_light:unread" in listing.text
    assert "no plate read" in listing.text and 'href="/unread' in asha.get("/queue").text
    event_id = int(re.findall(r'href="/unread/(\d+)"', listing.text)[0])
    page = asha.get(f"/unread/{event_id}").text
    for needle in (f'action="/unread/{event_id}/book"', 'id="plate"', 'data-lookup="/api/owners"',
                   "/evidence/", "No plate was read", "sig red"):  # fmt: skip
        assert needle in page, needle
    assert ".png" not in page  # evidence by id only
    assert asha.post(f"/unread/{event_id}/book", data={"plate": "KA51MJ4321"}).status_code == 403  # no CSRF
    unknown = asha.post(f"/unread/{event_id}/book", data={"csrf": acsrf, "plate": "ZZ99ZZ9999"})
    assert unknown.status_code == 400 and "no registration matches" in unknown.text
    booked = asha.post(f"/unread/{event_id}/book", data={"csrf": acsrf, "plate": "KA 51 MJ 4321"})
    assert booked.status_code == 303 and booked.headers["location"].startswith("/unread?number=KA-BLR-")
    number = booked.headers["location"].split("=", 1)[1]
    assert f"Challan {number} booked for review." in asha.get(booked.headers["location"]).text
    assert "sample:red_light:unread" not in asha.get("/unread").text
    again = asha.post(f"/unread/{event_id}/book", data={"csrf": acsrf, "plate": "KA51MJ4321"})
    assert again.status_code == 400 and "already booked" in again.text
    with engine.connect() as conn:
        challan_id = conn.scalar(sa.select(challans.c.id).where(challans.c.number == number))
    assert asha.post(f"/events/{challan_id}/claim", data={"csrf": acsrf}).status_code == 303
    mine = asha.get(f"/events/{challan_id}").text
    assert "You read this plate yourself" in mine and f'action="/events/{challan_id}/confirm"' not in mine
    assert f'action="/events/{challan_id}/reject"' in mine
    own = asha.post(f"/events/{challan_id}/confirm", data={"csrf": acsrf})
    assert own.status_code == 400 and "yourself" in own.text
    asha.post(f"/events/{challan_id}/release", data={"csrf": acsrf})
    bala, bcsrf = logged_in(app_config, "bala.reviewer")
    assert bala.post(f"/events/{challan_id}/claim", data={"csrf": bcsrf}).status_code == 303
    theirs = bala.get(f"/events/{challan_id}").text
    assert "You read this plate yourself" not in theirs
    assert "read by asha.reviewer from the evidence" in theirs
    assert bala.post(f"/events/{challan_id}/confirm", data={"csrf": bcsrf}).status_code == 303
    assert {c["number"]: c["status"] for c in list_challans(engine)}[number] == "approved"
