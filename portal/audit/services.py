"""Writing the audit log: one entry per view or change, made by the service that did it."""
from __future__ import annotations

from ulid import ULID

from portal import clock
from portal.accounts.models import Account
from portal.audit.repository import AuditEntry


def record(runtime, account: Account, action: str, subject: str, detail: str = "") -> AuditEntry:
    """Append that ``account`` did ``action`` to ``subject`` (``APP#<id>``, ``POSTING#<id>``, ``ACCOUNT#<id>``,
    ``TEAM#<id>``).

    ``detail`` says what changed (a stage, a tag); it never holds an applicant's contact details.
    """
    entry = AuditEntry(id=str(ULID()), subject=subject, account_id=account.id, account_name=account.name,
                       action=action, at=clock.iso(clock.now()), detail=detail)
    runtime.audit.append(entry)
    return entry


def for_application(runtime, application_id: str, limit: int, start_key: dict | None = None):
    """A page of what was done to one application, newest first (the caller has checked the account may see it)."""
    return runtime.audit.for_subject(application_subject(application_id), limit, start_key)


def for_account(runtime, viewer: Account, account_id: str, limit: int, start_key: dict | None = None):
    """(the account, a page of what it viewed and changed), or None: admins see anyone's log, a recruiter only
    their own, and anything else looks like an id that does not exist."""
    if not (viewer.is_admin or account_id == viewer.id):
        return None
    account = runtime.accounts.get_by_id(account_id)
    if account is None:
        return None
    return account, runtime.audit.for_account(account_id, limit, start_key)


def application_subject(application_id: str) -> str:
    return f"APP#{application_id}"


def posting_subject(posting_id: str) -> str:
    return f"POSTING#{posting_id}"


def account_subject(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def team_subject(team_id: str) -> str:
    return f"TEAM#{team_id}"
