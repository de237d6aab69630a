"""The review desk: people decide what is mailed.

No imports here: ``echallan.records.models`` imports ``echallan.review.models`` to register the
review tables, and that must not pull in argon2 or the web stack.

- ``auth``: accounts (argon2), roles, server-side sessions, CSRF checks
- ``queue``: the queue of ``pending_review`` challans, filters, claims
- ``event``: what the event page shows; the live owner lookup
- ``decisions``: confirm, correct_plate, reject, escalate (ledger moves, audited)
- ``supervisor``: thresholds, bulk approval, reviewer statistics, dashboard counts
- ``app`` / ``views`` / ``web``: the FastAPI app (``create_app(DeskConfig(engine, evidence_root))``)
- ``sample``: a seeded desk (owners, events with evidence, challans in review) for tests and demos
"""
