"""Respondents: no account, an emailed link. GET/HEAD never consume or change anything."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from healthcheck.database import read_only
from healthcheck.extensions import csrf, db, limiter
from healthcheck.services import responses
from healthcheck.services.responses import LinkProblem

bp = Blueprint("respond", __name__, url_prefix="/r", template_folder="templates")
csrf.exempt(bp)  # checked in the view so an expired form comes back with its answers
limiter.limit("600 per minute")(bp)  # per address; generous for offices behind one NAT


@bp.errorhandler(LinkProblem)
def link_problem(exc: LinkProblem):
    return render_template("respond/problem.html", problem=exc), exc.status


@bp.route("/<token>")
def welcome(token: str):
    inv = responses.invitation_by_token(token)
    return render_template(
        "respond/welcome.html", inv=inv, rnd=inv.round, alliance=inv.round.alliance, token=token
    )


@bp.route("/<token>/opened", methods=["POST"])
def opened(token: str):
    """The welcome page's script says a person opened the link (GET never writes; a mail
    scanner fetching the link runs no script). A link that does not work answers as on GET."""
    responses.invitation_by_token(token)
    responses.mark_opened(token)
    db.session.commit()
    return "", 204


@bp.route("/<token>/answer", methods=["GET", "POST"])
def answer(token: str):
    if request.method == "GET":
        inv = responses.invitation_by_token(token)
        return _form(inv, token, responses.draft_of(inv))
    submitting = request.form.get("action") == "submit"
    with read_only():  # look up and check in a read transaction; write in a short one below
        inv = responses.invitation_by_token(token)
        given = responses.parse(inv.round.questionnaire, request.form, require_all=submitting)
        if not FlaskForm().validate():
            return _form(inv, token, given, notice="expired", status=400)
        if given.errors:
            return _form(inv, token, given, status=400)
        target = responses.target_of(token, inv)
        db.session.rollback()  # nothing was written: end the read transaction
    if submitting:
        responses.submit_target(target, given)
        db.session.commit()
        return redirect(url_for("respond.thanks", token=token), code=303)
    responses.save_draft_for(target, given)
    db.session.commit()
    return _form(responses.invitation_by_token(token), token, given, notice="saved")


def _form(inv, token, given, notice=None, status=200):
    return render_template(
        "respond/questionnaire.html",
        inv=inv,
        rnd=inv.round,
        alliance=inv.round.alliance,
        questionnaire=inv.round.questionnaire,
        token=token,
        given=given,
        notice=notice,
        form=FlaskForm(),
    ), status


@bp.route("/<token>/thanks")
def thanks(token: str):
    inv = responses.invitation_for_thanks(token)
    if inv is None:
        raise LinkProblem(404, "unknown")
    if inv.status != "submitted":
        return redirect(url_for("respond.welcome", token=token))
    return render_template("respond/thanks.html", inv=inv, alliance=inv.round.alliance)
