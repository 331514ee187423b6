"""The composition root: from settings alone, the portal's AWS clients, stores, mailer and templates. No Flask.

The web app (portal/web), the stream pipeline (portal/pipeline), the schedule (portal/lambda_entry.py) and the
CLI (portal/cli.py) each start from one ``Runtime``; nothing else knows how the parts fit together. Every part is
made on first use and then kept, so a process pays only for what its path needs (a Lambda cold start that
handles a stream batch never builds the résumé store, and one that shows /healthz builds nothing).
"""
from __future__ import annotations

import functools
import importlib
import secrets
from pathlib import Path

from portal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


def _on_main_table(module: str, name: str) -> functools.cached_property:
    """A repository handed the main table, its module imported and the repository made on first use, then kept."""

    def make(runtime: "Runtime"):
        return getattr(importlib.import_module(module), name)(runtime.main_table)

    return functools.cached_property(make)


class Runtime:
    def __init__(self, settings: Settings, aws=None):
        from portal.aws import AwsClients

        self.settings = settings
        self.aws = aws or AwsClients(settings.aws_region)

    @classmethod
    def from_environment(cls, overrides: dict | None = None) -> "Runtime":
        return cls(Settings.load(overrides))

    def client(self, service: str):
        return self.aws.client(service)

    # --- secrets and looked-up names ---------------------------------------------------------------------------

    @functools.cached_property
    def secret_key(self) -> str:
        """The web secret: configured, or read once from SSM (a Lambda container's cold start), or, in local mode
        and tests only, made fresh for this process so that no secret ever sits in a file."""
        from portal.parameters import MissingSecret, read_secret

        cfg = self.settings
        if cfg.secret_key:
            return cfg.secret_key
        if cfg.secret_key_parameter:
            return read_secret(self.client("ssm"), cfg.secret_key_parameter)
        if cfg.local_mode or cfg.testing:
            return secrets.token_hex(32)
        raise MissingSecret("Neither PORTAL_SECRET_KEY nor PORTAL_SECRET_KEY_PARAMETER is set; the portal will not "
                            "start without a secret outside local mode.")

    @functools.cached_property
    def dead_letter_queue_url(self) -> str:
        """The stream's dead-letter queue, looked up by name on first use: only the code that uses it (the pipeline,
        the local poller, `flask pipeline replay-dlq`) needs the permission."""
        if self.settings.pipeline_dlq_url:
            return self.settings.pipeline_dlq_url
        sqs = self.client("sqs")
        try:
            return sqs.get_queue_url(QueueName=self.settings.pipeline_dlq_name)["QueueUrl"]
        except sqs.exceptions.QueueDoesNotExist as exc:
            raise LookupError(f"there is no queue {self.settings.pipeline_dlq_name}; deploy the stack") from exc

    # --- stores ------------------------------------------------------------------------------------------------

    @functools.cached_property
    def main_table(self):
        return self.aws.table(self.settings.main_table)

    postings = _on_main_table("portal.postings.repository", "PostingRepository")
    applications = _on_main_table("portal.applications.repository", "ApplicationRepository")
    drafts = _on_main_table("portal.applications.repository", "DraftRepository")
    accounts = _on_main_table("portal.accounts.repository", "AccountRepository")
    audit = _on_main_table("portal.audit.repository", "AuditRepository")
    reports = _on_main_table("portal.reports.repository", "ReportRepository")
    site_state = _on_main_table("portal.site.state", "SiteStateRepository")
    pipeline_effects = _on_main_table("portal.pipeline.repository", "PipelineRepository")
    slots = _on_main_table("portal.appointments.repository", "SlotRepository")

    @functools.cached_property
    def selfid(self):
        from portal.selfid.repository import SelfIdRepository

        return SelfIdRepository(self.settings.selfid_table, self.main_table)

    @functools.cached_property
    def resumes(self):
        from portal.applications.resumes import ResumeStore

        return ResumeStore(self.client("s3"), self.settings.resume_bucket)

    @functools.cached_property
    def site_bucket(self):
        from portal.site.bucket import SiteBucket

        return SiteBucket(self.client("s3"), self.settings.site_bucket)

    # --- mail and templates ------------------------------------------------------------------------------------

    @functools.cached_property
    def mailer(self):
        """SES from the configured sender, or None when no sender is configured (nothing is sent then)."""
        from portal.mail import Mailer

        return Mailer(self.client("ses"), self.settings.mail_from) if self.settings.mail_from else None

    @functools.cached_property
    def templates(self):
        """Jinja2 over templates/, autoescaping HTML as Flask does: the static site renders its pages with it, so
        the pre-rendered pages and the dynamic ones share templates and the content-hashed asset names."""
        import jinja2

        from portal.site.assets import asset_url
        from portal.site.filters import install as install_filters

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
                                 autoescape=jinja2.select_autoescape(["html", "xml"]))
        env.globals["asset_url"] = functools.partial(asset_url, STATIC_DIR)
        install_filters(env)
        return env


@functools.lru_cache(maxsize=1)
def process_runtime() -> Runtime:
    """This process's runtime from its environment: built on a Lambda container's first event, then kept."""
    return Runtime.from_environment()
