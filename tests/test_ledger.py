"""The challan ledger: transition table, review, cancel, audit, and many processes issuing at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_records import FINES, TODAY, event, write

from echallan.errors import InputError, LedgerError
from echallan.records import (
    STATES,
    TRANSITIONS,
    approve,
    audit_trail,
    cancel,
    check_transition,
    import_owners,
    issue_challans,
    list_challans,
    load_fine_schedule,
    load_fines,
    open_db,
    show_challan,
    store_events,
    transition,
)
from echallan.records.models import audit_log, challan_series, challans

HEADER = "registration,name,address,pin,vehicle_class\n"


def owners_csv(path: Path, count: int) -> Path:
    rows = "".join(
        f"KA{n // 10000 + 1:02d}AB{n % 10000:04d},Owner {n},{n} Road,560001,LMV\n" for n in range(count)
    )
    return write(path, HEADER + rows)


def test_transition_table_is_closed_and_final_states_are_final() -> None:
    assert set(TRANSITIONS) == set(STATES)
    assert all(targets <= set(STATES) for targets in TRANSITIONS.values())
    assert TRANSITIONS["paid"] == TRANSITIONS["cancelled"] == frozenset()
    check_transition("N", "pending_review", "approved")
    for source, target, message in [
        ("draft", "issued", "challan N is draft and cannot become issued; it can only go to approved, "),
        ("paid", "disputed", "challan N is paid and cannot become disputed; that is final"),
        ("issued", "issued", "challan N is already issued"),
        ("issued", "lost", "'lost' is not a challan status"),
    ]:
        with pytest.raises(LedgerError) as caught:
            check_transition("N", source, target)
        assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> sa.Engine:
    engine = open_db(db_url)
    import_owners(engine, owners_csv(tmp_path / "owners.csv", 20))
    return engine


def test_review_approve_issue_cancel_with_full_audit(engine: sa.Engine) -> None:
    store_events(engine, [event(1, plate="KA01AB0001", confidence=0.5), event(2, plate="KA01AB0002")])
    assert issue_challans(engine, FINES, today=TODAY) == ["KA-BLR-2025-000002"]
    pending = show_challan(engine, "KA-BLR-2025-000001")
    assert pending["status"] == "pending_review" and "plate read needs review" in pending["review_reasons"][0]
    with pytest.raises(LedgerError, match="pending_review and cannot become issued"):
        transition(engine, "KA-BLR-2025-000001", "issued", "SI Gowda", "skip review")
    approve(engine, "KA-BLR-2025-000001", actor="SI Gowda")
    assert issue_challans(engine, FINES, today=date(2025, 3, 5)) == ["KA-BLR-2025-000001"]
    issued = show_challan(engine, "KA-BLR-2025-000001")
    assert (issued["status"], issued["issued_on"], issued["due_on"]) == ("issued", "2025-03-05", "2025-05-04")
    cancel(engine, "KA-BLR-2025-000002", actor="SI Gowda", reason="owner sold the car in 2024")
    with pytest.raises(LedgerError, match="cancelled and cannot become approved; that is final"):
        approve(engine, "KA-BLR-2025-000002", actor="SI Gowda")
    with pytest.raises(InputError, match="reason"):
        cancel(engine, "KA-BLR-2025-000001", actor="SI Gowda", reason=" ")
    with pytest.raises(LedgerError, match="KA-BLR-2025-000404 does not exist"):
        cancel(engine, "KA-BLR-2025-000404", actor="x", reason="y")
    trail = [
        (a["actor"], a["from_status"], a["to_status"]) for a in audit_trail(engine, "KA-BLR-2025-000001")
    ]
    assert trail == [
        ("system", None, "draft"),
        ("system", "draft", "pending_review"),
        ("SI Gowda", "pending_review", "approved"),
        ("system", "approved", "issued"),
    ]
    assert audit_trail(engine, "KA-BLR-2025-000002")[-1]["reason"] == "owner sold the car in 2024"
    with engine.connect() as conn:  # every status change is in the audit log
        changes = conn.scalar(sa.select(sa.func.count()).select_from(audit_log))
    assert changes == 4 + 4


def test_repeat_is_per_vehicle_within_the_window(engine: sa.Engine, tmp_path: Path) -> None:
    store_events(engine, [event(1, plate="KA01AB0001"), event(2, plate="KA01AB0002")])
    issue_challans(engine, FINES, today=date(2025, 1, 10))
    store_events(engine, [event(3, plate="KA01AB0001"), event(4, plate="KA01AB0003")])
    issue_challans(engine, FINES, today=date(2025, 3, 1), repeat_window_days=30)  # Jan 10 is outside
    store_events(engine, [event(5, plate="KA01AB0001")])
    issue_challans(engine, FINES, today=date(2025, 3, 2), repeat_window_days=30)
    amounts = [c["amount_inr"] for c in list_challans(engine)]
    assert amounts == [5000, 5000, 5000, 5000, 10000]
    fines = write(tmp_path / "f.toml", "repeat_window_days = 7\n" + load_fines_text())
    assert load_fine_schedule(fines, "KA").repeat_window_days == 7


def load_fines_text() -> str:
    from echallan.records.fines import DEFAULT_FINES

    return DEFAULT_FINES.read_text(encoding="utf-8").replace("repeat_window_days = 1095\n", "")


def test_state_fines_override_central_amounts() -> None:
    assert load_fines(state="KA")["no_helmet"].first == 500
    assert load_fines()["no_helmet"].first == 1000
    assert load_fines(state="KA")["red_light"] == FINES["red_light"]
    assert load_fines(state="MH") == FINES


WORKER = """
import sys, time
from datetime import date
import sqlalchemy as sa
from echallan.records import issue_challans, load_fines, open_db

url, marker = sys.argv[1], sys.argv[2]
engine = open_db(url)
if marker != "-":  # the victim: stalls inside its second transaction, rows half-written
    seen = [0]
    def stall(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO audit_log"):
            seen[0] += 1
            if seen[0] == 85:
                open(marker, "w").close()
                time.sleep(60)
    sa.event.listen(engine, "before_cursor_execute", stall)
fines = load_fines()
while issue_challans(engine, fines, today=date(2025, 3, 1), limit=25):
    pass
"""


def test_processes_issue_1000_gapless_challans_and_a_killed_one_leaves_nothing_half_written(
    engine: sa.Engine, db_url: str, tmp_path: Path
) -> None:
    import_owners(engine, owners_csv(tmp_path / "many.csv", 1000))
    store_events(engine, [event(n, plate=f"KA01AB{n % 10000:04d}") for n in range(1000)])
    marker = tmp_path / "stalled"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    victim = subprocess.Popen(
        [sys.executable, "-c", WORKER, db_url, str(marker)], env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), f"the victim never reached its stall point: {victim.communicate()[1]}"
    # The victim holds the series lock with challans and audit rows written but not committed;
    # two more issuers start and queue for the lock, then the victim dies.
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, db_url, "-"], env=env) for _ in range(2)]
    time.sleep(1.0)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    for w in workers:
        assert w.wait(timeout=120) == 0
    with engine.connect() as conn:
        numbers = sorted(conn.scalars(sa.select(challans.c.number)))
        audits = conn.execute(
            sa.select(audit_log.c.challan_id, sa.func.count()).group_by(audit_log.c.challan_id)
        ).all()
        last = conn.scalar(sa.select(challan_series.c.last_number))
    assert numbers == [f"KA-BLR-2025-{i:06d}" for i in range(1, 1001)]
    assert last == 1000 and len(audits) == 1000 and {count for _, count in audits} == {3}
    assert {c["status"] for c in list_challans(engine)} == {"issued"}


def test_upgrade_from_0001_keeps_challans_and_fills_their_registration(db_url: str, tmp_path: Path) -> None:
    from echallan.records import create_db_engine, upgrade

    engine = create_db_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:  # a challan issued by the 0001 code, with its audit row
        conn.exec_driver_sql(
            "INSERT INTO owners (id, registration, name, address, pin, created_at, updated_at) "
            "VALUES (1, 'KA01AB1234', 'A', 'B', '560001', '2025-01-01', '2025-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO events (id, key, camera_id, location, source, source_sha256, offence, track_id, "
            "vehicle_class, frame_index, time_s, occurred_at, confidence, rule_inputs, review_status, "
            "created_at) VALUES (1, 'k', 'c', 'l', 's', 'h', 'red_light', 1, 'car', 1, 1.0, "
            "'2025-01-01T10:00:00+05:30', 0.9, '{}', 'auto', '2025-01-01')"
        )
        conn.exec_driver_sql(
            "INSERT INTO challans (id, number, event_id, owner_id, offence, section, amount_inr, status, "
            "issued_on, due_on) VALUES (1, 'KA-BLR-2025-000001', 1, 1, 'red_light', '184', 5000, 'issued', "
            "'2025-01-02', '2025-03-03')"
        )
        conn.exec_driver_sql(
            "INSERT INTO audit_log (challan_id, actor, at, to_status) "
            "VALUES (1, 'system', '2025-01-02', 'issued')"
        )
    upgrade(engine)
    challan = show_challan(engine, "KA-BLR-2025-000001")
    assert challan["plate"] == "KA01AB1234" and len(challan["audit"]) == 1
    with engine.connect() as conn:
        assert conn.scalar(sa.select(challans.c.registration)) == "KA01AB1234"
