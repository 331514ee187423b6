"""The portal's settings: defaults in code, overridden by `PORTAL_*` environment variables, then by the caller.

One frozen object, read by every part (the web app, the pipeline, the schedule, the CLI); nothing here needs Flask
or AWS. Secrets are not settings: the secret key's value or the name of its SSM parameter is, and the runtime
(portal/runtime.py) reads the parameter when something first needs the key.
"""
from __future__ import annotations

import dataclasses
import json
import os
from typing import Mapping

ENV_PREFIX = "PORTAL_"


@dataclasses.dataclass(frozen=True)
class Settings:
    stack_name: str = "portal-dev"
    aws_region: str = ""  # from AWS_REGION / AWS_DEFAULT_REGION, else us-east-1
    # Local mode: the embedded emulator, demo accounts allowed, cookies without Secure (plain http).
    local_mode: bool = False
    testing: bool = False
    # The web secret (sessions, CSRF, status links, cursors): its value, or on Lambda the SSM parameter holding it.
    secret_key: str = ""
    secret_key_parameter: str = ""
    # Links in e-mails (the status page) start with this; the deployment sets the site's https origin.
    public_base_url: str = "http://127.0.0.1:5000"
    # The SES identity the pipeline sends applicants' e-mail from (verified in SES; locally in the emulator).
    mail_from: str = "Flexwork Jobs <jobs@example.com>"
    page_size: int = 20
    session_idle_minutes: int = 30
    # How long a rendered form (and the résumé upload it carries) stays usable.
    form_time_limit_seconds: int = 4 * 3600
    # How often the stream trigger retries a failing record before dead-lettering it: the local poller
    # behaves like MaximumRetryAttempts of the event source mapping in infra/template.yaml (a test checks).
    pipeline_max_retry_attempts: int = 5
    # Local mode: how often the stream poller reads the emulator's stream, and the schedule's stand-in runs.
    pipeline_poll_seconds: float = 0.2
    expiry_interval_seconds: float = 60.0
    # Sign-in attempts allowed per 15 minutes, counted in DynamoDB (portal/accounts/services.py): per account
    # from one address, and per address. Past login_free_failures wrong passwords for one account from one
    # address, each further attempt waits twice as long as the one before (1 s, 2 s, 4 s ...).
    login_limit_per_account: int = 10
    login_limit_per_ip: int = 100
    login_free_failures: int = 3
    queue_page_size: int = 50
    export_max_rows: int = 10_000
    resume_link_seconds: int = 120
    # Spam defence without puzzles: a form sent back faster than this is refused (and kept), and
    # submissions are counted per IP address an hour and per e-mail address a day, in DynamoDB.
    apply_min_fill_seconds: float = 3
    apply_limit_per_ip_hour: int = 20
    apply_limit_per_email_day: int = 10
    # Résumé uploads started per IP address an hour (each may put 5 MB in the bucket until it expires).
    resume_uploads_per_ip_hour: int = 20
    # How long applications are kept, as the privacy notice on the form says: the retention schedule erases
    # rejected and withdrawn ones this many months after they became so (portal/applications/retention.py).
    retention_months: int = 24
    # Unfinished applications (saved step by step) are deleted this many days after they were last saved: long
    # enough to come back from the e-mailed link, short, because nobody chose to send them (DynamoDB TTL).
    unfinished_retention_days: int = 30
    # "Finish later" e-mails one unfinished application may ask for, and applications one address may start an hour.
    finish_later_links: int = 3
    # How old this process's read of a posting may be for the apply steps to show it again without reading it:
    # edits and closing reach the pages within this time (and at once in the process that made them).
    posting_reuse_seconds: int = 30
    apply_limit_drafts_per_ip_hour: int = 30
    # The employer's promise to applicants, shown on their status page: a recruiter reviews a new application
    # within this many days.
    applicant_review_days: int = 3
    # The employer's words on the public site (home sections, benefits and military pages, the hours a week from
    # which benefits start): the path of its JSON file; empty for the demo employer's (portal/site/employer.py).
    employer_content: str = ""
    # Named after the stack unless set: the tables, buckets and the stream's dead-letter queue (infra/template.yaml).
    main_table: str = ""
    selfid_table: str = ""
    site_bucket: str = ""
    resume_bucket: str = ""
    pipeline_dlq_name: str = ""
    pipeline_dlq_url: str = ""  # looked up from the name on first use when empty (portal/runtime.py)

    def __post_init__(self):
        derived = {
            "aws_region": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
            "main_table": f"{self.stack_name}-main",
            "selfid_table": f"{self.stack_name}-selfid",
            "site_bucket": f"{self.stack_name}-site",
            "resume_bucket": f"{self.stack_name}-resumes",
            "pipeline_dlq_name": f"{self.stack_name}-pipeline-dlq",
        }
        for name, value in derived.items():
            if not getattr(self, name):
                object.__setattr__(self, name, value)

    @classmethod
    def load(cls, overrides: Mapping | None = None, environ: Mapping | None = None) -> "Settings":
        """Defaults, then every `PORTAL_<NAME>` variable, then ``overrides`` (names in either case).

        A variable's value is read as JSON when it is JSON (``true``, ``7``, ``0.2``) and as text otherwise, as
        Flask's ``from_prefixed_env`` does; an override naming no setting is an error, so a typo cannot pass.
        """
        environ = os.environ if environ is None else environ
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values = {}
        for name in fields:
            raw = environ.get(ENV_PREFIX + name.upper())
            if raw is not None:
                values[name] = _coerce(fields[name], _from_text(raw))
        for name, value in (overrides or {}).items():
            key = name.lower()
            if key not in fields:
                raise TypeError(f"{name} is not a setting of the portal (see portal/settings.py)")
            values[key] = _coerce(fields[key], value)
        return cls(**values)


def _from_text(raw: str):
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _coerce(field: dataclasses.Field, value):
    kind = type(field.default)
    if kind is bool:
        return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
    if kind in (int, float) and not isinstance(value, bool):
        return kind(value)
    if kind is str:
        return "" if value is None else str(value)
    return value
