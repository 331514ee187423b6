"""Rules for accounts: password hashing (argon2id) and signing in."""
from __future__ import annotations

import datetime
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal import keys
from portal.accounts.models import ADMIN, ROLES, Account
from portal.accounts.repository import AccountRepository

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so a missing account takes as long as a wrong password.

    Made on first use, not at import: one argon2id hash takes a few hundred milliseconds, which every Lambda
    cold start would pay otherwise.
    """
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def authenticate(repo: AccountRepository, email: str, password: str, *, local_mode: bool) -> Account | None:
    """The account for these credentials, or None. Demo accounts are refused outside local mode."""
    account = repo.get(email.strip().lower())
    try:
        _hasher.verify(account.password_hash if account else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return account if account is not None and may_sign_in(account, local_mode=local_mode) else None


def may_sign_in(account: Account, *, local_mode: bool) -> bool:
    """Active, and not a demo account outside local mode."""
    return account.active and (local_mode or not account.demo)


class TooManyAttempts(Exception):
    """Too many sign-in attempts for this account or from this address in the current window."""


LOGIN_WINDOW_SECONDS = 15 * 60


def count_login_attempt(repo: AccountRepository, secret_key: str, email: str, ip: str, now: datetime.datetime,
                        *, per_account: int, per_ip: int) -> None:
    """Count one sign-in attempt per account and per IP address; raise TooManyAttempts over either limit.

    The counters are DynamoDB items with a TTL, not process memory: on Lambda every request may meet a
    different process. Attempts are counted before the password is checked, so guessing costs attempts.
    """
    window = int(now.timestamp()) // LOGIN_WINDOW_SECONDS
    expires_at = (window + 2) * LOGIN_WINDOW_SECONDS
    over = False
    for kind, value, limit in (("account", email.strip().lower(), per_account), ("ip", ip or "unknown", per_ip)):
        digest = keys.identity_hash(secret_key, f"login:{kind}:{value}")
        if repo.count_attempt(kind, digest, str(window), expires_at) > limit:
            over = True
    if over:
        raise TooManyAttempts()


def create_account(repo: AccountRepository, email: str, name: str, role: str, teams: list[str], password: str) -> Account:
    """A new, active account with an argon2id hash of ``password``. Refuses an e-mail that already has one."""
    email = email.strip().lower()
    if role not in ROLES:
        raise ValueError(f"The role must be one of: {', '.join(ROLES)}.")
    if len(password) < 12:
        raise ValueError("Use a password of at least 12 characters.")
    if repo.get(email) is not None:
        raise ValueError("There is already an account with that e-mail address.")
    account = Account(email=email, name=name.strip(), role=role, teams=[] if role == ADMIN else list(teams),
                      password_hash=hash_password(password))
    repo.put(account)
    return account
