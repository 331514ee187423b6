"""Writing the audit log: one entry per view or change, made by the service that did it."""
from __future__ import annotations

from ulid import ULID

from portal import clock
from portal.accounts.models import Account
from portal.audit.repository import AuditEntry, AuditRepository


def record(repo: AuditRepository, account: Account, action: str, subject: str, detail: str = "") -> AuditEntry:
    """Append that ``account`` did ``action`` to ``subject`` (``APP#<id>``, ``POSTING#<id>``, ``ACCOUNT#<id>``).

    ``detail`` says what changed (a stage, a tag); it never holds an applicant's contact details.
    """
    entry = AuditEntry(id=str(ULID()), subject=subject, account_id=account.id, account_name=account.name,
                       action=action, at=clock.iso(clock.now()), detail=detail)
    repo.append(entry)
    return entry


def application_subject(application_id: str) -> str:
    return f"APP#{application_id}"


def posting_subject(posting_id: str) -> str:
    return f"POSTING#{posting_id}"


def account_subject(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"
