"""The command line (portal/cli.py) through Flask's test runner: `users create`, the first admin of a deployment,
with the password asked for twice; the other commands are tested beside what they drive (site, pipeline, local)."""
from portal.accounts.models import Team
from portal.accounts.repository import AccountRepository
from portal.accounts.services import authenticate
from tests.helpers import with_settings


def test_users_create_makes_an_admin_who_can_sign_in(runner, main_table, runtime):
    result = runner.invoke(args=["users", "create", "--email", "First.Admin@Example.com", "--name", "First Admin",
                                 "--role", "admin"], input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin first.admin@example.com" in result.output
    repo = AccountRepository(main_table)
    account = authenticate(with_settings(runtime, local_mode=False), "first.admin@example.com", "a long enough password")
    assert account is not None and account.is_admin and not account.demo
    assert account.password_hash.startswith("$argon2id$")
    assert repo.get_by_id(account.id).email == "first.admin@example.com"


def test_users_create_refuses_short_passwords_unknown_teams_and_duplicates(runner, main_table):
    AccountRepository(main_table).put_team(Team("west", "West"))
    short = runner.invoke(args=["users", "create", "--email", "r@example.com", "--name", "R", "--role", "recruiter",
                                "--team", "west", "--password", "short"])
    assert short.exit_code != 0 and "at least 12 characters" in short.output
    unknown = runner.invoke(args=["users", "create", "--email", "r@example.com", "--name", "R", "--role", "recruiter",
                                  "--team", "nowhere", "--password", "a long enough password"])
    assert unknown.exit_code != 0 and "No such team: nowhere" in unknown.output
    ok = runner.invoke(args=["users", "create", "--email", "r@example.com", "--name", "R", "--role", "recruiter",
                             "--team", "west", "--password", "a long enough password"])
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(args=["users", "create", "--email", "R@example.com", "--name", "R", "--role", "recruiter",
                                "--team", "west", "--password", "a long enough password"])
    assert again.exit_code != 0 and "already an account" in again.output
