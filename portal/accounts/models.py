"""The Account and Team records and the roles an account can have."""
from __future__ import annotations

import dataclasses

from ulid import ULID

ADMIN, RECRUITER = "admin", "recruiter"
ROLES = {ADMIN: "Admin", RECRUITER: "Recruiter"}


@dataclasses.dataclass
class Account:
    email: str
    name: str
    role: str
    teams: list[str]
    password_hash: str
    active: bool = True
    # Demo accounts exist only for local mode and are refused anywhere else.
    demo: bool = False
    # Opaque and stable: what URLs and audit keys use instead of the e-mail address.
    id: str = dataclasses.field(default_factory=lambda: str(ULID()))
    # Sessions signed in before this moment (epoch milliseconds) are over: signing out sets it, because a
    # signed session cookie cannot be taken back, only refused.
    sessions_valid_from: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def works_for(self, team: str) -> bool:
        """Whether this account may see and change the team's postings and applications (admins: every team)."""
        return self.is_admin or team in self.teams

    def to_item(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_item(cls, item: dict) -> "Account":
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in item.items() if k in fields})


@dataclasses.dataclass
class Team:
    id: str
    name: str
