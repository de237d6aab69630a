"""Every word printed on a notice, and how dates and money are written.

All printed text lives in ``STRINGS`` so a translation (Hindi comes later) is one more dict with the
same keys; the layout code in ``pdf.py`` only ever asks for ``t(key)``.
"""

from __future__ import annotations

from datetime import date, datetime

STRINGS: dict[str, str] = {
    # header
    "authority_sub": "{district} District, {state}",
    "title": "NOTICE OF TRAFFIC VIOLATION (e-Challan)",
    "return_to": "If undelivered, return to: {unit}, {state}",
    "to": "To,",
    # reference block
    "challan_no": "Challan No.",
    "issued_on": "Issued on",
    "due_on": "Pay or contest by",
    # offence details
    "section_offence": "Offence details",
    "vehicle_number": "Vehicle number",
    "vehicle_class": "Vehicle class",
    "offence": "Offence",
    "section": "Provision violated",
    "section_value": "Section {section}, Motor Vehicles Act, 1988",
    "occurred_at": "Date and time of offence",
    "location": "Place of offence",
    "camera": "Camera ID",
    "fine": "Fine amount",
    # evidence
    "section_evidence": "Photographic evidence",
    "plate_crop": "Number plate",
    "evidence_missing": "EVIDENCE IMAGE MISSING",
    "evidence_unreadable": "EVIDENCE IMAGE UNREADABLE",
    "plate_missing": "Plate image not available",
    "hash_label": "Evidence SHA-256:",
    "hash_mismatch": "WARNING: the evidence file on record does not match this SHA-256.",
    "evidence_note": (
        "The photograph was recorded automatically by a traffic enforcement camera. "
        "The original image file is kept on record; its SHA-256 fingerprint, printed below, "
        "lets any copy of it be verified."
    ),
    # instructions
    "pay_title": "How to pay",
    "pay_body": (
        "Pay online on the official e-Challan portal of the State Transport Department or "
        "the Traffic Police, or in person at any Traffic Police station or payment counter, "
        "quoting the challan number above. Keep the receipt until the case is closed."
    ),
    "contest_title": "How to contest",
    "contest_body": (
        "If you believe this notice is wrong (for example, the vehicle was sold or stolen, or "
        "the number plate was misread), write to or visit {unit} before the due date, quoting "
        "the challan number, with supporting documents. Notices neither paid nor contested by "
        "the due date may be sent to the Virtual Court for disposal under law."
    ),
    # footer
    "footer": "This is a computer-generated notice and does not require a signature.",
    "footer_ref": "Challan {number}",
}

VEHICLE_CLASSES: dict[str, str] = {
    "car": "Car",
    "motorcycle": "Motorcycle / Scooter",
    "bus": "Bus",
    "truck": "Truck",
    "auto": "Auto-rickshaw",
    "auto_rickshaw": "Auto-rickshaw",
    "bicycle": "Bicycle",
}


def t(key: str, **values: object) -> str:
    """The string for ``key`` with ``{placeholders}`` filled in."""
    return STRINGS[key].format(**values) if values else STRINGS[key]


def vehicle_class(name: str) -> str:
    return VEHICLE_CLASSES.get(name.lower(), name.replace("_", " ").capitalize())


def format_date(iso: str) -> str:
    """``2025-03-12`` -> ``12-03-2025`` (Indian day-first order); unparseable text is shown as is."""
    try:
        return date.fromisoformat(iso[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return iso


def format_datetime(iso: str) -> str:
    """``2025-03-12T14:32:05+05:30`` -> ``12-03-2025 14:32:05 (UTC+05:30)``."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    text = moment.strftime("%d-%m-%Y %H:%M:%S")
    offset = moment.strftime("%z")
    if offset:
        text += f" (UTC{offset[:3]}:{offset[3:5]})"
    return text


def format_amount(amount: int, currency: str) -> str:
    """Indian digit grouping: ``format_amount(150000, "₹")`` -> ``₹ 1,50,000``."""
    digits = str(abs(amount))
    if len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        digits = ",".join([*groups, tail])
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency} {digits}"
