"""Webhooks: admins manage all, alliance owners those of their alliances (services.webhooks)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from healthcheck.extensions import db
from healthcheck.services import webhook_delivery, webhooks
from healthcheck.web import confirm
from healthcheck.web.views import attempt, form_status
from healthcheck.web.webhooks.forms import WebhookForm

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks", template_folder="templates")


@bp.before_request
@login_required
def _managers_and_admins():
    if current_user.role not in ("admin", "manager"):
        abort(403)


def _form() -> WebhookForm:
    form = WebhookForm()
    choices = [("", _("Every alliance (portfolio-wide)"))] if current_user.role == "admin" else []
    form.alliance.choices = choices + [
        (str(a.id), a.name) for a in webhooks.alliances_to_choose(current_user)
    ]
    return form


def _alliance_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.route("", methods=["GET", "POST"])
def index():
    form, problems = _form(), []
    if form.validate_on_submit():
        d = form.data
        outcome = attempt(
            lambda: webhooks.create(
                current_user, d["name"], d["url"], d["format"], _alliance_id(d["alliance"]), d["events"]
            )
        )
        if outcome.ok:
            hook, secret = outcome.value
            return render_template("webhooks/created.html", hook=hook, secret=secret)
        problems = outcome.problems
    hooks = webhooks.manageable(current_user)
    return render_template(
        "webhooks/index.html", form=form, hooks=hooks, problems=problems
    ), form_status() if problems or form.errors else 200


@bp.route("/<int:hook_id>")
def show(hook_id: int):
    hook = webhooks.hook_for(current_user, hook_id)
    return render_template("webhooks/show.html", hook=hook, deliveries=webhooks.deliveries(hook))


@bp.route("/<int:hook_id>/test", methods=["POST"])
def send_test(hook_id: int):
    hook = webhooks.hook_for(current_user, hook_id)
    delivery = webhooks.send_test(current_user, hook)
    db.session.commit()
    outcome = webhook_delivery.deliver_one(delivery.id)
    words = {
        "sent": _("Test event delivered."),
        "retry": _("Test event not delivered yet (it will be retried)."),
        "failed": _("Test event not delivered."),
    }
    flash(words.get(outcome, _("Test event queued.")), "info" if outcome == "sent" else "error")
    return redirect(url_for("webhooks.show", hook_id=hook_id))


@bp.route("/<int:hook_id>/secret", methods=["POST"])
def new_secret(hook_id: int):
    hook = webhooks.hook_for(current_user, hook_id)
    if not confirm.confirmed():
        return confirm.page(_confirmation(hook, "secret"))
    secret = webhooks.new_secret(current_user, hook)
    db.session.commit()
    return render_template("webhooks/created.html", hook=hook, secret=secret, replaced=True)


@bp.route("/<int:hook_id>/delete", methods=["POST"])
def delete(hook_id: int):
    hook = webhooks.hook_for(current_user, hook_id)
    if not confirm.confirmed():
        return confirm.page(_confirmation(hook, "delete"))
    webhooks.delete(current_user, hook)
    db.session.commit()
    flash(_("Webhook deleted."), "info")
    return redirect(url_for("webhooks.index"))


def _confirmation(hook, act: str) -> confirm.Confirmation:
    if act == "delete":
        title, lines, button = (
            _("Delete webhook “%(name)s”?", name=hook.name),
            [
                _("No more events go to %(url)s.", url=hook.url),
                _("Its deliveries and their attempts are deleted too."),
            ],
            _("Yes, delete the webhook"),
        )
    else:
        title, lines, button = (
            _("New signing secret for “%(name)s”?", name=hook.name),
            [_("The current secret stops signing at once: the receiver must get the new one, shown once.")],
            _("Yes, make a new secret"),
        )
    return confirm.Confirmation(
        title=title,
        lines=lines,
        action=url_for(f"webhooks.{'delete' if act == 'delete' else 'new_secret'}", hook_id=hook.id),
        button=button,
        cancel=url_for("webhooks.show", hook_id=hook.id),
    )
