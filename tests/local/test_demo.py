"""Demo data: enough realistic postings, from every group, demo accounts only usable in local mode, and a seed
that can run again without changing anything."""
import datetime

from portal import keys
from portal.accounts.services import authenticate
from portal.applications.stages import move_stage
from portal.local.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, TEAMS, demo_applications, demo_postings, seed_demo
from portal.postings.models import REMOTE
from tests.helpers import StreamTail, with_settings


def test_demo_postings_cover_the_groups_and_many_states():
    postings = demo_postings(datetime.date(2026, 11, 22))
    assert len(postings) >= 200
    assert len({p.id for p in postings}) == len(postings)
    states = {p.address.state for p in postings if p.address} | {s for p in postings for s in p.remote_states}
    assert len({p.address.state for p in postings if p.address}) >= 15
    assert len(states) >= 15
    remote_cs = [p for p in postings if p.workplace == REMOTE and p.category == "customer-service"]
    assert {"PART_TIME", "FULL_TIME"} <= {t for p in remote_cs for t in p.employment_types}
    assert all(p.remote_states for p in postings if p.workplace == REMOTE)
    fc = [p for p in postings if p.category == "fulfillment"]
    assert {"Sortation", "Consolidation", "Picker", "Packer"} <= {p.title.split()[0] for p in fc}
    assert {"day", "night", "weekend"} <= {s for p in fc for s in p.shifts}
    assert any(p.category == "seasonal" for p in postings)
    for p in postings:
        assert p.pay_unit == "HOUR" and p.pay_min <= p.pay_max
        assert 0 < p.hours_min <= p.hours_max
        assert p.benefits_hours == 20
        assert p.programmes and set(p.programmes) <= {"tuition", "apprenticeship", "technical-training"}


def test_seed_writes_postings_and_demo_accounts_refused_outside_local_mode(main_table, runtime):
    counts = seed_demo(runtime)
    assert counts["postings"] >= 200
    local, deployed = with_settings(runtime, local_mode=True), with_settings(runtime, local_mode=False)
    for email in ("admin@example.com", "recruiter@example.com"):
        assert authenticate(local, email, DEMO_PASSWORD) is not None
        assert authenticate(deployed, email, DEMO_PASSWORD) is None
        assert authenticate(local, email, "wrong") is None
    assert main_table.get_item(Key=keys.account("admin@example.com"))["Item"]["password_hash"].startswith("$argon2id$")


def _counts(table):
    def count(partition):
        return table.query(IndexName="gsi1", KeyConditionExpression="gsi1pk = :p",
                           ExpressionAttributeValues={":p": partition}, Select="COUNT")["Count"]

    return count(keys.PUBLISHED_POSTINGS), sum(count(keys.team_applications_partition(t.id)) for t in TEAMS)


def test_seeding_again_changes_nothing_that_is_there(main_table, runtime):
    """What the pipeline and recruiters did to demo data stays: no version reset, no new stream record to count."""
    today = datetime.date.today()
    seed_demo(runtime, today)
    first = _counts(main_table)
    demo_app = demo_applications(demo_postings(today), today)[0]
    moved = move_stage(runtime.applications, runtime.applications.get(demo_app.id), "screened", by="pipeline",
                       at="2026-12-02T10:00:00Z")
    admin_id = runtime.accounts.get(DEMO_ACCOUNTS[0][0]).id
    tail = StreamTail(main_table.name)
    seed_demo(runtime, today)
    assert tail.records() == [], "a second seed writes nothing, so the pipeline has nothing to count again"
    assert _counts(main_table) == first
    assert first[0] >= 200 and first[1] > 0
    again = runtime.applications.get(demo_app.id)
    assert (again.stage, again.version) == ("screened", moved.version)
    assert runtime.accounts.get(DEMO_ACCOUNTS[0][0]).id == admin_id
