"""Rules for accounts and teams: password hashing (argon2id), signing in, and what admins change (audited)."""
from __future__ import annotations

import dataclasses
import datetime
import functools

from portal import keys
from portal.accounts.models import ADMIN, ROLES, Account, Team
from portal.accounts.repository import MustWait
from portal.audit import services as audit
from portal.errors import FieldProblem

@functools.cache
def _hasher():
    """argon2id with the library's current recommended parameters; loaded with the first sign-in, not at start."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so a missing account takes as long as a wrong password.

    Made on first use, not at import: one argon2id hash takes a few hundred milliseconds, which every Lambda
    cold start would pay otherwise.
    """
    return _hasher().hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def authenticate(runtime, email: str, password: str) -> Account | None:
    """The account for these credentials, or None. Demo accounts are refused outside local mode."""
    account = runtime.accounts.get(email.strip().lower())
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        _hasher().verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return account if account is not None and may_sign_in(account, local_mode=runtime.settings.local_mode) else None


def signed_in_account(runtime, email: str, signed_in_at_ms: int) -> Account | None:
    """The account a session names, read afresh: None once it is deactivated (or a demo account off local mode),
    and None for a session signed in before the account last signed out."""
    account = runtime.accounts.get(email)
    if account is None or not may_sign_in(account, local_mode=runtime.settings.local_mode):
        return None
    return account if signed_in_at_ms >= account.sessions_valid_from else None


def sign_out(runtime, account: Account, now_ms: int) -> None:
    """Ends the account's sessions: this one, and any other signed in up to ``now_ms`` (a copied cookie included).
    Milliseconds of the wall clock, as sessions record their sign-in."""
    runtime.accounts.end_sessions(account.email, now_ms + 1)


def may_sign_in(account: Account, *, local_mode: bool) -> bool:
    """Active, and not a demo account outside local mode."""
    return account.active and (local_mode or not account.demo)


class TooManyAttempts(Exception):
    """Too many sign-in attempts for this account or from this address: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = max(1, retry_after)


LOGIN_WINDOW_SECONDS = 15 * 60


def _login_counters(runtime, email: str, ip: str, now: datetime.datetime):
    """The two counters a sign-in attempt adds to: (kind, hashed identity, window, limit) each, and the window's
    end. The account's counter is per address too, so wrong passwords sent by someone else never lock its owner
    out."""
    cfg = runtime.settings
    window = int(now.timestamp()) // LOGIN_WINDOW_SECONDS
    address = ip or "unknown"
    counters = [(kind, keys.identity_hash(runtime.secret_key, f"login:{kind}:{value}"), str(window), limit)
                for kind, value, limit in (
                    ("account", f"{email.strip().lower()} from {address}", cfg.login_limit_per_account),
                    ("ip", address, cfg.login_limit_per_ip))]
    return counters, (window + 1) * LOGIN_WINDOW_SECONDS


def count_login_attempt(runtime, email: str, ip: str, now: datetime.datetime) -> int:
    """Count one sign-in attempt per account from this address, and per address, and return the account's count;
    raise TooManyAttempts over either limit, or while an earlier failure's wait (login_failed) runs.

    Guessing one account's password is slowed and then stopped per address, and every address's attempts per
    window are limited. The counters are DynamoDB items with a TTL, not process memory: on Lambda every request
    may meet a different process. Attempts are counted before the password is checked, so guessing costs
    attempts; an attempt refused for its wait is not counted, so waiting as asked always gets a turn.
    """
    counters, window_end = _login_counters(runtime, email, ip, now)
    stamp = int(now.timestamp())
    retry_after, counts = 0, []
    for kind, digest, window, limit in counters:
        try:
            counts.append(runtime.accounts.count_attempt(kind, digest, window, window_end + LOGIN_WINDOW_SECONDS,
                                                         stamp))
        except MustWait as wait:
            retry_after = max(retry_after, wait.until - stamp)
            counts.append(0)
            continue
        if counts[-1] > limit:
            retry_after = max(retry_after, window_end - stamp)
    if retry_after:
        raise TooManyAttempts(retry_after)
    return counts[0]


def sign_in(runtime, email: str, password: str, ip: str, now: datetime.datetime) -> Account | None:
    """The account for these credentials, or None, with the attempt counted and a wrong password's wait set;
    raises TooManyAttempts (the password unchecked) while this account, from this address, or the address must
    wait."""
    attempts = count_login_attempt(runtime, email, ip, now)
    account = authenticate(runtime, email, password)
    if account is None:
        login_failed(runtime, email, ip, now, attempts)
    return account


def login_failed(runtime, email: str, ip: str, now: datetime.datetime, attempts: int) -> None:
    """A wrong password, the account's ``attempts``-th from this address in the window: past the free ones, the
    next attempt from here waits 1 s, then 2 s, 4 s and so on (to the window's end at most)."""
    beyond = attempts - runtime.settings.login_free_failures
    if beyond <= 0:
        return
    counters, _ = _login_counters(runtime, email, ip, now)
    kind, digest, window, _ = counters[0]
    wait = min(2 ** (beyond - 1), LOGIN_WINDOW_SECONDS)
    runtime.accounts.delay_attempts(kind, digest, window, int(now.timestamp()) + wait)


class AccountRefused(FieldProblem):
    """An account or team that cannot be made as asked; the message is for the field it names."""


def create_account(runtime, actor: Account | None, email: str, name: str, role: str, teams: list[str],
                   password: str) -> Account:
    """A new, active account with an argon2id hash of ``password``, in teams that exist. Refuses an e-mail that
    already has one. ``actor`` is the admin making it (audited); None for the first admin, made from the CLI."""
    email = email.strip().lower()
    if not _is_email_address(email):
        raise AccountRefused("email", "Enter an e-mail address like name@example.com.")
    if role not in ROLES:
        raise AccountRefused("role", f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < 12:
        raise AccountRefused("password", "Use a password of at least 12 characters.")
    unknown = sorted(set(teams) - {t.id for t in runtime.accounts.list_teams()})
    if role != ADMIN and unknown:
        raise AccountRefused("teams", f"No such team: {', '.join(unknown)}.")
    if runtime.accounts.get(email) is not None:
        raise AccountRefused("email", "There is already an account with that e-mail address.")
    account = Account(email=email, name=name.strip(), role=role, teams=[] if role == ADMIN else list(teams),
                      password_hash=hash_password(password))
    runtime.accounts.put(account)
    if actor is not None:
        audit.record(runtime, actor, "created", audit.account_subject(account.id), account.role)
    return account


def _is_email_address(email: str) -> bool:
    """A real address's shape (email_validator, no DNS): it becomes a key, which DynamoDB limits to 1 KB."""
    import email_validator  # loads its tables: only when an account is made

    try:
        email_validator.validate_email(email, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


def list_accounts(runtime) -> list[Account]:
    return runtime.accounts.list_accounts()


def list_teams(runtime) -> list[Team]:
    return runtime.accounts.list_teams()


def toggle_active(runtime, actor: Account, account_id: str, now_ms: int) -> Account | None:
    """Deactivate or reactivate an account; None when there is no such account. Deactivating ends every session
    signed in up to ``now_ms`` (wall-clock milliseconds), so reactivating later revives none of them; every
    request checks the account, so they stop at once. Two admins toggling at once change it once. An admin
    cannot deactivate themselves (AccountRefused)."""
    account = runtime.accounts.get_by_id(account_id)
    if account is None:
        return None
    if account.id == actor.id:
        raise AccountRefused("active", "You cannot deactivate your own account.")
    active = not account.active
    if not runtime.accounts.set_active(account, active, None if active else now_ms + 1):
        return runtime.accounts.get_by_id(account_id)  # someone else toggled it first: theirs stands
    audit.record(runtime, actor, "activated" if active else "deactivated", audit.account_subject(account.id))
    return runtime.accounts.get_by_id(account_id)


def create_team(runtime, actor: Account, team_id: str, name: str) -> Team:
    if team_id in {t.id for t in runtime.accounts.list_teams()}:
        raise AccountRefused("team_id", "There is already a team with that id.")
    team = Team(team_id, name.strip())
    runtime.accounts.put_team(team)
    audit.record(runtime, actor, "created", audit.team_subject(team.id))
    return team
