"""Printable notices: two A4 pages per challan (front and instructions), merged into one PDF."""

from echallan.notices.config import Authority, Envelope, NoticeConfig, load_notice_config
from echallan.notices.pdf import draw_notice
from echallan.notices.render import BatchReport, Skip, render_notices

__all__ = [
    "Authority",
    "BatchReport",
    "Envelope",
    "NoticeConfig",
    "Skip",
    "draw_notice",
    "load_notice_config",
    "render_notices",
]
