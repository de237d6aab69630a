"""Review and supervisor pages: queue, event, decisions, unread plates, owner lookup, bulk approval,
dashboard."""

from __future__ import annotations

import contextlib
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from echallan.errors import InputError
from echallan.review import decisions
from echallan.review.auth import Session, require_supervisor
from echallan.review.errors import ClaimedError
from echallan.review.event import event_detail, lookup_owners
from echallan.review.queue import QueueFilter, claim, filter_choices, list_queue, release
from echallan.review.supervisor import bulk_approve, bulk_candidates, dashboard, reviewer_stats
from echallan.review.unbooked import book_read, list_unbooked, unbooked_detail
from echallan.review.web import current_session, desk, form_text, page, posted_session

router = APIRouter()
SessionDep = Annotated[Session, Depends(current_session)]
PostDep = Annotated[Session, Depends(posted_session)]
DONE = {"confirmed", "corrected", "rejected", "escalated", "released", "approved"}
_NUMBER = re.compile(r"^[A-Z0-9-]{1,40}$")


def _done(action: str, number: str) -> Response:
    return RedirectResponse(f"/queue?done={action}&number={number}", status_code=303)


def _confidence(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InputError("confidence filters must be numbers between 0 and 1") from None


@router.get("/queue")
def queue_page(
    request: Request,
    session: SessionDep,
    camera: str = "",
    offence: str = "",
    day: str = "",
    min_conf: str = "",
    max_conf: str = "",
    plate: str = "",
    done: str = "",
    number: str = "",
) -> Response:
    filters = QueueFilter(
        camera[:64], offence[:64], day[:10], _confidence(min_conf), _confidence(max_conf), plate[:16]
    )
    engine = desk(request).engine
    notice = f"Challan {number} {done}." if done in DONE and _NUMBER.match(number) else ""
    return page(
        request,
        "queue.html",
        session,
        rows=list_queue(engine, session.user, filters),
        filters=filters,
        choices=filter_choices(engine),
        notice=notice,
    )


@router.post("/events/{challan_id}/claim")
def claim_event(request: Request, challan_id: int, session: PostDep) -> Response:
    with contextlib.suppress(ClaimedError):  # the event page says who holds it
        claim(desk(request).engine, challan_id, session.user)
    return RedirectResponse(f"/events/{challan_id}", status_code=303)


@router.get("/events/{challan_id}")
def event_page(request: Request, challan_id: int, session: SessionDep) -> Response:
    detail = event_detail(desk(request).engine, challan_id)
    held = detail["claim"]
    mine = held is not None and held.username == session.user.username
    escalated_only = detail["escalated"] is not None and not session.user.is_supervisor
    return page(request, "event.html", session, e=detail, mine=mine, locked_out=escalated_only)


@router.post("/events/{challan_id}/release")
def release_event(request: Request, challan_id: int, session: PostDep) -> Response:
    release(desk(request).engine, challan_id, session.user)
    return RedirectResponse("/queue", status_code=303)


@router.post("/events/{challan_id}/{action}")
async def decide(request: Request, challan_id: int, action: str, session: PostDep) -> Response:
    form = await request.form()
    engine, user = desk(request).engine, session.user
    if action == "confirm":
        number = decisions.confirm(engine, challan_id, user)
        return _done("confirmed", number)
    if action == "correct":
        number = decisions.correct_plate(engine, challan_id, user, form_text(form, "plate", 32))
        return _done("corrected", number)
    if action == "reject":
        number = decisions.reject(engine, challan_id, user, form_text(form, "reason", 500))
        return _done("rejected", number)
    if action == "escalate":
        number = decisions.escalate(engine, challan_id, user, form_text(form, "reason", 500))
        return _done("escalated", number)
    return JSONResponse({"detail": "Not Found"}, status_code=404)


@router.get("/unread")
def unread_page(request: Request, session: SessionDep, number: str = "") -> Response:
    """Violations waiting for a person to read their plate (``unbooked.list_unbooked``)."""
    notice = f"Challan {number} booked for review." if _NUMBER.match(number) else ""
    rows = list_unbooked(desk(request).engine)
    return page(request, "unread.html", session, rows=rows, notice=notice)


@router.get("/unread/{event_id}")
def unread_event(request: Request, event_id: int, session: SessionDep) -> Response:
    return page(request, "unread_event.html", session, e=unbooked_detail(desk(request).engine, event_id))


@router.post("/unread/{event_id}/book")
async def book_unread(request: Request, event_id: int, session: PostDep) -> Response:
    form = await request.form()
    config = desk(request)
    number = book_read(config.engine, event_id, session.user, form_text(form, "plate", 32), config.booking)
    return RedirectResponse(f"/unread?number={number}", status_code=303)


@router.get("/api/owners")
def owners_lookup(
    request: Request, session: SessionDep, plate: str = "", vehicle_class: str = ""
) -> Response:
    """Live lookup for the plate-correction field: candidates with owner records, best first."""
    if len(plate.strip()) < 4:
        return JSONResponse({"kind": "none", "reasons": [], "candidates": []})
    return JSONResponse(lookup_owners(desk(request).engine, plate, vehicle_class[:16]))


@router.get("/supervisor")
def supervisor_page(request: Request, session: SessionDep, done: str = "") -> Response:
    require_supervisor(session.user)
    config = desk(request)
    charts = dashboard(config.engine)
    return page(
        request,
        "supervisor.html",
        session,
        batch=bulk_candidates(config.engine, config.thresholds),
        thresholds=config.thresholds,
        stats=reviewer_stats(config.engine),
        charts=charts,
        notice=f"{int(done)} challans approved." if done.isdigit() else "",
    )


@router.post("/supervisor/approve")
async def supervisor_approve(request: Request, session: PostDep) -> Response:
    require_supervisor(session.user)
    form = await request.form()
    ids = [_int(v) for v in form.getlist("challan")]
    config = desk(request)
    numbers = bulk_approve(config.engine, session.user, ids, config.thresholds)
    return RedirectResponse(f"/supervisor?done={len(numbers)}", status_code=303)


def _int(value: Any) -> int:
    if not isinstance(value, str) or not value.isdigit():
        raise InputError("challan ids are whole numbers")
    return int(value)
