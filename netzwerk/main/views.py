from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from netzwerk.auth.models import Role
from netzwerk.auth.permissions import own_partnership, public
from netzwerk.auth.services import safe_next_url
from netzwerk.errors import reset_database_connections
from netzwerk.extensions import db
from netzwerk.groups.services import groups_of
from netzwerk.mail.services import outbox_health
from netzwerk.main.blueprint import bp
from netzwerk.main.services import manager_overview
from netzwerk.meetings.services.lists import meetings_for
from netzwerk.partners.services.links import linked_groups
from netzwerk.reference import reference_organisations
from netzwerk.scheduler.services import job_runs, scheduler_state


@bp.get("/")
@public
def index():
    if not current_user.is_authenticated:
        return render_template("main/public.html")
    if current_user.role == Role.ADMIN:
        return render_template("main/manager.html", overview=manager_overview(), scheduler=scheduler_state())
    memberships = groups_of(current_user)
    if current_user.role == Role.PARTNER:
        organisation = reference_organisations().get(current_user.organisation)
        return render_template(
            "main/partner.html",
            organisation=organisation,
            memberships=memberships,
            partnership=own_partnership(current_user),
            linked_groups=linked_groups(current_user),
            meetings=meetings_for(current_user, upcoming=True, is_admin=False, size=5),
        )
    upcoming = meetings_for(current_user, upcoming=True, is_admin=False, size=5)
    return render_template("main/member.html", meetings=upcoming, memberships=memberships)


@bp.post("/sprache")
@public
def set_language():
    """Visitors choose the language for this session; signed-in users keep theirs in the profile."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["language"] = language
        if current_user.is_authenticated and current_user.language != language:
            current_user.language = language
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        reset_database_connections()
        database = "error"
    scheduler = scheduler_state().as_json() if database == "ok" else {"state": "unknown"}
    if database == "ok":
        scheduler["jobs"] = job_runs()  # each periodic job's last completed run
    status = "ok" if database == "ok" else "error"
    body = {"status": status, "database": database, "scheduler": scheduler}
    if database == "ok":  # a mail server that is down is reported, but the app itself is up (200)
        body["mail"] = outbox_health().as_json()
    return jsonify(body), 200 if status == "ok" else 503
