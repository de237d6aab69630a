"""Who issues the notices, where the QR code points, and which envelope they go in.

Read from an optional TOML file (``echallan notices print --config notices.toml``); every key has a
default, documented in ``docs/NOTICES.md``::

    [authority]
    state = "Karnataka"             # printed in the header and the return address
    district = "Bengaluru"
    unit = "Traffic Police, Bengaluru City"
    state_hi = "कर्नाटक"             # optional Hindi names; the English ones are used when absent
    district_hi = "बेंगलुरु"
    unit_hi = "यातायात पुलिस, बेंगलुरु शहर"
    logo = "/etc/echallan/logo.png"  # optional; a missing file is logged and left out
    portal = "echallan.parivahan.gov.in"

    [qr]
    verify_url = "https://echallan.parivahan.gov.in/verify/{number}"
    upi_vpa = "ksp.traffic@sbi"     # the payee's UPI address
    upi_name = "Bengaluru Traffic Police"

    [print]
    envelope = "DL"                 # "DL" (folded in three) or "C5" (folded in half)
    chunk_notices = 250             # notices per part file (memory is bounded by this)
    jobs = 2                        # worker processes
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from echallan.errors import ConfigError
from echallan.tomlkeys import Keys


@dataclass(frozen=True)
class Authority:
    """Who issues the notice; printed in the header, return address and instructions."""

    state: str = "Karnataka"
    district: str = "Bengaluru"
    unit: str = "Traffic Police, Bengaluru City"
    state_hi: str = "कर्नाटक"
    district_hi: str = "बेंगलुरु"
    unit_hi: str = "यातायात पुलिस, बेंगलुरु शहर"
    logo: str | None = None
    portal: str = "echallan.parivahan.gov.in"


@dataclass(frozen=True)
class Envelope:
    """A window envelope: the address field on the A4 sheet (mm from its top-left) and fold marks.

    Both DL and C5 window envelopes (DIN 680) show the DIN 5008 form-B address field, 20 mm from the
    left and 45 mm from the top, 85 x 45 mm, once the sheet is folded at ``folds``.
    """

    name: str
    folds: tuple[float, ...]
    window: tuple[float, float, float, float] = (20.0, 45.0, 85.0, 45.0)


ENVELOPES: dict[str, Envelope] = {
    "DL": Envelope("DL", folds=(105.0, 210.0)),  # 110 x 220 mm, sheet folded in three
    "C5": Envelope("C5", folds=(148.5,)),  # 162 x 229 mm, sheet folded in half
}


@dataclass(frozen=True)
class QrConfig:
    verify_url: str = "https://echallan.parivahan.gov.in/verify/{number}"
    upi_vpa: str = "traffic.police@upi"
    upi_name: str = "Traffic Police e-Challan"


@dataclass(frozen=True)
class NoticeConfig:
    authority: Authority = field(default_factory=Authority)
    qr: QrConfig = field(default_factory=QrConfig)
    envelope: Envelope = ENVELOPES["DL"]
    chunk_notices: int = 250
    jobs: int = 2


def qr_payload(cfg: QrConfig, number: str, amount_inr: int) -> str:
    """What the QR code carries: the challan number, the verification URL and a UPI payment link."""
    verify = cfg.verify_url.format(number=number)
    upi = (
        f"upi://pay?pa={quote(cfg.upi_vpa, safe='@.')}&pn={quote(cfg.upi_name)}"
        f"&am={amount_inr}.00&cu=INR&tr={quote(number)}&tn={quote('e-Challan ' + number)}"
    )
    return f"CHALLAN:{number}\nVERIFY:{verify}\nPAY:{upi}"


def load_notice_config(path: Path | None) -> NoticeConfig:
    """The defaults, overridden by the TOML file at ``path`` when given."""
    if path is None:
        return NoticeConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"notice config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"notice config file {path}: not valid TOML: {err}") from None
    k = Keys(f"notice config file {path}", data)
    a, q, p = (
        k.table(name) if k.has(name) else Keys(k.what, {}, f"{name}.")
        for name in ("authority", "qr", "print")
    )
    da, dq = Authority(), QrConfig()
    english = {name: a.string(name, getattr(da, name)) for name in ("state", "district", "unit", "portal")}
    hindi = {  # a Hindi name defaults to the default's when the English one is the default, else to it
        f"{n}_hi": a.string(f"{n}_hi", getattr(da, f"{n}_hi") if english[n] == getattr(da, n) else english[n])
        for n in ("state", "district", "unit")
    }
    envelope = p.string("envelope", "DL").upper()
    if envelope not in ENVELOPES:
        raise p.fail("envelope", f"must be one of {', '.join(ENVELOPES)}, got {envelope!r}")
    verify = q.string("verify_url", dq.verify_url)
    if "{number}" not in verify:
        raise q.fail("verify_url", "must contain {number}")
    return NoticeConfig(
        authority=Authority(**english, **hindi, logo=a.string("logo") if a.has("logo") else None),
        qr=QrConfig(verify, q.string("upi_vpa", dq.upi_vpa), q.string("upi_name", dq.upi_name)),
        envelope=ENVELOPES[envelope],
        chunk_notices=int(p.number("chunk_notices", 250, minimum=1)),
        jobs=int(p.number("jobs", 2, minimum=1)),
    )
