"""The command line (`flask --app portal ...`): each command runs on the app's runtime, inside its app context.

- `stack deploy`: the CloudFormation stack of infra/template.yaml;
- `site build | publish <id> | expire | feeds`: the static site;
- `applications erase-expired`: the retention schedule's run (rejected and withdrawn applications past the period);
- `users create`: an account, above all the first admin of a deployment;
- `pipeline replay-dlq`: the stream's dead letters;
- `seed-demo` (local mode only) and `origin-token` (for the stack's OriginVerifyToken).
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal.accounts.models import ROLES


def runtime():
    return current_app.extensions["portal"]


def init_app(app) -> None:
    for command in (stack_group, site_group, applications_group, users_group, pipeline_group, seed_demo_command,
                    origin_token_command):
        app.cli.add_command(command)


# AppGroup: its commands run inside the app context, from `flask` and from the test runner alike.
stack_group = AppGroup("stack", help="The CloudFormation stack that holds the tables and the site bucket.")


@stack_group.command("deploy")
def deploy_stack_command():
    """Deploy infra/template.yaml as the configured stack (into AWS_ENDPOINT_URL when set)."""
    from portal.local.infra import deploy_stack

    outputs = deploy_stack(runtime().client("cloudformation"), runtime().settings.stack_name)
    for name, value in sorted(outputs.items()):
        click.echo(f"{name}: {value}")


site_group = AppGroup("site", help="The public job board in the site bucket.")


@site_group.command("build")
def build_command():
    """Render every public page, index and feed, and upload them to the site bucket."""
    from portal.site import build_site

    click.echo(f"Wrote {build_site(runtime())} objects to the site bucket.")


@site_group.command("publish")
@click.argument("posting_id")
def publish_command(posting_id):
    """Publish one posting's pages again (what the pipeline does after a change)."""
    from portal.site import publish_posting

    click.echo(f"Wrote {publish_posting(runtime(), posting_id)} objects.")


@site_group.command("feeds")
@click.option("--force", is_flag=True, help="Even when nothing was published since the last build.")
def feeds_command(force):
    """Rebuild Indeed's complete feed when postings were published since it was built (what the schedule does)."""
    from portal.site import rebuild_feeds

    click.echo(f"Wrote {rebuild_feeds(runtime(), force)} objects.")


@site_group.command("expire")
def expire_command():
    """Close the postings past their valid-through date and publish them."""
    from portal.site import close_expired_postings

    click.echo(f"Closed {close_expired_postings(runtime())} expired postings.")


applications_group = AppGroup("applications", help="Applicants' data: erasure after the retention period.")


@applications_group.command("erase-expired")
def erase_expired_command():
    """Erase the rejected and withdrawn applications, with their résumés, past the retention period (what the
    schedule does every hour)."""
    from portal.applications.retention import erase_expired

    run = erase_expired(runtime())
    click.echo(f"Erased {run.erased} applications rejected or withdrawn before {run.cutoff}"
               f" ({run.retention_months} months).")
    if run.more:
        click.echo("There is more to erase: run it again.")
    if run.failed:
        raise click.ClickException(f"{run.failed} submissions could not be erased now; the next run tries again.")


users_group = AppGroup("users", help="Recruiter and admin accounts.")


@users_group.command("create")
@click.option("--email", prompt="E-mail address", help="Their sign-in; stored in lower case.")
@click.option("--name", prompt="Full name")
@click.option("--role", type=click.Choice(list(ROLES)), default="admin", show_default=True, prompt="Role")
@click.option("--team", "teams", multiple=True, help="A team a recruiter works for (repeat for several).")
@click.password_option("--password", prompt="Password (12 characters or more)",
                       help="Better typed at the prompt, which hides it and asks twice, than on the command line.")
def create_user_command(email, name, role, teams, password):
    """Create an account with an argon2id password hash (the first admin of a new deployment, for one)."""
    from portal.accounts import services

    try:
        account = services.create_account(runtime(), None, email, name, role, list(teams), password)
    except services.AccountRefused as exc:
        known = ", ".join(sorted(t.id for t in services.list_teams(runtime()))) or "none yet"
        raise click.ClickException(f"{exc} Teams: {known}." if exc.field == "teams" else str(exc)) from None
    click.echo(f"Created {ROLES[account.role].lower()} {account.email} (account id {account.id}).")


pipeline_group = AppGroup("pipeline", help="The stream pipeline (portal/pipeline/): its dead-letter queue.")


@pipeline_group.command("replay-dlq")
def replay_dlq_command():
    """Replay the stream batches in the dead-letter queue; a message is deleted only when its records succeed."""
    from portal import pipeline
    from portal.pipeline import deadletter

    rt = runtime()
    report = deadletter.replay(rt.client("sqs"), rt.dead_letter_queue_url, rt.client("dynamodbstreams"),
                               lambda event: pipeline.handle_batch(rt, event))
    click.echo(f"{report.replayed} replayed ({report.records} records), {report.kept} kept in the queue")
    if report.kept:
        raise click.ClickException("some dead letters could not be replayed; see the log above")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load the demo postings, teams and accounts. Local mode only: demo accounts have a published password."""
    if not runtime().settings.local_mode:
        raise click.ClickException("seed-demo runs only in local mode (PORTAL_LOCAL_MODE=true).")
    from portal.local.demo import seed_demo

    counts = seed_demo(runtime())
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@click.command("origin-token")
@with_appcontext
def origin_token_command():
    """Print the token CloudFront sends to the API (the stack's OriginVerifyToken), derived from SECRET_KEY."""
    from portal.web.viewer import origin_token

    click.echo(origin_token(runtime().secret_key))
