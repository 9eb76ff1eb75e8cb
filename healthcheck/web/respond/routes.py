"""Respondents: no account, an emailed link. GET/HEAD never consume or change anything."""

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from healthcheck.database import read_only
from healthcheck.extensions import csrf, db, limiter
from healthcheck.services import responses
from healthcheck.services.responses import LinkProblem
from healthcheck.web.respond import steps

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
        return _form(inv, token, responses.draft_of(inv), request.args.get("step"))
    action, step = request.form.get("action", "save"), request.form.get("step")
    with read_only():  # look up and check in a read transaction; write in a short one below
        inv = responses.invitation_by_token(token)
        given = responses.parse(inv.round.questionnaire, request.form, require_all=action == "submit")
        if not FlaskForm().validate():
            return _form(inv, token, given, step, notice="expired", status=400)
        if given.errors:
            return _form(inv, token, given, step, status=400)
        target = responses.target_of(token, inv)
        going = steps.destination(action, len(inv.round.questionnaire.dimensions))
        db.session.rollback()  # nothing was written: end the read transaction
    if action == "submit":
        responses.submit_target(target, given)
        db.session.commit()
        return redirect(url_for("respond.thanks", token=token), code=303)
    responses.save_draft_for(target, given)
    db.session.commit()
    if going is not None:  # a step's "next", "back" or a section: saved, then shown
        return redirect(url_for("respond.answer", token=token, step=steps.url_value(going)), code=303)
    return _form(responses.invitation_by_token(token), token, given, step, notice="saved")


def _form(inv, token, given, step, notice=None, status=200):
    questionnaire = inv.round.questionnaire
    found = steps.sections(questionnaire, given)
    return render_template(
        "respond/questionnaire.html",
        inv=inv,
        rnd=inv.round,
        alliance=inv.round.alliance,
        questionnaire=questionnaire,
        token=token,
        given=given,
        notice=notice,
        form=FlaskForm(),
        sections=found,
        step=steps.current(questionnaire, step, found, given.errors),
        answered=sum(s.answered for s in found),
    ), status


@bp.route("/<token>/thanks")
def thanks(token: str):
    inv = responses.invitation_for_thanks(token)
    if inv is None:
        raise LinkProblem(404, "unknown")
    if inv.status != "submitted":
        return redirect(url_for("respond.welcome", token=token))
    return render_template("respond/thanks.html", inv=inv, alliance=inv.round.alliance)
