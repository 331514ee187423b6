"""`flask --app portal site build|publish|expire`: the static site from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

# AppGroup: each command runs inside the app context, from `flask` and from the test runner alike.
site_group = AppGroup("site", help="The public job board in the site bucket.")


@site_group.command("build")
def build_command():
    """Render every public page, index and feed, and upload them to the site bucket."""
    from portal.site import build_site

    click.echo(f"Wrote {build_site()} objects to the site bucket.")


@site_group.command("publish")
@click.argument("posting_id")
def publish_command(posting_id):
    """Publish one posting's pages again (what the pipeline does after a change)."""
    from portal.site import publish_posting

    click.echo(f"Wrote {publish_posting(posting_id)} objects.")


@site_group.command("expire")
def expire_command():
    """Close the postings past their valid-through date and publish them."""
    from portal.site import close_expired_postings

    click.echo(f"Closed {close_expired_postings()} expired postings.")


def init_app(app) -> None:
    app.cli.add_command(site_group)
