"""Account rules called directly on the moto stack: signing in, sign-in limits, and what admins change (audited)."""
import datetime

import pytest

from portal.accounts import services
from portal.accounts.models import Team
from portal.accounts.repository import AccountRepository
from portal.accounts.services import authenticate
from tests.factories import PASSWORD, make_account
from tests.helpers import with_settings

NOW_MS = 1_795_000_000_000  # a session's sign-in time, wall-clock milliseconds


def test_signing_out_ends_every_session_signed_in_until_then_and_no_later_one(main_table, runtime):
    account = make_account("leaver.svc@example.com")
    AccountRepository(main_table).put(account)
    assert services.signed_in_account(runtime, account.email, NOW_MS) == account
    services.sign_out(runtime, account, NOW_MS + 5_000)
    assert services.signed_in_account(runtime, account.email, NOW_MS) is None, "a copy of the old cookie"
    assert services.signed_in_account(runtime, account.email, NOW_MS + 5_000) is None, "the session signing out"
    assert services.signed_in_account(runtime, account.email, NOW_MS + 5_001).email == account.email, "signed in again"


def test_authenticate(main_table, runtime):
    repo = AccountRepository(main_table)
    repo.put(make_account("Casey@Example.com".lower()))
    repo.put(make_account("gone@example.com", active=False))
    deployed = with_settings(runtime, local_mode=False)
    assert authenticate(deployed, " CASEY@example.com ", PASSWORD).email == "casey@example.com"
    assert authenticate(deployed, "casey@example.com", PASSWORD + "x") is None
    assert authenticate(deployed, "nobody@example.com", PASSWORD) is None
    assert authenticate(deployed, "gone@example.com", PASSWORD) is None


def test_demo_accounts_sign_in_only_in_local_mode(main_table, runtime):
    AccountRepository(main_table).put(make_account("demo.svc@example.com", demo=True))
    assert authenticate(with_settings(runtime, local_mode=True), "demo.svc@example.com", PASSWORD) is not None
    assert authenticate(with_settings(runtime, local_mode=False), "demo.svc@example.com", PASSWORD) is None
    assert services.signed_in_account(with_settings(runtime, local_mode=False), "demo.svc@example.com", NOW_MS) is None


def test_accounts_are_listed_as_members_of_their_teams(main_table):
    repo = AccountRepository(main_table)
    repo.put(make_account("m1@example.com", teams=["members-a", "members-b"]))
    repo.put(make_account("m2@example.com", teams=["members-a"]))
    assert sorted(m["email"] for m in repo.list_members("members-a")) == ["m1@example.com", "m2@example.com"]
    assert [m["open_count"] for m in repo.list_members("members-b")] == [0]


def test_sign_in_attempts_are_counted_per_account_from_each_address_and_per_address(runtime):
    limited = with_settings(runtime, login_limit_per_account=2, login_limit_per_ip=3)
    now = datetime.datetime(2026, 12, 2, 10, 1, tzinfo=datetime.timezone.utc)
    for _ in range(2):
        services.count_login_attempt(limited, "limit.svc@example.com", "192.0.2.10", now)
    with pytest.raises(services.TooManyAttempts):  # this account, from this address: over
        services.count_login_attempt(limited, "Limit.Svc@example.com ", "192.0.2.10", now)
    services.count_login_attempt(limited, "limit.svc@example.com", "192.0.2.11", now)  # its owner, elsewhere
    with pytest.raises(services.TooManyAttempts):  # this address, whatever account: over (4 > 3)
        services.count_login_attempt(limited, "other.svc@example.com", "192.0.2.10", now)
    services.count_login_attempt(limited, "other.svc@example.com", "192.0.2.12", now)


def test_wrong_passwords_past_the_free_ones_make_the_next_attempt_wait_twice_as_long_each_time(runtime):
    AccountRepository(runtime.main_table).put(make_account("backoff.svc@example.com"))
    slowed = with_settings(runtime, login_limit_per_account=100, login_free_failures=3)
    start = datetime.datetime(2026, 12, 2, 11, 0, 1, tzinfo=datetime.timezone.utc)

    def attempt(after: float, password="wrong", ip="192.0.2.30"):
        return services.sign_in(slowed, "backoff.svc@example.com", password, ip,
                                start + datetime.timedelta(seconds=after))

    for n in range(3):
        assert attempt(0) is None, "the first three wrong passwords are answered at once"
    waited = 0
    for wait in (1, 2, 4, 8):
        assert attempt(waited) is None
        with pytest.raises(services.TooManyAttempts) as refused:
            attempt(waited, password=PASSWORD)
        assert refused.value.retry_after == wait, "refused without the password being checked"
        with pytest.raises(services.TooManyAttempts):
            attempt(waited + wait - 1, password=PASSWORD)
        waited += wait
    assert attempt(waited + 15, ip="198.51.100.30", password=PASSWORD).email == "backoff.svc@example.com", (
        "the owner, elsewhere, is not slowed")
    assert attempt(waited, password=PASSWORD).email == "backoff.svc@example.com", (
        "waiting as asked gets a turn: the refused attempts were not counted against it")


def test_an_admin_creates_an_account_in_existing_teams_and_it_is_audited(runtime):
    admin = make_account("admin.svc@example.com", role="admin", teams=[])
    runtime.accounts.put(admin)
    runtime.accounts.put_team(Team("svc-team", "Service team"))
    created = services.create_account(runtime, admin, " New.Svc@Example.com ", "New Person", "recruiter",
                                      ["svc-team"], "a long enough password")
    assert created.email == "new.svc@example.com" and created.teams == ["svc-team"]
    assert [e.action for e in runtime.audit.for_account(admin.id, 10).items] == ["created"]
    with pytest.raises(services.AccountRefused) as again:
        services.create_account(runtime, admin, "new.svc@example.com", "Again", "recruiter", ["svc-team"],
                                "a long enough password")
    assert again.value.field == "email"
    with pytest.raises(services.AccountRefused) as stranger:
        services.create_account(runtime, admin, "x.svc@example.com", "X", "recruiter", ["no-such-team"],
                                "a long enough password")
    assert stranger.value.field == "teams"
    for not_an_address in ("7" * 2001, "no-at-sign.example.com", "a@" + "b" * 300 + ".com"):
        with pytest.raises(services.AccountRefused) as bad_email:  # one was a 500: a key over DynamoDB's 1 KB
            services.create_account(runtime, admin, not_an_address, "Z", "recruiter", ["svc-team"],
                                    "a long enough password")
        assert bad_email.value.field == "email"
    with pytest.raises(services.AccountRefused) as short:
        services.create_account(runtime, admin, "y.svc@example.com", "Y", "recruiter", ["svc-team"], "short")
    assert short.value.field == "password"


def test_deactivating_is_audited_and_nobody_deactivates_themselves(runtime):
    admin = make_account("admin2.svc@example.com", role="admin", teams=[])
    other = make_account("other2.svc@example.com")
    runtime.accounts.put(admin)
    runtime.accounts.put(other)
    assert services.toggle_active(runtime, admin, other.id, NOW_MS).active is False
    assert services.signed_in_account(runtime, other.email, NOW_MS) is None
    assert services.toggle_active(runtime, admin, other.id, NOW_MS + 10).active is True
    assert services.signed_in_account(runtime, other.email, NOW_MS) is None, "reactivating revives no old session"
    assert services.signed_in_account(runtime, other.email, NOW_MS + 20).email == other.email, "a new one works"
    assert services.toggle_active(runtime, admin, "no-such-id", NOW_MS) is None
    with pytest.raises(services.AccountRefused):
        services.toggle_active(runtime, admin, admin.id, NOW_MS)
    assert [e.action for e in runtime.audit.for_account(admin.id, 10).items] == ["activated", "deactivated"]


def test_a_toggle_read_before_a_sign_out_keeps_the_sign_out_and_two_toggles_at_once_change_it_once(runtime):
    account = make_account("raced.svc@example.com")
    runtime.accounts.put(account)
    read_by_two_admins = runtime.accounts.get(account.email)
    services.sign_out(runtime, account, NOW_MS + 5_000)  # meanwhile, the recruiter signs out
    assert runtime.accounts.set_active(read_by_two_admins, False, NOW_MS) is True
    assert runtime.accounts.set_active(read_by_two_admins, False, NOW_MS) is False, "the second toggle of the same read"
    stored = runtime.accounts.get(account.email)
    assert stored.active is False
    assert stored.sessions_valid_from == NOW_MS, "the deactivation's own time, written in place"
    runtime.accounts.set_active(stored, True)
    assert runtime.accounts.get(account.email).sessions_valid_from == NOW_MS, "reactivating ends nothing more"
    assert [m["active"] for m in runtime.accounts.list_members("fulfillment-west")
            if m["email"] == account.email] == [True]


def test_a_team_id_is_taken_once(runtime):
    admin = make_account("admin3.svc@example.com", role="admin", teams=[])
    services.create_team(runtime, admin, "svc-unique", " Unique ")
    assert "svc-unique" in {t.id for t in services.list_teams(runtime)}
    with pytest.raises(services.AccountRefused) as taken:
        services.create_team(runtime, admin, "svc-unique", "Again")
    assert taken.value.field == "team_id"
