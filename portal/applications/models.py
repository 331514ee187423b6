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

# What an applicant reads about each stage: a plain word for where it stands and what happens next. Recruiters'
# own steps (screening by the pipeline, holding it) read as "Received": they are not news to the applicant.
# {days} is the employer's promise, settings.applicant_review_days.
APPLICANT_STAGES = {
    APPLIED: ("Received", "A recruiter reviews it within {days} days."),
    SCREENED: ("Received", "A recruiter reviews it within {days} days."),
    ON_HOLD: ("Received", "A recruiter is looking at it and will contact you if they need anything."),
    INTERVIEW: ("Interview", "A recruiter will contact you to arrange an interview."),
    OFFER: ("Offer", "We would like to offer you this job. A recruiter will contact you with the details."),
    HIRED: ("Hired", "Welcome! A recruiter will contact you about your first day."),
    REJECTED: ("Not selected", "We chose other applicants this time. You are welcome to apply for other jobs."),
    WITHDRAWN: ("Withdrawn", "You withdrew this application. Nothing more will happen with it."),
}

CONTACT_METHODS = {"email": "E-mail", "phone": "Phone call", "text": "Text message"}
MAX_POSTINGS_PER_SUBMISSION = 5

# What an applicant may share for matching and programmes (not self-ID data: see portal/selfid/).
CIRCUMSTANCES = {
    "military_spouse": "I am a military spouse or partner",
    "veteran": "I am a veteran",
    "student": "I am a student",
    "parent_carer": "I am a parent or carer",
}


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
    """What the applicant can work. The pipeline reads these by plain name (hours_min, start_date, ...)."""

    hours_min: int
    hours_max: int
    shifts: list[str]
    workplace: str
    start_date: str = ""  # earliest start, ISO date
    term_dates: dict = dataclasses.field(default_factory=dict)  # students: {"start": ISO, "end": ISO} of term time
    summer_only: bool = False  # students who can work only outside term
    max_commute_miles: int | None = None  # on-site roles: the longest commute acceptable
    # military_spouse, may_relocate, move_date (ISO), veteran, student, parent_carer (bools), accommodation (text)
    circumstances: dict = dataclasses.field(default_factory=dict)
    programmes: list[str] = dataclasses.field(default_factory=list)  # interest: tuition, apprenticeship, ...

    @classmethod
    def from_item(cls, item: dict) -> "Preferences":
        known = {f.name for f in dataclasses.fields(cls)}
        data = {k: v for k, v in item.items() if k in known}
        data["hours_min"], data["hours_max"] = int(data["hours_min"]), int(data["hours_max"])
        if data.get("max_commute_miles") is not None:
            data["max_commute_miles"] = int(data["max_commute_miles"])
        data["shifts"] = list(data.get("shifts", []))
        data["programmes"] = list(data.get("programmes", []))
        return cls(**data)


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
    rank: int = 1  # the applicant's order of preference among the postings of one submission (1 = first choice)
    distance_miles: int | None = None  # on-site and hybrid roles: from the applicant's ZIP code to the site
    resume_key: str = ""  # S3 key of the checked résumé, when one was uploaded (never the file's name)
    # When it became rejected or withdrawn: the retention period runs from then (portal/applications/retention.py).
    ended_at: str = ""
    # The appointment it holds, if any (portal/appointments): set and cleared only with the slot's seat, in one
    # transaction, so an application never holds two and a seat is never held by nobody.
    booking_id: str = ""
    booking_slot_id: str = ""

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS.get(self.stage, self.stage)

    def applicant_status(self, review_days: int) -> tuple[str, str]:
        """Where it stands and what happens next, in the applicant's words (APPLICANT_STAGES)."""
        label, next_step = APPLICANT_STAGES.get(self.stage, ("Received", "A recruiter reviews it soon."))
        return label, next_step.format(days=review_days)

    def to_item(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_item(cls, item: dict) -> "Application":
        return cls(
            id=item["id"],
            submission_id=item["submission_id"],
            posting_id=item["posting_id"],
            posting_title=item["posting_title"],
            team=item["team"],
            contact=Contact(**item["contact"]),
            location=Location(**item["location"]),
            preferences=Preferences.from_item(item["preferences"]),
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
            rank=int(item.get("rank", 1)),
            distance_miles=int(item["distance_miles"]) if item.get("distance_miles") is not None else None,
            resume_key=item.get("resume_key", ""),
            ended_at=item.get("ended_at", ""),
            booking_id=item.get("booking_id", ""),
            booking_slot_id=item.get("booking_slot_id", ""),
        )
