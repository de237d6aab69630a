"""The review desk web app: ``create_app(DeskConfig(engine, evidence_root))``.

Login, logout, evidence by id and the script; the review and supervisor pages are in ``views``.
Every route but ``/login`` needs a live session, every POST a matching CSRF token.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import cv2
import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from echallan.errors import EchallanError
from echallan.records.models import evidence_files
from echallan.review.auth import SESSION_TTL, Session, authenticate, check_csrf, end_session, start_session
from echallan.review.errors import AuthError, ReviewError
from echallan.review.views import router
from echallan.review.web import (
    COOKIE,
    HERE,
    LOGIN_CSRF_COOKIE,
    SECURITY_HEADERS,
    DeskConfig,
    current_session,
    desk,
    error_page,
    form_text,
    new_login_token,
    page,
    posted_session,
    set_cookie,
)

SessionDep = Annotated[Session, Depends(current_session)]
PostDep = Annotated[Session, Depends(posted_session)]
SERVED_KINDS = frozenset({"frame", "annotated", "vehicle", "plate", "clip"})


def create_app(config: DeskConfig) -> FastAPI:
    app = FastAPI(title="echallan review desk", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = config
    app.add_exception_handler(EchallanError, error_page)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.get("/login")
    def login_form(request: Request) -> Response:
        token = new_login_token()
        response = page(request, "login.html", None, login_csrf=token, message="")
        set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
        return response

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        check_csrf(request.cookies.get(LOGIN_CSRF_COOKIE) or "-", form_text(form, "csrf", 100))
        engine = desk(request).engine
        try:
            user = authenticate(engine, form_text(form, "username", 64), form_text(form, "password", 1024))
        except AuthError as err:
            token = new_login_token()
            response = page(request, "login.html", None, status=401, login_csrf=token, message=str(err))
            set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
            return response
        session = start_session(engine, user)
        response = RedirectResponse("/queue", status_code=303)
        set_cookie(response, request, COOKIE, session.token, max_age=int(SESSION_TTL.total_seconds()))
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
        return response

    @app.post("/logout")
    def logout(request: Request, session: PostDep) -> Response:
        end_session(desk(request).engine, session.token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/")
    def home(session: SessionDep) -> Response:
        return RedirectResponse("/queue", status_code=303)

    @app.get("/static/review.js")
    def script(session: SessionDep) -> Response:
        return FileResponse(HERE / "static" / "review.js", media_type="text/javascript")

    @app.get("/evidence/{file_id}")
    def evidence(request: Request, file_id: int, session: SessionDep) -> Response:
        path = evidence_path(desk(request), file_id)
        kind, _ = mimetypes.guess_type(path.name)
        return FileResponse(path, media_type=kind or "application/octet-stream")

    @app.get("/evidence/{file_id}/motion")
    def motion(request: Request, file_id: int, session: SessionDep) -> Response:
        """The clip played as an MJPEG stream, which every browser shows in an <img>."""
        path = evidence_path(desk(request), file_id)
        if path.suffix not in (".mp4", ".avi", ".mkv"):
            raise ReviewError(f"evidence file {file_id} is not a clip")
        return StreamingResponse(mjpeg(path), media_type=f"multipart/x-mixed-replace; boundary={BOUNDARY}")

    app.include_router(router)
    return app


BOUNDARY = "echallanframe"


def mjpeg(path: Path, max_fps: float = 12.0) -> Iterator[bytes]:
    """Decode a clip and yield its frames as multipart JPEG parts, at the clip's own pace."""
    cap = cv2.VideoCapture(str(path))
    pause = 1.0 / min(max_fps, cap.get(cv2.CAP_PROP_FPS) or max_fps)
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                return
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
            if ok:
                yield (
                    b"--"
                    + BOUNDARY.encode()
                    + b"\r\nContent-Type: image/jpeg\r\n\r\n"
                    + jpeg.tobytes()
                    + b"\r\n"
                )
            time.sleep(pause)
    finally:
        cap.release()


def evidence_path(config: DeskConfig, file_id: int) -> Path:
    """The file behind an evidence id; refuses unknown ids, odd kinds and files outside the root."""
    with config.engine.connect() as conn:
        row = conn.execute(
            sa.select(evidence_files.c.kind, evidence_files.c.path).where(evidence_files.c.id == file_id)
        ).first()
    if row is None or row.kind not in SERVED_KINDS:
        raise ReviewError(f"no evidence file with id {file_id}")
    path = Path(row.path).resolve()
    root = config.evidence_root.resolve() if config.evidence_root else None
    if (root is not None and not path.is_relative_to(root)) or not path.is_file():
        raise ReviewError(f"evidence file {file_id} is not available on this machine")
    return path
