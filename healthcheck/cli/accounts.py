"""``healthcheck user``: accounts, passwords and roles."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from healthcheck.cli.common import fail, read_password
from healthcheck.extensions import db
from healthcheck.models import ROLES
from healthcheck.services import users
from healthcheck.services.errors import InvalidInput


@click.group("user")
def user_group():
    """Manage user accounts."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="")
@with_appcontext
def user_create(email, role, name):
    """Create a user; the password comes from a prompt, or from stdin when piped."""
    password = read_password()
    try:
        user = users.create(email, role, password, name=name)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"user {user.email} created with role {user.role}")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password(email):
    """Set a new password (prompt, or stdin when piped); the user's open sessions end."""
    password = read_password()
    try:
        user = users.set_password(email, password)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"password of {user.email} changed; their open sessions have ended")


@user_group.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def user_set_role(email, role):
    """Change a user's role (recorded in the audit log)."""
    try:
        user = users.set_role(email, role)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(f"user {user.email} is now {user.role}; their open sessions have ended")
