"""Accounts (argon2-hashed passwords, roles) and server-side login sessions with CSRF tokens.

The browser holds only a random session token; the ``sessions`` table keys on its SHA-256, holds
the per-session CSRF token and an absolute expiry. Logging out deletes the row, so the cookie is
worthless afterwards. Passwords never appear in logs or error messages.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine

from echallan.errors import InputError
from echallan.records.db import as_utc, utcnow
from echallan.review.errors import AuthError, Forbidden
from echallan.review.models import ADMIN, ROLES, SUPERVISOR, sessions, users

log = logging.getLogger(__name__)

SESSION_TTL = timedelta(hours=8)
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only to spend the same time")


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in (SUPERVISOR, ADMIN)


@dataclass(frozen=True)
class Session:
    token: str  # the cookie value (never stored)
    csrf_token: str
    user: User
    expires_at: datetime


def check_account(username: str, role: str) -> None:
    """Raise ``InputError`` for a bad user name or role (before anyone is asked for a password)."""
    if not _USERNAME.match(username):
        raise InputError("user name must be 2 to 64 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise InputError(f"role '{role}' is not one of {', '.join(ROLES)}")


def add_user(engine: Engine, username: str, password: str, role: str) -> User:
    """Create an active account; raises ``InputError`` for a bad name, role or short password."""
    check_account(username, role)
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password must be at least {MIN_PASSWORD} characters")
    with engine.begin() as conn:
        if conn.scalar(sa.select(users.c.id).where(users.c.username == username)) is not None:
            raise InputError(f"user {username} already exists")
        user_id = conn.execute(
            sa.insert(users)
            .values(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                active=True,
                created_at=utcnow(),
            )
            .returning(users.c.id)
        ).scalar_one()
    log.info("account %s added (%s)", username, role)
    return User(user_id, username, role)


def disable_user(engine: Engine, username: str) -> None:
    """Disable an account and end its sessions at once."""
    with engine.begin() as conn:
        user_id = conn.scalar(sa.select(users.c.id).where(users.c.username == username))
        if user_id is None:
            raise InputError(f"no user {username}")
        conn.execute(sa.update(users).where(users.c.id == user_id).values(active=False))
        conn.execute(sa.delete(sessions).where(sessions.c.user_id == user_id))
    log.info("account %s disabled", username)


def list_users(engine: Engine) -> list[dict[str, Any]]:
    query = sa.select(users.c.username, users.c.role, users.c.active, users.c.created_at)
    with engine.connect() as conn:
        return [
            {**row, "created_at": as_utc(row["created_at"])}
            for row in conn.execute(query.order_by(users.c.username)).mappings()
        ]


def authenticate(engine: Engine, username: str, password: str) -> User:
    """The active account with these credentials, or ``AuthError`` (same message for every failure)."""
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        ok = row is not None and bool(row.active)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        raise AuthError("wrong user name or password, or the account is disabled")
    if _hasher.check_needs_rehash(stored):
        with engine.begin() as conn:
            conn.execute(
                sa.update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password))
            )
    return User(row.id, row.username, row.role)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, user: User, ttl: timedelta = SESSION_TTL) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(sa.delete(sessions).where(sessions.c.expires_at < now))
        conn.execute(
            sa.insert(sessions).values(
                id=_digest(token), user_id=user.id, csrf_token=csrf, created_at=now, expires_at=now + ttl
            )
        )
    return Session(token, csrf, user, now + ttl)


def load_session(engine: Engine, token: str | None) -> Session:
    """The live session for a cookie value; ``AuthError`` when absent, expired or the user disabled."""
    if not token:
        raise AuthError("please log in")
    query = (
        sa.select(sessions.c.csrf_token, sessions.c.expires_at, users.c.id, users.c.username, users.c.role)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.id == _digest(token), users.c.active.is_(True))
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    expires = as_utc(row.expires_at) if row is not None else None
    if row is None or expires is None or expires <= utcnow():
        raise AuthError("your session has ended; please log in again")
    return Session(token, row.csrf_token, User(row.id, row.username, row.role), expires)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(sessions).where(sessions.c.id == _digest(token)))


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise Forbidden("the form's security token is missing or wrong; reload the page and try again")


def require_supervisor(user: User) -> None:
    if not user.is_supervisor:
        raise Forbidden("only a supervisor may do this")
