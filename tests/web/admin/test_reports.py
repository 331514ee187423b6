"""Dashboards (funnel, time to first triage, applications per day, flexibility shares) as SVG with text
alternatives, and the EEO report: aggregate counts only, small cells hidden, admins only."""
import datetime
import re

import pytest
from ulid import ULID

from portal import keys
from portal.applications.repository import ApplicationRepository
from portal.postings.repository import PostingRepository
from tests.helpers import csrf_token
from tests.factories import make_application, make_posting


@pytest.fixture(scope="module")
def recent(main_table, people):
    posting = make_posting(team="north", title="Dashboard Picker")
    PostingRepository(main_table).put(posting)
    now = datetime.datetime.now(datetime.timezone.utc)
    apps = [make_application(posting, id=str(ULID.from_datetime(now - datetime.timedelta(days=n % 3, hours=1))),
                             hours_max=20 + n, created_at=(now - datetime.timedelta(days=n % 3, hours=1)).isoformat())
            for n in range(6)]
    ApplicationRepository(main_table).put_many(apps)
    return posting, apps


def test_team_dashboard_has_svg_charts_with_text_alternatives(signed_in, recent):
    posting, apps = recent
    client = signed_in("north")
    client.post(f"/admin/applications/{apps[0].id}/move",
                data={"csrf_token": csrf_token(client), "to_stage": "screened", "version": "1"})
    html = client.get("/admin/teams/north/dashboard").get_data(as_text=True)
    assert html.count('<svg class="chart') == 4 and html.count('role="img"') == 4
    charts = re.findall(r'<svg class="chart[^>]*>', html)
    assert all("viewBox" not in svg and 'width="100%"' in svg for svg in charts), \
        "the charts are drawn at their column's width, unscaled, so their text keeps its size on a phone"
    assert "<title id=\"funnel-title\">Applications per stage</title>" in html
    assert "Applied: " in html and "Screened: 1" in html
    assert "have been moved by a recruiter" in html and "1 have been" in html
    assert "20 to 29 hours" in html and "Applications received per day" in html
    assert '<td data-label="Stage">Applied</td><td data-label="Applications">' in html, "each cell names its column"


def test_posting_dashboard_counts_only_that_posting(signed_in, recent):
    posting, apps = recent
    html = signed_in("north").get(f"/admin/postings/{posting.id}/dashboard").get_data(as_text=True)
    assert "Dashboard of Dashboard Picker" in html
    assert "Applied: 5." in html and "Screened: 1." in html, "one was moved by the test above"


def test_eeo_report_hides_small_cells_and_their_complement(signed_in, main_table):
    main_table.put_item(Item={**keys.counters("EEO#north"), "veteran:protected": 7, "veteran:not_protected": 30,
                              "veteran:declined": 3, "disability:yes": 12, "disability:no": 40})
    assert signed_in("north").get("/admin/teams/north/eeo").status_code == 404, "recruiters do not see it"
    html = signed_in("boss").get("/admin/teams/north/eeo").get_data(as_text=True)
    assert "hidden" in html and ">12<" in html and ">3<" not in html
