"""Flexwork Jobs: a hiring portal for flexible work. Start reading here; this is the map.

Entry points, each building on one runtime (portal/runtime.py, the composition root, which has no Flask):
    portal/wsgi.py           the web app for Zappa and gunicorn (`app = create_app()`)
    portal/lambda_entry.py   the Lambda handler: stream batches to the pipeline, the schedule, the rest to Zappa
    portal/cli.py            `flask --app portal ...`
    portal/local/            `make run`: the embedded emulator, demo data, the stream poller (local mode only)

The web side (the only layer that imports Flask):
    portal/web/              the app factory and one blueprint package per audience: apply, status, selfid,
                             api, admin (portal/web/__init__.py maps URL prefixes to packages)

Domains (rules in services.py and friends, DynamoDB in repository.py, records in models.py):
    portal/postings/  portal/applications/  portal/accounts/  portal/audit/  portal/reports/  portal/selfid/

Beside the services, driven by the stream and the schedule:
    portal/pipeline/         screening, scoring, routing, history, counters, e-mail
    portal/site/             the public job board rendered into the site bucket

Shared below them all: settings.py, keys.py (every key format and access pattern), aws.py, dynamo.py, mail.py,
clock.py, geo.py, paging.py, errors.py, parameters.py.
"""


def create_app(test_config: dict | None = None, runtime=None):
    """The Flask app (portal/web/__init__.py); named here so that `flask --app portal` finds the factory."""
    from portal.web import create_app as create_web_app

    return create_web_app(test_config, runtime)
