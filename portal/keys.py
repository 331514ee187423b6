"""Key formats of the main table, and the table of every access pattern and the key or index that serves it.

All entities share one table (``<stack>-main``) with generic keys ``pk``/``sk`` and four generic GSIs
(``gsi1`` .. ``gsi4``, each ``gsiNpk``/``gsiNsk``). Every request path is a GetItem or a Query; nothing on a
request path scans.

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
Counters of a posting, team or member  GetItem    pk=COUNTS#<scope>, sk=COUNTS            table
Status page of a submission            GetItem    pk=STATUS#<sha256 of token>, sk=STATUS  table
Submission (idempotency of a POST)     GetItem    pk=SUBMISSION#<token>, sk=SUBMISSION    table
Account by e-mail                      GetItem    pk=ACCOUNT#<email>, sk=ACCOUNT          table
Teams                                  Query      gsi1pk=TEAMS                            gsi1
Members of a team (with their load)    Query      pk=TEAM#<team>, sk begins_with MEMBER#  table
Pipeline effect done (idempotency)     Put, cond  pk=EFFECT#<scope>, sk=<effect>          table (TTL expires_at)
Site manifest (pages, chunks)          GetItem    pk=SITE#MANIFEST, sk=SITE               table
Site listing page members              GetItem    pk=SITE#LIST#<name>, sk=PAGE#<n>        table
Site search chunk members              GetItem    pk=SITE#SEARCH, sk=CHUNK#<n>            table
Site placement of a posting            GetItem    pk=SITE#PLACED#<id>, sk=SITE            table
=====================================  =========  ======================================  =============================

Sort keys that list things newest first are ULIDs (or ``<date>#<id>``), so lexical order is time order.

An application carries the index attributes of its current state, always written together through
``application_queue_keys`` (by the pipeline when it routes, and by every stage move), so the queues never disagree.
"""

POSTING_SK = "POSTING"
APPLICATION_SK = "APP"
SUBMISSION_SK = "SUBMISSION"
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


def account(email: str) -> dict:
    return {"pk": f"ACCOUNT#{email.lower()}", "sk": ACCOUNT_SK}


def team_member(team_id: str, email: str) -> dict:
    """One item per (team, account): who can be assigned a team's applications, and how many they hold."""
    return {"pk": f"TEAM#{team_id}", "sk": f"MEMBER#{email.lower()}"}


MEMBER_PREFIX = "MEMBER#"


def team(team_id: str) -> dict:
    return {"pk": f"TEAM#{team_id}", "sk": TEAM_SK, "gsi1pk": TEAMS, "gsi1sk": team_id}


OPEN_STAGES = ("applied", "screened", "interview", "offer", "on_hold")  # still in somebody's queue
QUEUE_INDEX_ATTRIBUTES = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk", "gsi4pk", "gsi4sk")


def application_queue_keys(team: str, stage: str, assignee: str | None, score: int | None, application_id: str) -> dict:
    """The index attributes an application holds in this state; the ones missing from the result must be REMOVEd.

    gsi1: all of a team's applications. gsi2: the team's queue per stage. gsi3 ("my queue") only while the
    application is open and assigned; gsi4 (best fit first) only while it is open and scored. Withdrawn, rejected
    and hired applications thus leave the working queues but stay findable by stage.
    """
    keys = {**team_applications_index(team, application_id),
            "gsi2pk": f"TEAM#{team}#STAGE#{stage}", "gsi2sk": application_id}
    if stage in OPEN_STAGES and assignee:
        keys.update(gsi3pk=assignee_partition(assignee), gsi3sk=application_id)
    if stage in OPEN_STAGES and score is not None:
        keys.update(gsi4pk=f"TEAM#{team}#FIT#{stage}", gsi4sk=f"{int(score):03d}#{application_id}")
    return keys


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


def status(token_hash: str) -> dict:
    """The private status page of one submission, found by the hash of its token (the token is never stored)."""
    return {"pk": f"STATUS#{token_hash}", "sk": "STATUS"}


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
SITE_SEARCH = "SITE#SEARCH"


def site_manifest() -> dict:
    """The newest page of every listing and the newest search chunk."""
    return {"pk": "SITE#MANIFEST", "sk": SITE_SK}


def site_listing_page(listing: str, number: int) -> dict:
    return {"pk": f"SITE#LIST#{listing}", "sk": f"PAGE#{int(number):06d}"}


def site_search_chunk(number: int) -> dict:
    return {"pk": SITE_SEARCH, "sk": f"CHUNK#{int(number):06d}"}


def site_placement(posting_id: str) -> dict:
    return {"pk": f"SITE#PLACED#{posting_id}", "sk": SITE_SK}
