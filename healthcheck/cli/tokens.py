"""``healthcheck token``: personal access tokens for the REST API."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from healthcheck.cli.common import fail
from healthcheck.extensions import db
from healthcheck.models import TOKEN_SCOPES
from healthcheck.services import api_tokens, users
from healthcheck.services.errors import InvalidInput


@click.group("token")
def token_group():
    """Personal access tokens for the REST API (/api/v1)."""


@token_group.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--scope", type=click.Choice(TOKEN_SCOPES), required=True)
@click.option("--days", type=int, default=api_tokens.DEFAULT_DAYS, show_default=True)
@click.option("--name", default="command line", show_default=True, help="What it is for.")
@with_appcontext
def token_create(email, scope, days, name):
    """Create a token and print it, once (only its hash is stored)."""
    user = users.by_email(email)
    if user is None or not user.active:
        fail([f"--email: no active user {email!r}"])
    try:
        token, secret = api_tokens.create(user, name, scope, days)
    except InvalidInput as exc:
        fail(exc.problems)
    db.session.commit()
    click.echo(
        f"token {token.hint}… for {user.email}, scope {scope}, expires {token.expires_at:%Y-%m-%d}:", err=True
    )
    click.echo(secret)
