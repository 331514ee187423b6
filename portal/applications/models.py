"""The Application record and its stages."""
from __future__ import annotations

import dataclasses

# Stages change only through named service functions; the pipeline reacts to each change.
APPLIED, SCREENED, INTERVIEW, OFFER, HIRED = "applied", "screened", "interview", "offer", "hired"
REJECTED, WITHDRAWN, ON_HOLD = "rejected", "withdrawn", "on_hold"
STAGE_LABELS = {
    APPLIED: "Applied",
    SCREENED: "Screened",
    INTERVIEW: "Interview",
    OFFER: "Offer",
    HIRED: "Hired",
    REJECTED: "Not selected",
    WITHDRAWN: "Withdrawn",
    ON_HOLD: "On hold",
}

CONTACT_METHODS = {"email": "E-mail", "phone": "Phone call", "text": "Text message"}


@dataclasses.dataclass
class Contact:
    name: str
    email: str
    phone: str  # E.164
    preferred: str = "email"


@dataclasses.dataclass
class Location:
    zip: str
    state: str


@dataclasses.dataclass
class Preferences:
    hours_min: int
    hours_max: int
    shifts: list[str]
    workplace: str


@dataclasses.dataclass
class Application:
    id: str
    submission_id: str
    posting_id: str
    posting_title: str
    team: str
    contact: Contact
    location: Location
    preferences: Preferences
    stage: str = APPLIED
    created_at: str = ""
    updated_at: str = ""
    version: int = 1  # optimistic locking for stage moves
    # Set by the stream pipeline once it has screened the application (None/empty until then).
    score: int | None = None  # fit, 0 to 100
    fit_reasons: list[str] = dataclasses.field(default_factory=list)  # the score explained in words
    flags: list[str] = dataclasses.field(default_factory=list)  # e.g. military-spouse, veteran, student
    hold_reason: str = ""  # why it is on hold, when a hard requirement fails
    assignee: str | None = None  # e-mail of the recruiter whose queue holds it
    moved_by: str = ""  # who made the last stage move: an account e-mail, "pipeline" or "applicant"
    stage_reason: str = ""  # why, when the move needs a reason (rejection, hold)
    # Recruiters' annotations: plain attribute updates that do not bump the version (see portal/applications/notes.py).
    tags: list[str] = dataclasses.field(default_factory=list)
    rating: int | None = None  # 1 to 5

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    def to_item(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_item(cls, item: dict) -> "Application":
        prefs = dict(item["preferences"])
        prefs["hours_min"], prefs["hours_max"] = int(prefs["hours_min"]), int(prefs["hours_max"])
        return cls(
            id=item["id"],
            submission_id=item["submission_id"],
            posting_id=item["posting_id"],
            posting_title=item["posting_title"],
            team=item["team"],
            contact=Contact(**item["contact"]),
            location=Location(**item["location"]),
            preferences=Preferences(**prefs),
            stage=item["stage"],
            created_at=item["created_at"],
            updated_at=item["updated_at"],
            version=int(item["version"]),
            score=int(item["score"]) if item.get("score") is not None else None,
            fit_reasons=list(item.get("fit_reasons", [])),
            flags=list(item.get("flags", [])),
            hold_reason=item.get("hold_reason", ""),
            assignee=item.get("assignee"),
            moved_by=item.get("moved_by", ""),
            stage_reason=item.get("stage_reason", ""),
            tags=sorted(item.get("tags", [])),
            rating=int(item["rating"]) if item.get("rating") is not None else None,
        )
