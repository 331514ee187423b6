"""Key formats of the main table, and the table of every access pattern and the key or index that serves it.

All entities share one table (``<stack>-main``) with generic keys ``pk``/``sk`` and generic GSIs
(``gsi1`` .. ``gsi16``, each ``gsiNpk``/``gsiNsk``). Every request path is a GetItem or a Query; nothing on a
request path scans. gsi5 .. gsi16 are sparse filter indexes of the triage queues: each filter of a queue (posting,
state, hours, one shift, one flag) is a key condition on one of them; a page that combines filters queries the
most selective one and applies the rest as a filter expression, topping the page up within a bounded number of reads.

=====================================  =========  ======================================  =============================
Access pattern                         Operation  Key condition                           Served by
=====================================  =========  ======================================  =============================
Posting by id                          GetItem    pk=POSTING#<id>, sk=POSTING             table
Published postings, newest first       Query      gsi1pk=POSTINGS#published, desc         gsi1 (sparse: published only)
Postings of a team, newest first       Query      gsi2pk=TEAM#<team>#POSTINGS, desc       gsi2
Application by id                      GetItem    pk=APP#<id>, sk=APP                     table
Applications of a team, newest first   Query      gsi1pk=TEAM#<team>#APPS, desc           gsi1
Team queue in one stage, newest first  Query      gsi2pk=TEAM#<team>#STAGE#<stage>, desc  gsi2
My queue (open, assigned), newest      Query      gsi3pk=ASSIGNEE#<email>, desc           gsi3 (sparse: open only)
Team queue in one stage, best fit      Query      gsi4pk=TEAM#<team>#FIT#<stage>, desc    gsi4 (sparse: scored, open)
Stage history of an application        Query      pk=APP#<id>, sk begins_with HISTORY#    table
Team queue in a stage, one posting     Query      gsi5pk=POSTING#<id>#STAGE#<stage>       gsi5
Team queue in a stage, one state       Query      gsi6pk=TEAM#<t>#STAGE#<s>#STATE#<st>    gsi6
Team queue in a stage, min. hours      Query      gsi7pk=TEAM#<t>#HOURS#<s>, sk >= <h>    gsi7
Team queue in a stage, one shift       Query      gsiNpk=TEAM#<t>#STAGE#<s>#SHIFT#<x>     gsi8..gsi12, one per shift
Team queue in a stage, one flag        Query      gsiNpk=TEAM#<t>#STAGE#<s>#FLAG#<f>      gsi13..gsi16, one per flag
Fit score range (best fit first)       Query      gsi4pk=..#FIT#<stage>, sk between       gsi4
Date received, in any queue above      Query      sk (a ULID) between <from>, <to>        that queue's index
Counters of a posting, team or member  GetItem    pk=COUNTS#<scope>, sk=COUNTS            table
Notes of an application, oldest first  Query      pk=APP#<id>, sk begins_with NOTE#       table
Audit log of an application, newest    Query      pk=AUDIT#APP#<id>, desc                 table
Audit log of one account, newest       Query      gsi1pk=AUDIT#ACCOUNT#<account id>       gsi1
Accounts; account by its opaque id     Query      gsi1pk=ACCOUNTS (, gsi1sk=<id>)         gsi1
Sign-in attempts per account or IP     Update     pk=LOGIN#<kind>#<hash>#<window>         table (TTL expires_at)
Status page of a submission            GetItem    pk=STATUS#<sha256 of token>, sk=STATUS  table
Submission (idempotency of a POST)     GetItem    pk=SUBMISSION#<token>, sk=SUBMISSION    table
Unfinished application (a draft)       Get/Upd    pk=DRAFT#<draft id>, sk=DRAFT           table (TTL expires_at)
Account by e-mail                      GetItem    pk=ACCOUNT#<email>, sk=ACCOUNT          table
Teams                                  Query      gsi1pk=TEAMS                            gsi1
Members of a team (with their load)    Query      pk=TEAM#<team>, sk begins_with MEMBER#  table
Pipeline effect done (idempotency)     Put, cond  pk=EFFECT#<scope>, sk=<effect>          table (TTL expires_at)
Site manifest (pages, chunks)          GetItem    pk=SITE#MANIFEST, sk=SITE               table
Site listing page members              GetItem    pk=SITE#LIST#<name>, sk=PAGE#<n>        table
Site publish lock                      Put, cond  pk=SITE#LOCK, sk=SITE                   table
Site placement of a posting            GetItem    pk=SITE#PLACED#<id>, sk=SITE            table
Site feeds: publishes since built      Update     pk=SITE#FEEDS, sk=SITE                  table
Submissions from one IP or e-mail      Update     pk=RATE#<kind>#<hmac>#<window>          table (TTL expires_at)
EEO counts of a team (self-ID)         GetItem    pk=COUNTS#EEO#<team>, sk=COUNTS         table
Self-ID answers of a submission        Put/Del    pk=SELFID#<submission id>               selfid table
Erasures of one month (audit)          Query      pk=ERASURES#<yyyy-mm>                   table
Rejected or withdrawn before a time    Query      gsi3pk=RETENTION#ENDED, sk < <time>     gsi3 (sparse: those only)
Résumés still to delete (erasures)     Query      pk=RESUMES#ERASING                      table
Last run of the retention schedule     GetItem    pk=RETENTION#RUN, sk=RETENTION          table
Appointment slot by id                 GetItem    pk=SLOT#<id>, sk=SLOT                   table
Slots of a posting or site, by start   Query      gsi1pk=SLOTS#<scope>, sk >= <time>      gsi1
Roster of a slot (its bookings)        Query      pk=SLOT#<id>, sk begins_with BOOKED#    table
=====================================  =========  ======================================  =============================

Sort keys that list things newest first are ULIDs (or ``<date>#<id>``), so lexical order is time order.

An application carries the index attributes of its current state, always written together through
``application_queue_keys`` (by the pipeline when it routes, and by every stage move), so the queues never disagree.

gsi3 is overloaded: an open application sits there under its assignee ("my queue"), a rejected or withdrawn one
under ``RETENTION#ENDED`` sorted by when it became so, which is how the retention schedule
(portal/applications/retention.py) finds what to erase without a Scan. The two never meet: an application is
either open or ended. Applications that ended before that index attribute existed lack it (see the retention
module's docstring).
"""
import hashlib
import hmac

POSTING_SK = "POSTING"
APPLICATION_SK = "APP"
SUBMISSION_SK = "SUBMISSION"
DRAFT_SK = "DRAFT"
ACCOUNT_SK = "ACCOUNT"
TEAM_SK = "TEAM"

PUBLISHED_POSTINGS = "POSTINGS#published"
TEAMS = "TEAMS"


def posting(posting_id: str) -> dict:
    return {"pk": f"POSTING#{posting_id}", "sk": POSTING_SK}


def published_posting_index(date_posted: str, posting_id: str) -> dict:
    return {"gsi1pk": PUBLISHED_POSTINGS, "gsi1sk": f"{date_posted}#{posting_id}"}


def team_postings_index(team: str, date_posted: str, posting_id: str) -> dict:
    return {"gsi2pk": f"TEAM#{team}#POSTINGS", "gsi2sk": f"{date_posted}#{posting_id}"}


def application(application_id: str) -> dict:
    return {"pk": f"APP#{application_id}", "sk": APPLICATION_SK}


def team_applications_partition(team: str) -> str:
    return f"TEAM#{team}#APPS"


def team_applications_index(team: str, application_id: str) -> dict:
    return {"gsi1pk": team_applications_partition(team), "gsi1sk": application_id}


def submission(token: str) -> dict:
    return {"pk": f"SUBMISSION#{token}", "sk": SUBMISSION_SK}


def draft(draft_id: str) -> dict:
    return {"pk": f"DRAFT#{draft_id}", "sk": DRAFT_SK}


def account(email: str) -> dict:
    return {"pk": f"ACCOUNT#{email.lower()}", "sk": ACCOUNT_SK}


def team_member(team_id: str, email: str) -> dict:
    """One item per (team, account): who can be assigned a team's applications, and how many they hold."""
    return {"pk": f"TEAM#{team_id}", "sk": f"MEMBER#{email.lower()}"}


MEMBER_PREFIX = "MEMBER#"


def team(team_id: str) -> dict:
    return {"pk": f"TEAM#{team_id}", "sk": TEAM_SK, "gsi1pk": TEAMS, "gsi1sk": team_id}


OPEN_STAGES = ("applied", "screened", "interview", "offer", "on_hold")  # still in somebody's queue
# Erased by the retention schedule once the configured period has passed since they became so.
RETENTION_STAGES = ("rejected", "withdrawn")
RETENTION_INDEX = "gsi3"
RETENTION_PARTITION = "RETENTION#ENDED"


def retention_index(ended_at: str, application_id: str) -> dict:
    """A rejected or withdrawn application in gsi3 (overloaded; see above), ordered by when it became so, so that
    "ended before the cut-off" is one range of the sort key. One partition: its write rate is the rate of
    rejections and withdrawals, far below what one index partition takes."""
    return {"gsi3pk": RETENTION_PARTITION, "gsi3sk": f"{ended_at}#{application_id}"}

# Filter indexes of the triage queues. Shifts and flags are lists, and an item sits in one partition per index,
# so each shift and each flag has its own sparse index (an application is in the ones it has).
POSTING_INDEX, STATE_INDEX, HOURS_INDEX = "gsi5", "gsi6", "gsi7"
SHIFT_INDEXES = {"early": "gsi8", "day": "gsi9", "evening": "gsi10", "night": "gsi11", "weekend": "gsi12"}
FLAG_INDEXES = {"military-spouse": "gsi13", "veteran": "gsi14", "student": "gsi15", "accommodation": "gsi16"}
QUEUE_INDEX_ATTRIBUTES = tuple(f"gsi{n}{part}" for n in range(1, 17) for part in ("pk", "sk"))


def application_queue_keys(team: str, stage: str, assignee: str | None, score: int | None, application_id: str,
                           *, posting_id: str | None = None, state: str | None = None, hours_max: int | None = None,
                           shifts=(), flags=(), ended_at: str = "") -> dict:
    """The index attributes an application holds in this state; the ones missing from the result must be REMOVEd.

    gsi1: all of a team's applications. gsi2: the team's queue per stage. gsi3 ("my queue") only while the
    application is open and assigned; gsi4 (best fit first) only while it is open and scored. Withdrawn, rejected
    and hired applications thus leave the working queues but stay findable by stage. gsi5 .. gsi16: the filter
    indexes, per stage, from what the applicant answered (posting, state, most hours, shifts) and the pipeline's
    flags; pass them all (``portal.applications.stages.application_index_keys`` does) or they are removed.
    gsi3 again, for the retention schedule, while the application is rejected or withdrawn: ``ended_at`` is when.
    """
    keys = {**team_applications_index(team, application_id),
            "gsi2pk": f"TEAM#{team}#STAGE#{stage}", "gsi2sk": application_id}
    if stage in OPEN_STAGES and assignee:
        keys.update(gsi3pk=assignee_partition(assignee), gsi3sk=application_id)
    if stage in RETENTION_STAGES and ended_at:
        keys.update(retention_index(ended_at, application_id))
    if stage in OPEN_STAGES and score is not None:
        keys.update(gsi4pk=f"TEAM#{team}#FIT#{stage}", gsi4sk=f"{int(score):03d}#{application_id}")
    if posting_id:
        keys.update(gsi5pk=posting_stage_partition(posting_id, stage), gsi5sk=application_id)
    if state:
        keys.update(gsi6pk=team_state_partition(team, stage, state), gsi6sk=application_id)
    if hours_max is not None:
        keys.update(gsi7pk=team_hours_partition(team, stage), gsi7sk=f"{hours_sort_prefix(hours_max)}#{application_id}")
    for shift in shifts:
        if shift in SHIFT_INDEXES:
            index = SHIFT_INDEXES[shift]
            keys.update({f"{index}pk": team_shift_partition(team, stage, shift), f"{index}sk": application_id})
    for flag in flags:
        if flag in FLAG_INDEXES:
            index = FLAG_INDEXES[flag]
            keys.update({f"{index}pk": team_flag_partition(team, stage, flag), f"{index}sk": application_id})
    return keys


def posting_stage_partition(posting_id: str, stage: str) -> str:
    return f"POSTING#{posting_id}#STAGE#{stage}"


def team_state_partition(team: str, stage: str, state: str) -> str:
    return f"TEAM#{team}#STAGE#{stage}#STATE#{state}"


def team_hours_partition(team: str, stage: str) -> str:
    return f"TEAM#{team}#HOURS#{stage}"


def hours_sort_prefix(hours: int) -> str:
    """Two digits, so that "at least N hours" is a range of the sort key."""
    return f"{max(0, min(99, int(hours))):02d}"


def team_shift_partition(team: str, stage: str, shift: str) -> str:
    return f"TEAM#{team}#STAGE#{stage}#SHIFT#{shift}"


def team_flag_partition(team: str, stage: str, flag: str) -> str:
    return f"TEAM#{team}#STAGE#{stage}#FLAG#{flag}"


def team_stage_partition(team: str, stage: str) -> str:
    return f"TEAM#{team}#STAGE#{stage}"


def team_fit_partition(team: str, stage: str) -> str:
    return f"TEAM#{team}#FIT#{stage}"


def assignee_partition(email: str) -> str:
    return f"ASSIGNEE#{email.lower()}"


HISTORY_PREFIX = "HISTORY#"


def application_history(application_id: str, version: int) -> dict:
    """One append-only item per stage transition; the application's version makes it unique (and idempotent)."""
    return {"pk": f"APP#{application_id}", "sk": f"{HISTORY_PREFIX}{int(version):06d}"}


def counters(scope: str) -> dict:
    """Atomic counters of one scope: ``POSTING#<id>``, ``TEAM#<team>`` or ``MEMBER#<team>#<email>``."""
    return {"pk": f"COUNTS#{scope}", "sk": "COUNTS"}


STATUS_SK = "STATUS"


def status(token_hash: str) -> dict:
    """The private status page of one submission, found by the hash of its token (the token is never stored)."""
    return {"pk": f"STATUS#{token_hash}", "sk": STATUS_SK}


def pipeline_effect(scope: str, effect: str) -> dict:
    """Marks one side effect of the stream pipeline as done, so a redelivered record does not repeat it.

    ``scope`` names what the effect is about (``APP#<id>``, ``SUBMISSION#<id>``), ``effect`` which effect
    (``counted#v3``, ``mail#v3``, ``mail#confirmation``). Written conditionally (attribute_not_exists), with an
    ``expires_at`` TTL well past the stream's 24-hour retention, after which no redelivery can come.
    """
    return {"pk": f"EFFECT#{scope}", "sk": effect}


# The public site's bookkeeping (portal/site): which page and search chunk each listed posting sits in, so an
# incremental publish rewrites only those, whatever the number of postings. Items carry entity "site".
SITE_SK = "SITE"


def site_manifest() -> dict:
    """The newest page of every listing and the newest search chunk."""
    return {"pk": "SITE#MANIFEST", "sk": SITE_SK}


def site_listing_page(listing: str, number: int) -> dict:
    return {"pk": f"SITE#LIST#{listing}", "sk": f"PAGE#{int(number):06d}"}


def site_lock() -> dict:
    """Held while one publish reads and rewrites the site's shared pages, so two publishes never interleave."""
    return {"pk": "SITE#LOCK", "sk": SITE_SK}


def site_feeds() -> dict:
    """How many publishes there were, and how many of them the complete feeds (Indeed's) were last built from."""
    return {"pk": "SITE#FEEDS", "sk": SITE_SK}


def site_placement(posting_id: str) -> dict:
    return {"pk": f"SITE#PLACED#{posting_id}", "sk": SITE_SK}


NOTE_PREFIX = "NOTE#"


def application_note(application_id: str, note_id: str) -> dict:
    """One append-only note on an application; ``note_id`` is a ULID, so notes list in the order they were written."""
    return {"pk": f"APP#{application_id}", "sk": f"{NOTE_PREFIX}{note_id}"}


ACCOUNTS = "ACCOUNTS"


def account_index(account_id: str) -> dict:
    """Lists accounts for admins and finds one by its opaque id (used in URLs and audit keys instead of the e-mail)."""
    return {"gsi1pk": ACCOUNTS, "gsi1sk": account_id}


def audit_partition(subject: str) -> str:
    """``subject`` is ``APP#<application id>``, ``POSTING#<posting id>`` or ``ACCOUNT#<account id>``: ids only."""
    return f"AUDIT#{subject}"


def audit_entry(subject: str, entry_id: str, account_id: str) -> dict:
    """One append-only audit entry on a subject, also listed under the account that acted (gsi1).

    ``entry_id`` is a ULID (time order). Only opaque ids appear in the keys, never an e-mail or a name.
    """
    return {"pk": audit_partition(subject), "sk": entry_id,
            "gsi1pk": audit_account_partition(account_id), "gsi1sk": entry_id}


def audit_account_partition(account_id: str) -> str:
    return f"AUDIT#ACCOUNT#{account_id}"


def login_attempts(kind: str, identity_hash: str, window: str) -> dict:
    """Sign-in attempts from one account (``kind`` "account") or IP address ("ip") in one time window.

    ``identity_hash`` is a keyed hash, so neither the e-mail nor the IP address is stored; the item expires by TTL.
    """
    return {"pk": f"LOGIN#{kind}#{identity_hash}#{window}", "sk": "LOGIN"}


def identity_hash(secret_key: str, identity: str) -> str:
    """The keyed hash of who is counted (``identity``: a purpose, then an IP or e-mail address) that the
    counters' keys carry, so a stored key cannot be reversed into an address by hashing guesses."""
    return hmac.new(secret_key.encode(), identity.encode(), hashlib.sha256).hexdigest()[:32]


def rate_limit(kind: str, identity_hash: str, window: str) -> dict:
    """A counter of submissions from one IP or e-mail (``kind``) in one time window; expires by TTL (expires_at).

    ``identity_hash`` is a keyed hash, so neither the IP address nor the e-mail address is ever stored.
    """
    return {"pk": f"RATE#{kind}#{identity_hash}#{window}", "sk": "RATE"}


def selfid(submission_id: str) -> dict:
    """The voluntary self-identification answers of one submission, in the separate self-ID table."""
    return {"pk": f"SELFID#{submission_id}"}


def erasure_audit(month: str, submission_id: str, application_id: str = "") -> dict:
    """The record that a submission's data was erased (at the applicant's request, or by the retention schedule);
    it holds no personal data. With ``application_id``: one application erased while others of the submission stay."""
    return {"pk": f"ERASURES#{month}", "sk": f"{submission_id}#{application_id}" if application_id else submission_id}


RESUMES_ERASING = "RESUMES#ERASING"


def resume_erasing(resume_key: str) -> dict:
    """A résumé whose submission is erased, written in the erasure's transaction and deleted once the S3 object
    is: an erasure interrupted between the two is finished by the next retention run."""
    return {"pk": RESUMES_ERASING, "sk": resume_key}


def retention_run() -> dict:
    """When the retention schedule last ran, and what it erased (shown to admins)."""
    return {"pk": "RETENTION#RUN", "sk": "RETENTION"}


# Appointment slots (portal/appointments): a slot's seats left are an attribute of the slot item, taken and given
# back by conditional writes; each booking is an item in the slot's partition, so the roster is one Query.
SLOT_SK = "SLOT"
BOOKED_PREFIX = "BOOKED#"


def slot(slot_id: str) -> dict:
    return {"pk": f"SLOT#{slot_id}", "sk": SLOT_SK}


def slot_scope_index(scope: str, starts_at: str, slot_id: str) -> dict:
    """``scope`` is ``POSTING#<id>`` or ``SITE#<team>#<site>``; ``starts_at`` UTC ISO, so the sort is time order."""
    return {"gsi1pk": f"SLOTS#{scope}", "gsi1sk": f"{starts_at}#{slot_id}"}


def booking(slot_id: str, application_id: str) -> dict:
    """One application's place on one slot's roster."""
    return {"pk": f"SLOT#{slot_id}", "sk": f"{BOOKED_PREFIX}{application_id}"}
