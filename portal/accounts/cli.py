"""`flask --app portal users ...`: accounts from the command line, above all the first admin of a deployment."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal import aws
from portal.accounts import services
from portal.accounts.models import ADMIN, ROLES
from portal.accounts.repository import AccountRepository


# AppGroup: its commands run inside the app's context, so they read the app's configuration and tables.
users_group = AppGroup("users", help="Recruiter and admin accounts.")


@users_group.command("create")
@click.option("--email", prompt="E-mail address", help="Their sign-in; stored in lower case.")
@click.option("--name", prompt="Full name")
@click.option("--role", type=click.Choice(list(ROLES)), default=ADMIN, show_default=True, prompt="Role")
@click.option("--team", "teams", multiple=True, help="A team a recruiter works for (repeat for several).")
@click.password_option("--password", prompt="Password (12 characters or more)",
                       help="Better typed at the prompt, which hides it and asks twice, than on the command line.")
def create_user_command(email, name, role, teams, password):
    """Create an account with an argon2id password hash (the first admin of a new deployment, for one)."""
    repo = AccountRepository(aws.resources().table(current_app.config["MAIN_TABLE"]))
    known = {t.id for t in repo.list_teams()}
    unknown = sorted(set(teams) - known)
    if unknown:
        raise click.ClickException(f"No such team: {', '.join(unknown)}. Teams: {', '.join(sorted(known)) or 'none yet'}.")
    try:
        account = services.create_account(repo, email, name, role, list(teams), password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {ROLES[account.role].lower()} {account.email} (account id {account.id}).")
