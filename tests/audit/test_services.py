"""The audit log's service called directly on the moto stack: entries appended by who acted, read back per
application and per account, with the account check done here."""
import pytest
from botocore.exceptions import ClientError

from portal.audit import services as audit
from portal.audit.repository import AuditEntry
from tests.factories import make_account


def test_an_entry_names_who_did_what_to_which_subject_and_lists_newest_first(runtime):
    recruiter = make_account("audit.rita@example.com", teams=["north"])
    first = audit.record(runtime, recruiter, "viewed", audit.application_subject("01AUDITAPP"))
    second = audit.record(runtime, recruiter, "moved", audit.application_subject("01AUDITAPP"), "Applied → Screened")
    page = audit.for_application(runtime, "01AUDITAPP", 10)
    assert [e.id for e in page.items] == [second.id, first.id]
    assert (page.items[0].action, page.items[0].detail, page.items[0].account_name) == (
        "moved", "Applied → Screened", recruiter.name)
    assert page.items[0].subject_kind == "APP" and page.items[0].subject_id == "01AUDITAPP"


def test_the_log_is_append_only(runtime):
    entry = audit.record(runtime, make_account("audit.once@example.com"), "viewed", audit.posting_subject("p-1"))
    with pytest.raises(ClientError) as refused:
        runtime.audit.append(AuditEntry(**{**entry.__dict__, "action": "edited"}))
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_an_accounts_log_is_for_admins_and_for_that_account_only(runtime):
    rita = make_account("audit.rita2@example.com")
    sam = make_account("audit.sam2@example.com")
    boss = make_account("audit.boss2@example.com", role="admin", teams=[])
    for account in (rita, sam, boss):
        runtime.accounts.put(account)
    audit.record(runtime, rita, "exported", audit.account_subject(rita.id), "3 applications of team north")
    own_account, own_page = audit.for_account(runtime, rita, rita.id, 10)
    assert own_account.id == rita.id and [e.action for e in own_page.items] == ["exported"]
    assert audit.for_account(runtime, boss, rita.id, 10)[1].items[0].detail == "3 applications of team north"
    assert audit.for_account(runtime, sam, rita.id, 10) is None, "another recruiter's log looks like no log"
    assert audit.for_account(runtime, boss, "no-such-account", 10) is None


def test_pages_follow_last_evaluated_key(runtime):
    who = make_account("audit.pager@example.com")
    ids = [audit.record(runtime, who, "viewed", audit.application_subject("01AUDITPAGE")).id for _ in range(5)]
    first = audit.for_application(runtime, "01AUDITPAGE", 3)
    rest = audit.for_application(runtime, "01AUDITPAGE", 3, first.next_key)
    assert [e.id for e in first.items + rest.items] == list(reversed(ids))
