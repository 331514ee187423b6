"""Flask CLI commands of the portal (`flask --app portal ...`)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal import aws, infra
from portal.accounts.cli import users_group


def init_app(app) -> None:
    app.cli.add_command(stack_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(pipeline_group)
    app.cli.add_command(users_group)
    app.cli.add_command(origin_token_command)


@click.group("stack")
def stack_group():
    """The CloudFormation stack that holds the tables and the site bucket."""


@stack_group.command("deploy")
def deploy_stack_command():
    """Deploy infra/template.yaml as the configured stack (into AWS_ENDPOINT_URL when set)."""
    outputs = infra.deploy_stack(aws.resources().client("cloudformation"), current_app.config["STACK_NAME"])
    for name, value in sorted(outputs.items()):
        click.echo(f"{name}: {value}")


@click.command("origin-token")
@with_appcontext
def origin_token_command():
    """Print the token CloudFront sends to the API (the stack's OriginVerifyToken), derived from SECRET_KEY."""
    from portal.viewer import origin_token

    click.echo(origin_token(current_app.config["SECRET_KEY"]))


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo postings, teams and accounts. Local mode only: demo accounts have a published password."""
    if not current_app.config["LOCAL_MODE"]:
        raise click.ClickException("seed-demo runs only in local mode (PORTAL_LOCAL_MODE=true).")
    from portal.demo import seed_demo

    counts = seed_demo(aws.resources().table(current_app.config["MAIN_TABLE"]))
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


# An AppGroup, so its commands run inside the app context (also under the test runner).
pipeline_group = AppGroup("pipeline", help="The stream pipeline (portal/pipeline/): its dead-letter queue.")


@pipeline_group.command("replay-dlq")
def replay_dlq_command():
    """Replay the stream batches in the dead-letter queue; a message is deleted only when its records succeed."""
    from portal import pipeline
    from portal.pipeline import deadletter

    res = aws.resources()
    report = deadletter.replay(res.client("sqs"), current_app.config["PIPELINE_DLQ_URL"], res.client("dynamodbstreams"),
                               lambda event: pipeline.handle(event, None))
    click.echo(f"{report.replayed} replayed ({report.records} records), {report.kept} kept in the queue")
    if report.kept:
        raise click.ClickException("some dead letters could not be replayed; see the log above")
