"""Records: the database (owners, events, challans, audit log) and the fines table.

engine = open_db("sqlite:///var/echallan.db")
import_owners(engine, Path("owners.csv"))
store_events(engine, events, location="MG Road / Brigade Road", auto_accept=0.9)
numbers = issue_challans(engine, load_fines(), state="KA", district="BLR")
notices = notices_to_print(engine, load_fines())
mark_printed(engine, [n.challan_number for n in notices], actor="PC 1234")
"""

from echallan.records.challans import ISSUED, PRINTED, audit_trail, issue_challans, list_challans
from echallan.records.db import alembic_config, create_db_engine, open_db, upgrade
from echallan.records.events import (
    AUTO,
    DEFAULT_AUTO_ACCEPT,
    NEEDS_REVIEW,
    list_events,
    review_status,
    store_events,
)
from echallan.records.fines import Fine, load_fines
from echallan.records.owners import ImportReport, Reject, import_owners, list_owners, normalise_registration
from echallan.records.printing import mark_printed, notices_to_print, postal_address
from echallan.records.verify import EvidenceProblem, VerifyReport, verify_evidence

__all__ = [
    "AUTO",
    "DEFAULT_AUTO_ACCEPT",
    "ISSUED",
    "NEEDS_REVIEW",
    "PRINTED",
    "EvidenceProblem",
    "Fine",
    "ImportReport",
    "Reject",
    "VerifyReport",
    "alembic_config",
    "audit_trail",
    "create_db_engine",
    "import_owners",
    "issue_challans",
    "list_challans",
    "list_events",
    "list_owners",
    "load_fines",
    "mark_printed",
    "normalise_registration",
    "notices_to_print",
    "open_db",
    "postal_address",
    "review_status",
    "store_events",
    "upgrade",
    "verify_evidence",
]
