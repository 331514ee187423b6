"""Expiry at validThrough without a click: the scheduled job closes past-date postings and publishes them."""
import datetime
import importlib
import json
from pathlib import Path

from portal.postings.models import CLOSED, PUBLISHED
from tests.factories import make_posting

ROOT = Path(__file__).resolve().parents[2]


def test_expired_postings_are_closed_published_and_leave_the_feeds(site, runner, main_table):
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    expired = make_posting(title="Expired Picker", valid_through=yesterday)
    current = make_posting(title="Current Picker")
    site.put(expired, current)
    site.build()
    assert f"/jobs/{expired.id}/" not in site.html("/feeds/jobs.xml")  # past its date: never listed

    result = runner.invoke(args=["site", "expire"])
    assert result.exit_code == 0, result.output
    assert "Closed 1 expired" in result.output
    assert site.repo.get(expired.id).status == CLOSED
    assert site.repo.get(current.id).status == PUBLISHED
    assert "gsi1pk" not in main_table.get_item(Key={"pk": f"POSTING#{expired.id}", "sk": "POSTING"})["Item"]
    html = site.html(f"/jobs/{expired.id}/")
    assert "This job is closed" in html and "noindex" in html
    indeed = site.html("/feeds/indeed.xml")
    assert current.id in indeed and expired.id not in indeed
    assert expired.id not in site.search_ids()

    again = runner.invoke(args=["site", "expire"])
    assert "Closed 0 expired" in again.output


def test_a_posting_extended_meanwhile_is_not_closed(site, app):
    from portal.postings.repository import PostingRepository

    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    posting = make_posting(valid_through=yesterday)
    site.put(posting)
    repo: PostingRepository = site.repo
    assert repo.published_expired_before(datetime.date.today().isoformat()).count(posting.id) == 1
    posting.valid_through = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    site.put(posting)  # the recruiter extended it between the Query and the write
    assert repo.close_if_expired(posting.id, datetime.date.today().isoformat(), "2026-01-01T00:00:00Z") is False
    assert repo.get(posting.id).status == PUBLISHED


def test_zappa_schedules_the_expiry_and_the_feeds_every_15_minutes_in_the_pipeline_stage():
    # The pipeline's function, not the web one: only its role may write the site the expiry republishes.
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    events = [e for e in settings["dev_pipeline"]["events"]
              if e["function"].rsplit(".", 1)[-1] in ("expire_postings", "rebuild_feeds")]
    assert [e["function"].rsplit(".", 1)[-1] for e in events] == ["expire_postings", "rebuild_feeds"]
    for event in events:
        assert event["expression"] == "rate(15 minutes)"
        module, function = event["function"].rsplit(".", 1)
        handler = getattr(importlib.import_module(module), function)
        assert list(handler.__code__.co_varnames[: handler.__code__.co_argcount]) == ["event", "context"]
