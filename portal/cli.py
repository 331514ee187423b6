"""Flask CLI commands of the portal (`flask --app portal ...`)."""
from __future__ import annotations

import click
from flask import current_app

from portal import aws, infra


def init_app(app) -> None:
    app.cli.add_command(stack_group)
    app.cli.add_command(seed_demo_command)


@click.group("stack")
def stack_group():
    """The CloudFormation stack that holds the tables and the site bucket."""


@stack_group.command("deploy")
def deploy_stack_command():
    """Deploy infra/template.yaml as the configured stack (into AWS_ENDPOINT_URL when set)."""
    outputs = infra.deploy_stack(aws.resources().client("cloudformation"), current_app.config["STACK_NAME"])
    for name, value in sorted(outputs.items()):
        click.echo(f"{name}: {value}")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo postings, teams and accounts. Local mode only: demo accounts have a published password."""
    if not current_app.config["LOCAL_MODE"]:
        raise click.ClickException("seed-demo runs only in local mode (PORTAL_LOCAL_MODE=true).")
    from portal.demo import seed_demo

    counts = seed_demo(aws.resources().table(current_app.config["MAIN_TABLE"]))
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))
