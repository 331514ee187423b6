"""The stream pipeline's entry point: ``handle(event, context)`` takes a Lambda DynamoDB-stream event.

On AWS it runs as the pipeline Lambda (portal/lambda_entry.py hands it the stream batches); locally the stream
poller in portal/local.py calls it with events of the same shape. It returns the partial-batch response,
``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}``. The rules are in services.py.
"""
from __future__ import annotations

import logging

from flask import current_app, has_app_context

log = logging.getLogger("portal.pipeline")

_app = None  # built once per process (per Lambda container) on the first batch


def handle(event, context=None) -> dict:
    """Handle one batch of stream records, inside the current app context or else the process's own app."""
    if has_app_context():
        return _handle_in_app(event)
    with _process_app().app_context():
        return _handle_in_app(event)


def _process_app():
    global _app
    if _app is None:
        from portal import create_app

        _app = create_app()
    return _app


def _handle_in_app(event) -> dict:
    from portal.pipeline.services import process_batch

    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        log.warning("skipped an event without a Records list")
        return {"batchItemFailures": []}
    return process_batch(pipeline_from_app(current_app), records)


def pipeline_from_app(app):
    """The pipeline's dependencies, from the app's configuration and AWS resources."""
    from portal.applications.resumes import ResumeStore
    from portal.mail import Mailer
    from portal.pipeline.services import Pipeline

    aws = app.extensions["aws"]
    cfg = app.config
    mailer = Mailer(aws.client("ses"), cfg["MAIL_FROM"]) if cfg.get("MAIL_FROM") else None
    return Pipeline(
        table=aws.table(cfg["MAIN_TABLE"]),
        table_name=cfg["MAIN_TABLE"],
        mailer=mailer,
        secret_key=cfg["SECRET_KEY"],
        public_base_url=cfg["PUBLIC_BASE_URL"],
        publish_posting=publish_posting,
        site_built_at=cfg.get("SITE_BUILT_AT"),
        keep_resume=ResumeStore(aws.client("s3"), cfg["RESUME_BUCKET"]).keep,
    )


def publish_posting(posting_id: str) -> None:
    """The one call into the public site's incremental publish (portal/site), within the app context."""
    from portal import site

    site.publish_posting(posting_id)
