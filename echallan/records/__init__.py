"""Records: the database (owners, events, challans, payments, audit log) and the fines table.

engine = open_db("sqlite:///var/echallan.db")
import_owners(engine, Path("owners.csv"), mapping=Path("vahan.toml"), rejects=Path("rejects.csv"))
store_events(engine, events, location="MG Road / Brigade Road", auto_accept=DEFAULT_AUTO_ACCEPT)
numbers = issue_challans(engine, load_fines(state="KA"), state="KA", district="BLR")
approve(engine, "KA-BLR-2025-000007", actor="SI Gowda")      # a pending_review challan
notices = notices_to_print(engine, load_fines())
mark_printed(engine, [n.challan_number for n in notices], actor="PC 1234")
import_payments(engine, Path("payments.csv"))
"""

from echallan.records.challans import book_by_hand, issue_challans, series_name
from echallan.records.db import alembic_config, create_db_engine, open_db, upgrade
from echallan.records.events import (
    AUTO,
    DEFAULT_AUTO_ACCEPT,
    NEEDS_REVIEW,
    list_events,
    review_status,
    store_events,
    stored_keys,
)
from echallan.records.fines import REPEAT_WINDOW_DAYS, Fine, FineSchedule, load_fine_schedule, load_fines
from echallan.records.ledger import approve, approve_auto, cancel, transition
from echallan.records.listing import audit_trail, export_challans, list_challans, show_challan
from echallan.records.matching import Candidate, MatchDecision, decide, plate_cost
from echallan.records.owners import ImportReport, Reject, import_owners, list_owners, show_owner
from echallan.records.owners_csv import normalise_registration
from echallan.records.payments import (
    Mismatch,
    ReconcileReport,
    import_outcomes,
    import_payments,
)
from echallan.records.printing import mark_printed, notices_to_print, postal_address
from echallan.records.states import ISSUED, PENDING_REVIEW, PRINTED, STATES, TRANSITIONS, check_transition
from echallan.records.verify import EvidenceProblem, VerifyReport, verify_evidence

__all__ = [
    "AUTO",
    "DEFAULT_AUTO_ACCEPT",
    "ISSUED",
    "NEEDS_REVIEW",
    "PENDING_REVIEW",
    "PRINTED",
    "REPEAT_WINDOW_DAYS",
    "STATES",
    "TRANSITIONS",
    "Candidate",
    "EvidenceProblem",
    "Fine",
    "FineSchedule",
    "ImportReport",
    "MatchDecision",
    "Mismatch",
    "ReconcileReport",
    "Reject",
    "VerifyReport",
    "alembic_config",
    "approve",
    "approve_auto",
    "audit_trail",
    "book_by_hand",
    "cancel",
    "check_transition",
    "create_db_engine",
    "decide",
    "export_challans",
    "import_outcomes",
    "import_owners",
    "import_payments",
    "issue_challans",
    "list_challans",
    "list_events",
    "list_owners",
    "load_fine_schedule",
    "load_fines",
    "mark_printed",
    "normalise_registration",
    "notices_to_print",
    "open_db",
    "plate_cost",
    "postal_address",
    "review_status",
    "series_name",
    "show_challan",
    "show_owner",
    "store_events",
    "stored_keys",
    "transition",
    "upgrade",
    "verify_evidence",
]
