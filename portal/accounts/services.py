"""Rules for accounts: password hashing (argon2id) and signing in."""
from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.accounts.models import Account
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
