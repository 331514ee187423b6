"""Jinja filters the public pages use, installed on both template environments: the runtime's, which renders the
static site, and Flask's, which renders the same templates in admin previews."""
from __future__ import annotations

import datetime

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def human_date(iso: str) -> str:
    """2026-12-03 -> 3 December 2026 (English, whatever the machine's locale); empty or unreadable -> ""."""
    try:
        day = datetime.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def whole_number(value) -> str:
    """2547 -> 2,547 (US English)."""
    return f"{int(value):,}"


FILTERS = {"human_date": human_date, "whole_number": whole_number}


def install(env) -> None:
    env.filters.update(FILTERS)
