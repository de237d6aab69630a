"""A seeded review desk for tests and demos: owners, events with real evidence files, challans in review.

``make_review_sample(engine, folder)`` draws a junction frame per event (the vehicle, its plate),
writes the frame, an annotated copy with boxes, a plate crop and a short clip, stores the events
with plate reads a person must check, and books them with ``issue_challans``. Events are stored
with ``auto_accept=0.99`` so that a clean read (0.95) also lands in review, where the desk's own
thresholds (0.9 by default) offer it for bulk approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from echallan.evidence import ClipWriter, write_image
from echallan.records import import_owners, issue_challans, load_fines, store_events
from echallan.records.models import challans
from echallan.types import Box, Event, EvidenceFile, Offence, PlateRead, Violation

OWNERS_CSV = (
    "registration,name,address,district,state,pin,vehicle_class,maker_model,colour\n"
    'KA01AB1234,Asha Rao,"12, 3rd Cross, Jayanagar",Bengaluru Urban,Karnataka,560041,LMV,Maruti Swift,White\n'
    "KA05MN0007,Imran Khan,45 MG Road,Bengaluru Urban,Karnataka,560001,MCWG,Honda Activa,Grey\n"
    "KA03CD9999,Lakshmi N,9 Hill View,Mysuru,Karnataka,570001,LMV,Hyundai i20,Red\n"
    "KA51MJ4321,Ravi Kumar,3 Lake Road,Bengaluru Urban,Karnataka,560034,LMV,Tata Nexon,Blue\n"
)


@dataclass(frozen=True)
class SampleEvent:
    plate_read: str  # what the OCR "read" (drawn on the plate: the true registration)
    drawn: str
    confidence: float
    offence: Offence
    vehicle: str
    camera: str
    location: str
    when: str
    inputs: dict[str, Any]


SIGNAL = [[f, "green" if f < 96 else "amber" if f < 100 else "red"] for f in range(90, 112, 2)]
EVENTS = (
    SampleEvent("KA01AB1Z34", "KA01AB1234", 0.62, Offence.RED_LIGHT, "car", "BLR-JN-001",
                "MG Road / Brigade Road", "2025-02-10T08:15:00+05:30",
                {"red_for_s": 2.4, "grace_s": 0.5, "crossing_frame": 110, "signal_history": SIGNAL,
                 "point_before": [300.0, 250.0], "point_after": [305.0, 232.0]}),
    SampleEvent("KA05MN0OO7", "KA05MN0007", 0.55, Offence.NO_HELMET, "motorcycle", "BLR-JN-002",
                "Silk Board Junction", "2025-02-10T09:40:00+05:30", {"rider_heads": 1, "helmets": 0}),
    SampleEvent("KA03CD9999", "KA03CD9999", 0.95, Offence.OVER_SPEED, "car", "BLR-JN-001",
                "MG Road / Brigade Road", "2025-02-10T18:05:00+05:30",
                {"speed_kmh": 71.5, "limit_kmh": 50, "track": [[10, 0.33], [22, 0.73]]}),
    SampleEvent("KA51MJ4327", "KA51MJ4321", 0.71, Offence.WRONG_WAY, "car", "BLR-JN-002",
                "Silk Board Junction", "2025-02-11T18:30:00+05:30",
                {"lane": "northbound", "heading_deg": 182.0}),
)  # fmt: skip
PLATE_BOX = Box(270, 232, 350, 252)


def _frame(drawn: str, shift: int = 0) -> np.ndarray:
    frame = np.full((360, 640, 3), (90, 90, 90), np.uint8)
    cv2.rectangle(frame, (0, 300), (640, 308), (255, 255, 255), -1)  # stop line
    cv2.rectangle(frame, (230 + shift, 150), (390 + shift, 270), (160, 60, 40), -1)  # vehicle
    x1, y1, x2, y2 = (int(v) for v in PLATE_BOX.offset(shift, 0).as_list())
    cv2.rectangle(frame, (x1, y1), (x2, y2), (255, 255, 255), -1)
    cv2.putText(frame, drawn, (x1 + 3, y2 - 6), cv2.FONT_HERSHEY_PLAIN, 0.8, (0, 0, 0), 1, cv2.LINE_AA)
    return frame


def _evidence(folder: Path, n: int, spec: SampleEvent) -> tuple[EvidenceFile, ...]:
    frame = _frame(spec.drawn)
    annotated = frame.copy()
    cv2.rectangle(annotated, (226, 146), (394, 274), (0, 0, 255), 2)
    cv2.rectangle(annotated, (266, 228), (354, 256), (0, 255, 255), 2)
    cv2.putText(annotated, f"{spec.offence} {spec.vehicle}", (230, 140), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                (0, 0, 255), 1, cv2.LINE_AA)  # fmt: skip
    x1, y1, x2, y2 = PLATE_BOX.as_list()
    plate = cv2.resize(frame[y1:y2, x1:x2], None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    event_dir = folder / f"event{n}"
    files = [
        write_image(event_dir / "frame.png", frame, "frame"),
        write_image(event_dir / "annotated.png", annotated, "annotated"),
        write_image(event_dir / "plate.png", plate, "plate"),
    ]
    clip = ClipWriter(event_dir / "clip.mp4", fps=5.0, frames_after=0)
    for step in range(10):
        clip.add(_frame(spec.drawn, shift=4 * step - 20))
    written = clip.close()
    return (*files, *([written] if written else []))


def _event(folder: Path, n: int, spec: SampleEvent, key: str, plate: PlateRead | None) -> Event:
    return Event(
        key=key,
        camera_id=spec.camera,
        source=f"samples/{spec.camera}.mp4",
        source_sha256=f"{n:064d}",
        violation=Violation(spec.offence, n, spec.vehicle, 100 + n, 4.0 + n, 0.8, spec.inputs),
        occurred_at=spec.when,
        plate=plate,
        evidence=_evidence(folder, n, spec),
    )


def sample_events(folder: Path) -> list[Event]:
    return [
        _event(
            folder,
            n,
            spec,
            f"sample:{spec.offence}:{n}",
            PlateRead(spec.plate_read, spec.confidence, PLATE_BOX, valid=True, raw=spec.plate_read),
        )
        for n, spec in enumerate(EVENTS, 1)
    ]


#: A red-light jump whose plate the machine could not read (drawn: an owner's, for a person to read): it
#: waits on the desk's "Unread plates" page, not in the queue.
UNREAD = SampleEvent("", "KA51MJ4321", 0.0, Offence.RED_LIGHT, "car", "BLR-JN-001",
                     "MG Road / Brigade Road", "2025-02-11T07:50:00+05:30",
                     {"red_for_s": 1.2, "grace_s": 0.5, "signal_history": SIGNAL})  # fmt: skip


def unread_event(folder: Path) -> Event:
    """The ``UNREAD`` sample: an event with evidence and no plate read."""
    return _event(folder, len(EVENTS) + 1, UNREAD, f"sample:{UNREAD.offence}:unread", None)


def make_review_sample(engine: Engine, folder: Path) -> list[int]:
    """Seed owners, events and challans waiting for review, and one event whose plate was not read (it
    has no challan); returns the challans' ids."""
    folder.mkdir(parents=True, exist_ok=True)
    owners_csv = folder / "owners.csv"
    owners_csv.write_text(OWNERS_CSV, encoding="utf-8")
    import_owners(engine, owners_csv)
    by_location: dict[str, list[Event]] = {}
    for spec, event in zip(EVENTS, sample_events(folder / "evidence"), strict=True):
        by_location.setdefault(spec.location, []).append(event)
    for location, batch in by_location.items():
        store_events(engine, batch, location=location, auto_accept=0.99)
    issue_challans(engine, load_fines(state="KA"), today=date(2025, 2, 12))
    store_events(engine, [unread_event(folder / "evidence")], location=UNREAD.location)
    with engine.connect() as conn:
        return list(conn.scalars(sa.select(challans.c.id).order_by(challans.c.id)))


SAMPLE_USERS = {"asha.reviewer": "reviewer", "bala.reviewer": "reviewer", "si.gowda": "supervisor"}


def add_sample_users(engine: Engine, password: str) -> None:
    """Two reviewers and a supervisor, all with ``password`` (for tests and demos only)."""
    from echallan.review.auth import add_user

    for username, role in SAMPLE_USERS.items():
        add_user(engine, username, password, role)


def seed_desk(folder: Path, password: str) -> Path:
    """A SQLite desk database in ``folder`` with the sample challans and users; returns its path.

    Evidence goes to ``folder / "sample" / "evidence"``.
    """
    from echallan.records import open_db

    engine = open_db(f"sqlite:///{folder / 'desk.db'}")
    make_review_sample(engine, folder / "sample")
    add_sample_users(engine, password)
    engine.dispose()
    return folder / "desk.db"
