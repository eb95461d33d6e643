from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netzwerk import clock
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.permissions import admin_required, login_required
from netzwerk.extensions import db
from netzwerk.forms import form_status
from netzwerk.reminders.blueprint import bp
from netzwerk.reminders.forms import MyRemindersForm, ReminderSettingsForm
from netzwerk.reminders.models import format_days, parse_days
from netzwerk.reminders.services import PREVIEW_DAYS, planned_reminders, reminder_settings


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
    if form.validate_on_submit() and not form.is_stale(current):
        after = {
            "days": format_days(form.days.data),
            "send_hour": int(form.send_hour.data),
            "answer_days": int(form.answer_days.data) if form.answer_days.data else None,
        }
        changes = changes_between({name: getattr(current, name) for name in after}, after)
        if changes:
            db.session.add(current)
            for name, value in after.items():
                setattr(current, name, value)
            current.version += 1
            record("reminders.settings_changed", current, changes=changes)
        db.session.commit()
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
    if form.validate_on_submit() and not form.is_stale(user):
        after = {
            "reminder_days": own_days_value(form.reminder_days.data, defaults),
            "answer_reminders": form.answer_reminders.data,
            "poll_reminders": form.poll_reminders.data,
            "weekly_digest": form.weekly_digest.data,
        }
        changes = changes_between({name: getattr(user, name) for name in after}, after)
        if changes:
            for name, value in after.items():
                setattr(user, name, value)
            user.version += 1
            record("user.profile_updated", user, changes=changes)
        db.session.commit()
        flash(_("Ihre Einstellungen für Erinnerungen sind gespeichert."), "success")
        return redirect(url_for("reminders.mine"))
    return render_template(
        "reminders/mine.html", form=form, defaults=defaults, settings=reminder_settings()
    ), form_status(form)


def own_days_value(chosen: list[str], defaults: list[int]) -> str | None:
    """None (follow the manager's defaults) when the choice is the defaults, else the chosen days; "-" for none,
    since an empty value would read as "not set"."""
    days = parse_days(",".join(chosen))
    return None if days == defaults else format_days(days) or "-"
