"""CSV export of a queue as filtered, with spreadsheet formula injection neutralised."""
from __future__ import annotations

import csv
import io

from portal.applications.queues import QueueFilter, read_page

COLUMNS = ["Application", "Received", "Name", "E-mail", "Phone", "State", "Posting", "Stage", "Fit score",
           "Hours a week", "Shifts", "Circumstances", "Tags", "Rating", "Assigned to"]
# A cell starting with one of these is read as a formula (or as the start of one) by Excel, Sheets and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text that no spreadsheet will evaluate: a leading formula character gets a quote in front (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def queue_rows(repo, f: QueueFilter, max_rows: int, page_size: int = 200) -> list[list]:
    """Every application of the filtered queue, up to ``max_rows``, paged through with LastEvaluatedKey."""
    rows, key = [], None
    while len(rows) < max_rows:
        page = read_page(repo, f, page_size, key, max_reads=10)
        rows.extend(_row(a) for a in page.applications)
        key = page.next_key
        if key is None:
            break
    return rows[:max_rows]


def _row(a) -> list:
    return [a.id, a.created_at, a.contact.name, a.contact.email, a.contact.phone, a.location.state, a.posting_title,
            a.stage_label, "" if a.score is None else a.score,
            f"{a.preferences.hours_min}-{a.preferences.hours_max}", " ".join(a.preferences.shifts),
            " ".join(a.flags), " ".join(a.tags), a.rating or "", a.assignee or ""]


def to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()
