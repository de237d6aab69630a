"""Re-hash every evidence file recorded in the database and report what changed or went missing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from echallan.evidence import sha256_file
from echallan.records.models import events, evidence_files


@dataclass(frozen=True)
class EvidenceProblem:
    event_key: str
    kind: str
    path: str
    problem: str  # "missing" or "altered"


@dataclass(frozen=True)
class VerifyReport:
    checked: int
    problems: tuple[EvidenceProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_evidence(engine: sa.Engine) -> VerifyReport:
    """Compare each evidence file's SHA-256 with the one stored when it was written."""
    query = sa.select(
        events.c.key, evidence_files.c.kind, evidence_files.c.path, evidence_files.c.sha256
    ).join(events, events.c.id == evidence_files.c.event_id)
    problems = []
    checked = 0
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(evidence_files.c.id)).all()
    for key, kind, path, digest in rows:
        checked += 1
        p = Path(path)
        if not p.is_file():
            problems.append(EvidenceProblem(key, kind, path, "missing"))
        elif sha256_file(p) != digest:
            problems.append(EvidenceProblem(key, kind, path, "altered"))
    return VerifyReport(checked, tuple(problems))
