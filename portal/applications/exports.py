"""CSV export of a queue as filtered, with spreadsheet formula injection neutralised; each export is audited."""
from __future__ import annotations

import csv
import io

from portal.accounts.models import Account
from portal.applications.queues import QueueFilter, read_page
from portal.audit import services as audit

COLUMNS = ["Application", "Received", "Name", "E-mail", "Phone", "State", "Posting", "Stage", "Fit score",
           "Hours a week", "Shifts", "Circumstances", "Tags", "Rating", "Assigned to"]
# A cell starting with one of these is read as a formula (or as the start of one) by Excel, Sheets and LibreOffice;
# a leading control character (NUL, for one) may be dropped on import, leaving what follows it first (OWASP ASVS).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text that no spreadsheet will evaluate: a leading formula or control character gets a quote in
    front (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) or (text and ord(text[0]) < 32) else text


def export_queue(runtime, account: Account, f: QueueFilter) -> str:
    """The filtered team queue as CSV, up to the configured number of rows, recorded in the exporter's audit log.

    The caller has checked that the account works for ``f.team``. Raises queues.UnservableFilter.
    """
    rows = queue_rows(runtime, f, runtime.settings.export_max_rows)
    audit.record(runtime, account, "exported", audit.account_subject(account.id),
                 f"{len(rows)} applications of team {f.team}")
    return to_csv(rows)


def queue_rows(runtime, f: QueueFilter, max_rows: int, page_size: int = 200) -> list[list]:
    """Every application of the filtered queue, up to ``max_rows``, paged through with LastEvaluatedKey."""
    rows, key = [], None
    while len(rows) < max_rows:
        page = read_page(runtime, f, page_size, key, max_reads=10)
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
