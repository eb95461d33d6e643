from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netzwerk import clock
from netzwerk.auth.permissions import admin_required, login_required
from netzwerk.forms import form_status
from netzwerk.reminders.blueprint import bp
from netzwerk.reminders.forms import MyRemindersForm, ReminderSettingsForm
from netzwerk.reminders.models import parse_days
from netzwerk.reminders.services import (
    PREVIEW_DAYS,
    planned_reminders,
    reminder_settings,
    save_own_reminders,
    save_reminder_settings,
)


@bp.route("/", methods=["GET", "POST"])
@admin_required
def settings():
    """The defaults for everyone, and what the scheduler will send in the coming days."""
    current = reminder_settings()
    form = ReminderSettingsForm(obj=current)
    if not form.is_submitted():
        form.days.data = [str(day) for day in current.day_list]
        form.send_hour.data = str(current.send_hour)
        form.answer_days.data = str(current.answer_days or "")
    days, hour, answer_days = form.days.data, form.send_hour.data, form.answer_days.data
    if form.saved(
        current,
        lambda: save_reminder_settings(
            current, [int(day) for day in days], int(hour), int(answer_days) if answer_days else None
        ),
    ):
        flash(_("Die Einstellungen für Erinnerungen sind gespeichert."), "success")
        return redirect(url_for("reminders.settings"))
    now = clock.now()
    upcoming = sorted(planned_reminders(now + PREVIEW_DAYS, since=now), key=lambda planned: planned.due)
    return render_template("reminders/settings.html", form=form, upcoming=upcoming), form_status(form)


@bp.route("/meine", methods=["GET", "POST"])
@login_required
def mine():
    """When this person is reminded: the manager's defaults until they choose their own."""
    user = current_user._get_current_object()
    defaults = reminder_settings().day_list
    form = MyRemindersForm(obj=user)
    if not form.is_submitted():
        form.reminder_days.data = [
            str(day) for day in (defaults if user.reminder_days is None else parse_days(user.reminder_days))
        ]
    if form.saved(
        user,
        lambda: save_own_reminders(
            user,
            own_days(form.reminder_days.data, defaults),
            form.answer_reminders.data,
            form.poll_reminders.data,
            form.weekly_digest.data,
        ),
    ):
        flash(_("Ihre Einstellungen für Erinnerungen sind gespeichert."), "success")
        return redirect(url_for("reminders.mine"))
    return render_template(
        "reminders/mine.html", form=form, defaults=defaults, settings=reminder_settings()
    ), form_status(form)


def own_days(chosen: list[str], defaults: list[int]) -> list[int] | None:
    """None (follow the manager's defaults) when the choice is the defaults, else the chosen days."""
    days = parse_days(",".join(chosen))
    return None if days == defaults else days
