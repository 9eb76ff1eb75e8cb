"""Respondents: no account, an emailed link. GET/HEAD never consume or change anything."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from healthcheck.database import read_only
from healthcheck.extensions import csrf, db, limiter
from healthcheck.services import languages, responses
from healthcheck.services.responses import LinkProblem
from healthcheck.web.i18n import use_language
from healthcheck.web.respond import steps

bp = Blueprint("respond", __name__, url_prefix="/r", template_folder="templates")
csrf.exempt(bp)  # checked in the view so an expired form comes back with its answers
limiter.limit("600 per minute")(bp)  # per address; generous for offices behind one NAT


@bp.errorhandler(LinkProblem)
def link_problem(exc: LinkProblem):
    use_language(exc.invitation.language if exc.invitation is not None else None)
    return render_template("respond/problem.html", problem=exc), exc.status


@bp.route("/<token>")
def welcome(token: str):
    inv = responses.invitation_by_token(token)
    use_language(inv.language)
    return render_template(
        "respond/welcome.html",
        inv=inv,
        rnd=inv.round,
        alliance=inv.round.alliance,
        token=token,
        form=FlaskForm(),
        choices=languages.choices(inv.round.questionnaire, inv.language),
    )


@bp.route("/<token>/language", methods=["POST"])
def language(token: str):
    """The welcome page's language switch (the questionnaire's buttons save answers first)."""
    inv = responses.invitation_by_token(token)
    if not FlaskForm().validate():
        abort(400)  # no valid CSRF token: nothing changes
    chosen = languages.switch_of(request.form.get("action", ""))
    if chosen is not None:
        languages.keep(inv.id, chosen)
        db.session.commit()
    return redirect(url_for("respond.welcome", token=token), code=303)


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
    chosen = languages.switch_of(action)  # a language button: saved, then shown in that language
    if chosen is not None:
        languages.keep(target.invitation_id, chosen)
    db.session.commit()
    if going is not None or chosen is not None:  # a step's "next", "back", a section, a language
        shown = steps.url_value(going) if going is not None else step
        return redirect(url_for("respond.answer", token=token, step=shown), code=303)
    return _form(responses.invitation_by_token(token), token, given, step, notice="saved")


def _form(inv, token, given, step, notice=None, status=200):
    use_language(inv.language)
    questionnaire = languages.localise(inv.round.questionnaire, inv.language)
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
        choices=languages.choices(inv.round.questionnaire, inv.language),
    ), status


@bp.route("/<token>/thanks")
def thanks(token: str):
    inv = responses.invitation_for_thanks(token)
    if inv is None:
        raise LinkProblem(404, "unknown")
    if inv.status != "submitted":
        return redirect(url_for("respond.welcome", token=token))
    use_language(inv.language)
    return render_template("respond/thanks.html", inv=inv, alliance=inv.round.alliance)
