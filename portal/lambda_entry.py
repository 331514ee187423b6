"""The Lambda entry points: `handler` (Zappa's `lambda_handler` setting) and the schedule's functions.

`handler` sends DynamoDB stream batches to the pipeline and the schedule's events to `expire_postings`,
`rebuild_feeds` and `erase_expired_applications`, all without Flask, and everything else (API Gateway requests) to Zappa, which serves the Flask app. Zappa 0.63 routes
a stream event to a function only when its exact eventSourceARN is listed in the "events" setting, and a table's
stream ARN carries the time the stream was created, so it changes whenever the stack recreates the table. The
template creates the trigger (Zappa's own passes no StartingPosition), and this entry recognises stream records
by their eventSource instead. A scheduled event would make Zappa build the web app first (its handler loads the
app module before it looks at the event), so this entry runs the schedule's function itself.
"""
from __future__ import annotations

# Set by the CloudFront function in infra/template.yaml: the Host the viewer asked for.
VIEWER_HOST_HEADER = "x-viewer-host"


def handler(event, context):
    if _is_dynamodb_stream_batch(event):
        # Imported here, so the web function never loads the pipeline's modules.
        from portal import pipeline

        return pipeline.handle(event, context)
    scheduled = _scheduled_function(event)
    if scheduled is not None:
        return scheduled(event, context)
    from zappa.handler import lambda_handler

    return lambda_handler(_as_the_viewer_sent_it(event), context)


def expire_postings(event, context):
    """The schedule (every 15 minutes): closes and publishes the postings past their valid-through date."""
    from portal.runtime import process_runtime
    from portal.site import close_expired_postings

    return {"closed": close_expired_postings(process_runtime())}


def rebuild_feeds(event, context):
    """The schedule (every 15 minutes): Indeed's complete feed again, when postings were published since."""
    from portal.runtime import process_runtime
    from portal.site import rebuild_feeds as rebuild

    return {"written": rebuild(process_runtime())}


def erase_expired_applications(event, context):
    """The schedule (every hour): erases the rejected and withdrawn applications, with their résumés, whose
    retention period has passed (portal/applications/retention.py), stopping in time to record the run."""
    from portal.applications.retention import erase_expired
    from portal.runtime import process_runtime

    remaining = getattr(context, "get_remaining_time_in_millis", None)
    run = erase_expired(process_runtime(),
                        out_of_time=(lambda: remaining() < RETENTION_RESERVE_MS) if remaining else (lambda: False))
    return {"erased": run.erased, "failed": run.failed, "more": run.more}


# What a retention run leaves of the function's time when it stops: enough for one submission and the record.
RETENTION_RESERVE_MS = 15_000

# zappa_settings.json names these in the pipeline stages' "events"; Zappa names each rule after its function.
SCHEDULES = {f"{__name__}.{f.__name__}": f for f in (expire_postings, rebuild_feeds, erase_expired_applications)}


def _scheduled_function(event):
    """The function of a CloudWatch/EventBridge scheduled event of a rule Zappa made (its name ends with it)."""
    if not isinstance(event, dict) or event.get("detail-type") != "Scheduled Event":
        return None
    rule = str((event.get("resources") or [""])[0]).rsplit("/", 1)[-1]
    return next((f for name, f in SCHEDULES.items() if rule.endswith("-" + name)), None)


def _is_dynamodb_stream_batch(event) -> bool:
    records = event.get("Records") if isinstance(event, dict) else None
    return bool(records) and isinstance(records[0], dict) and records[0].get("eventSource") == "aws:dynamodb"


def _as_the_viewer_sent_it(event):
    """Through CloudFront, give the app the viewer's Host instead of API Gateway's.

    Zappa mounts the app under /<stage> whenever the Host is an amazonaws.com name, which is right for the
    bare API Gateway URL but wrong behind CloudFront: the distribution adds the stage itself (OriginPath),
    so redirects to /dev/... would leave the API paths. Without the header the event passes unchanged.
    """
    if not isinstance(event, dict) or not event.get("httpMethod"):
        return event
    headers = event.get("headers") or {}
    viewer_host = next((v for k, v in headers.items() if k.lower() == VIEWER_HOST_HEADER and v), None)
    if viewer_host is None:
        return event
    event = dict(event)
    event["headers"] = {**_without_host(headers), "Host": viewer_host}
    if event.get("multiValueHeaders"):
        event["multiValueHeaders"] = {**_without_host(event["multiValueHeaders"]), "Host": [viewer_host]}
    return event


def _without_host(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k.lower() != "host"}
