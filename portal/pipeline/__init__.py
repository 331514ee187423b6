"""The stream pipeline's entry point: ``handle(event, context)`` takes a Lambda DynamoDB-stream event.

On AWS it runs as the pipeline Lambda (portal/lambda_entry.py hands it the stream batches) with this process's
runtime (portal/runtime.py); locally the stream poller in portal/local/poller.py calls ``handle_batch`` with the
web app's runtime and events of the same shape. Both return the partial-batch response,
``{"batchItemFailures": [{"itemIdentifier": <SequenceNumber>}, ...]}``. The rules are in services.py. No Flask.
"""
from __future__ import annotations

import logging

# Loaded with the package, as a Lambda handler's dependencies should be: the container's first batch pays for the
# code once, at import, and no batch after it does.
from portal.pipeline.services import Pipeline, process_batch
from portal.runtime import process_runtime

log = logging.getLogger("portal.pipeline")


def handle(event, context=None) -> dict:
    """Handle one batch of stream records with this process's runtime (built on the container's first batch)."""
    return handle_batch(process_runtime(), event)


def handle_batch(runtime, event, *, site_built_at: float | None = None) -> dict:
    """Handle one batch with ``runtime``. ``site_built_at`` (epoch seconds) says when a full site build started:
    posting records from before it need no publish (local mode builds the site at start)."""
    records = event.get("Records") if isinstance(event, dict) else None
    if not isinstance(records, list):
        log.warning("skipped an event without a Records list")
        return {"batchItemFailures": []}
    return process_batch(Pipeline(runtime, site_built_at=site_built_at), records)
