"""Signing in: argon2id hashes, wrong passwords and inactive accounts refused."""
from portal.accounts.repository import AccountRepository
from portal.accounts.services import authenticate
from tests.factories import PASSWORD, make_account


def test_authenticate(main_table):
    repo = AccountRepository(main_table)
    repo.put(make_account("Casey@Example.com".lower()))
    repo.put(make_account("gone@example.com", active=False))
    assert authenticate(repo, " CASEY@example.com ", PASSWORD, local_mode=False).email == "casey@example.com"
    assert authenticate(repo, "casey@example.com", PASSWORD + "x", local_mode=False) is None
    assert authenticate(repo, "nobody@example.com", PASSWORD, local_mode=False) is None
    assert authenticate(repo, "gone@example.com", PASSWORD, local_mode=False) is None


def test_accounts_are_listed_as_members_of_their_teams(main_table):
    repo = AccountRepository(main_table)
    repo.put(make_account("m1@example.com", teams=["members-a", "members-b"]))
    repo.put(make_account("m2@example.com", teams=["members-a"]))
    assert sorted(m["email"] for m in repo.list_members("members-a")) == ["m1@example.com", "m2@example.com"]
    assert [m["open_count"] for m in repo.list_members("members-b")] == [0]
