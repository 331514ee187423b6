"""Local mode's stand-in for the schedule (portal/local/__main__.py): each round closes expired postings, rebuilds
the feeds and runs the retention schedule, and a failing part never stops the timer."""
import threading

import portal.site
from portal.applications import retention
from portal.local import __main__ as local_main


def test_every_round_runs_the_retention_schedule_after_the_posting_expiry(runtime, monkeypatch):
    stop, rounds = threading.Event(), []
    monkeypatch.setattr(portal.site, "close_expired_postings", lambda rt: rounds.append("expire") or 0)
    monkeypatch.setattr(portal.site, "rebuild_feeds", lambda rt: rounds.append("feeds") or 0)

    def retention_round(rt):
        rounds.append("retention")
        if rounds.count("retention") == 2:
            stop.set()

    monkeypatch.setattr(local_main, "erase_expired_round", retention_round)
    thread = local_main.expire_periodically(runtime, 0, stop)  # no wait between rounds: the test stops it
    thread.join(30)
    assert not thread.is_alive()
    assert rounds == ["expire", "feeds", "retention"] * 2


def test_a_retention_round_records_its_run_and_a_failure_leaves_the_timer_alive(runtime, monkeypatch, caplog):
    local_main.erase_expired_round(runtime)
    assert retention.last_run(runtime).retention_months == runtime.settings.retention_months

    def broken(rt):
        raise RuntimeError("the emulator went away")

    monkeypatch.setattr(retention, "erase_expired", broken)
    local_main.erase_expired_round(runtime)  # logged, not raised
    assert "the retention schedule failed" in caplog.text
