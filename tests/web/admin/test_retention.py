"""The retention schedule's last run, on the admins' accounts page (and only theirs)."""
import datetime
import re

from portal import clock
from portal.applications import retention
from portal.applications.services import submit_application
from portal.applications.stages import move_stage
from tests.factories import make_answers, make_posting

NOW = datetime.datetime(2026, 11, 23, 10, 5, tzinfo=datetime.timezone.utc)


def _section(html: str) -> str:
    return re.search(r'<h2 id="retention">.*?(?=<h2|</main>)', html, re.S).group(0)


def test_admins_see_when_the_retention_schedule_last_ran_and_what_it_erased(runtime, signed_in, monkeypatch):
    boss = signed_in("boss")
    before = _section(boss.get("/admin/accounts/").get_data(as_text=True))
    assert "Data retention" in before and "24 months after they were" in before
    assert "It has not run yet." in before

    submitted = submit_application(runtime, [make_posting(team="north")], make_answers(), token="tok-admin-retention")
    application = runtime.applications.get(submitted.application_ids[0])
    screened = move_stage(runtime.applications, application, "screened", by="pipeline", at="2024-01-02T08:00:00Z")
    move_stage(runtime.applications, screened, "rejected", by="north@example.com", at="2024-01-02T09:00:00Z",
               reason="Hours do not fit")
    monkeypatch.setattr(clock, "now", lambda: NOW)
    assert retention.erase_expired(runtime).erased == 1

    page = boss.get("/admin/accounts/")
    assert page.status_code == 200
    shown = _section(page.get_data(as_text=True))
    assert '<time datetime="2026-11-23T10:05:00Z">2026-11-23 10:05 UTC</time>' in shown
    assert re.search(r"erased 1 application\s+that ended before", shown)
    assert '<time datetime="2024-11-23T10:05:00Z">2024-11-23</time>' in shown


def test_recruiters_do_not_see_the_page(signed_in):
    assert signed_in("north").get("/admin/accounts/").status_code == 404
