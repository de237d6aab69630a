"""Web plumbing shared by the routes: templates, the login cookie, CSRF checks, error pages."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine

from echallan.errors import EchallanError, InputError
from echallan.review.auth import Session, check_csrf, load_session
from echallan.review.errors import AuthError, ClaimedError, Forbidden
from echallan.review.supervisor import Thresholds
from echallan.review.unbooked import Booking

HERE = Path(__file__).resolve().parent
COOKIE = "echallan_session"
LOGIN_CSRF_COOKIE = "echallan_login_csrf"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "media-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class DeskConfig:
    engine: Engine
    evidence_root: Path | None = None  # evidence outside this folder is never served
    thresholds: Thresholds = field(default_factory=Thresholds)
    secure_cookies: bool = False  # set behind HTTPS
    booking: Booking = field(default_factory=Booking.packaged)  # fines and series of challans booked here


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), FileSystemLoader(HERE / "static")]),
        autoescape=select_autoescape(["html", "css"], default_for_string=True),
    )
    return Jinja2Templates(env=env)


templates = make_templates()


def desk(request: Request) -> DeskConfig:
    config = request.app.state.desk
    assert isinstance(config, DeskConfig)
    return config


def current_session(request: Request) -> Session:
    """Dependency: the logged-in session, or ``AuthError`` (GET: redirected to the login page)."""
    return load_session(desk(request).engine, request.cookies.get(COOKIE))


async def posted_session(request: Request) -> Session:
    """Dependency for every POST: a live session and the form's CSRF token matching it."""
    session = current_session(request)
    form = await request.form()
    token = form.get("csrf")
    check_csrf(session.csrf_token, token if isinstance(token, str) else None)
    return session


def page(request: Request, name: str, session: Session | None, status: int = 200, **context: Any) -> Response:
    context.update(user=session.user if session else None, csrf=session.csrf_token if session else "")
    return templates.TemplateResponse(request, name, context, status_code=status)


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=desk(request).secure_cookies,
        path="/",
    )


def form_text(form: Any, name: str, limit: int = 200) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


async def error_page(request: Request, exc: Exception) -> Response:
    """Named errors as pages: login redirect, 403, 409 (claimed) or 400 with the one-line message."""
    if isinstance(exc, AuthError):
        if request.method == "GET" and not request.url.path.startswith("/api/"):
            return RedirectResponse("/login", status_code=303)
        return HTMLResponse("Please log in.", status_code=401)
    status = 400
    if isinstance(exc, Forbidden):
        status = 403
    elif isinstance(exc, ClaimedError):
        status = 409
    elif not isinstance(exc, InputError | EchallanError):
        raise exc
    session = None
    with contextlib.suppress(AuthError):
        session = current_session(request)
    return page(request, "error.html", session, status=status, message=str(exc))
