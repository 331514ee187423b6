"""Key formats of the main table, and the table of every access pattern and the key or index that serves it.

All entities share one table (``<stack>-main``) with generic keys ``pk``/``sk`` and two generic GSIs
(``gsi1``: ``gsi1pk``/``gsi1sk``, ``gsi2``: ``gsi2pk``/``gsi2sk``). Every request path is a GetItem or a
Query; nothing on a request path scans.

=====================================  =========  ======================================  =============================
Access pattern                         Operation  Key condition                           Served by
=====================================  =========  ======================================  =============================
Posting by id                          GetItem    pk=POSTING#<id>, sk=POSTING             table
Published postings, newest first       Query      gsi1pk=POSTINGS#published, desc         gsi1 (sparse: published only)
Postings of a team, newest first       Query      gsi2pk=TEAM#<team>#POSTINGS, desc       gsi2
Application by id                      GetItem    pk=APP#<id>, sk=APP                     table
Applications of a team, newest first   Query      gsi1pk=TEAM#<team>#APPS, desc           gsi1
Submission (idempotency of a POST)     GetItem    pk=SUBMISSION#<token>, sk=SUBMISSION    table
Account by e-mail                      GetItem    pk=ACCOUNT#<email>, sk=ACCOUNT          table
Teams                                  Query      gsi1pk=TEAMS                            gsi1
Members of a team (with their load)    Query      pk=TEAM#<team>, sk begins_with MEMBER#  table
=====================================  =========  ======================================  =============================

Sort keys that list things newest first are ULIDs (or ``<date>#<id>``), so lexical order is time order.
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
