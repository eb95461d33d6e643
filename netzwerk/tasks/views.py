from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from netzwerk import clock
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import can_mark_task, login_required
from netzwerk.extensions import db
from netzwerk.forms import page_number
from netzwerk.meetings.forms import ButtonForm
from netzwerk.meetings.models import Task
from netzwerk.pagination import window
from netzwerk.tasks.blueprint import bp
from netzwerk.tasks.services import set_done, tasks_query

PER_PAGE = 50
STATES = {"offen": (False, _l("offen")), "erledigt": (True, _l("erledigt")), "alle": (None, _l("alle"))}


@bp.get("/")
@login_required
def index():
    """The manager: open tasks across all groups; everyone else: "Meine Aufgaben" (assigned to them)."""
    state = request.args.get("stand", "offen")
    if state not in STATES:
        state = "offen"
    everyone = current_user.role == Role.ADMIN
    query = tasks_query(done=STATES[state][0], assignee=None if everyone else current_user)
    return render_template(
        "tasks/index.html",
        page=window(query, page_number(), PER_PAGE),
        state=state,
        states={key: label for key, (_done, label) in STATES.items()},
        everyone=everyone,
        form=ButtonForm(),
        can_mark=lambda task: can_mark_task(current_user, task),
        today=clock.today(),
    )


@bp.post("/<id:task_id>/<any(erledigt, offen):state>")
@login_required
def mark(task_id: int, state: str):
    task = db.get_or_404(Task, task_id)
    if not can_mark_task(current_user, task):
        abort(403)
    if not ButtonForm().validate_on_submit():
        abort(400)
    set_done(task, state == "erledigt", current_user)
    flash(_("Die Aufgabe ist erledigt.") if state == "erledigt" else _("Die Aufgabe ist wieder offen."), "success")
    shown = request.form.get("stand", "offen")
    return redirect(url_for("tasks.index", stand=shown if shown in STATES else "offen", _anchor="aufgaben"))
