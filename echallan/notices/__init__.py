"""Printable notices: one A4 page per challan, merged into one PDF."""

from echallan.notices.pdf import Authority, draw_notice, render_notices

__all__ = ["Authority", "draw_notice", "render_notices"]
