"""Commands for the review desk: ``review serve`` and the accounts (``users add|disable|list``)."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from echallan.commands.common import (
    DistrictOpt,
    FinesOpt,
    JsonOpt,
    StateOpt,
    cli_errors,
    out,
    print_rows,
    settings,
)
from echallan.errors import InputError

review_app = typer.Typer(help="The review desk: people decide what is mailed.", no_args_is_help=True)
users_app = typer.Typer(help="Review desk accounts (reviewer, supervisor, admin).", no_args_is_help=True)


def _db(ctx: typer.Context) -> Any:
    import echallan.review.models  # noqa: F401  (registers the review tables)
    from echallan.records import open_db

    return open_db(settings(ctx).db_url)


@review_app.command("serve")
@cli_errors
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8080,
    plate_threshold: Annotated[
        float, typer.Option(help="Plate confidence a challan needs for supervisor bulk approval.")
    ] = 0.9,
    rule_threshold: Annotated[
        float, typer.Option(help="Violation (track) confidence needed for bulk approval.")
    ] = 0.5,
    secure_cookies: Annotated[
        bool, typer.Option(help="Mark the session cookie Secure (when served behind HTTPS).")
    ] = False,
    state: StateOpt = "KA",
    district: DistrictOpt = "BLR",
    fines: FinesOpt = None,
) -> None:
    """Serve the review desk (queue, event pages, supervisor view) on the records database.

    Evidence is served only from the evidence folder (--evidence-dir / ECHALLAN_EVIDENCE_DIR).
    Create accounts first with `echallan users add`. A plate a reviewer reads on the "Unread plates" page
    is booked with --state, --district and --fines, as `echallan challans book` books it.

    Example: echallan review serve --host 0.0.0.0 --port 8080
    """
    import uvicorn

    from echallan.records import load_fine_schedule
    from echallan.review.app import create_app
    from echallan.review.supervisor import Thresholds
    from echallan.review.unbooked import Booking
    from echallan.review.web import DeskConfig

    for name, value in (("plate", plate_threshold), ("rule", rule_threshold)):
        if not 0.0 <= value <= 1.0:
            raise InputError(f"--{name}-threshold must lie between 0 and 1, got {value}")
    _can_listen(host, port)
    s = settings(ctx)
    booking = Booking(load_fine_schedule(fines, state).fines, state, district)
    thresholds = Thresholds(plate_threshold, rule_threshold)
    config = DeskConfig(_db(ctx), s.evidence_dir, thresholds, secure_cookies, booking)
    out.print(f"review desk on http://{host}:{port}/ (Ctrl-C to stop)")
    uvicorn.run(create_app(config), host=host, port=port, log_level="info", access_log=False)


def _can_listen(host: str, port: int) -> None:
    """Refuse, in one line, an address the desk could not listen on (unknown host, port taken)."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
@cli_errors
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name (letters, digits, '.', '_', '-').")],
    role: Annotated[str, typer.Option(help="reviewer, supervisor or admin.")] = "reviewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
) -> None:
    """Add a review desk account; the password is prompted for (or read with --password-stdin).

    Example: echo "$PW" | echallan users add si.gowda --role supervisor --password-stdin
    """
    from echallan.review.auth import add_user, check_account

    check_account(username, role)  # before the password prompt
    user = add_user(_db(ctx), username, _password(password_stdin), role)
    out.print(f"added {user.username} ({user.role})")


@users_app.command("disable")
@cli_errors
def users_disable(
    ctx: typer.Context, username: Annotated[str, typer.Argument(help="Login name to disable.")]
) -> None:
    """Disable an account and end its sessions (the account and its audit history stay).

    Example: echallan users disable pc.1234
    """
    from echallan.review.auth import disable_user

    disable_user(_db(ctx), username)
    out.print(f"disabled {username}")


@users_app.command("list")
@cli_errors
def users_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List review desk accounts (name, role, active, created).

    Example: echallan users list --json
    """
    from echallan.review.auth import list_users

    rows = list_users(_db(ctx))
    print_rows("Accounts", rows, as_json)


__all__ = ["review_app", "users_app"]
