from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.auth.permissions import (
    can_manage_group,
    can_manage_poll,
    can_see_group_internals,
    can_see_poll,
    can_vote_in_poll,
    login_required,
)
from netzwerk.errors import Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.forms import form_status
from netzwerk.groups.models import WorkingGroup
from netzwerk.polls.blueprint import bp
from netzwerk.polls.forms import ActionForm, ConvertForm, PollForm
from netzwerk.polls.models import Poll, Vote
from netzwerk.polls.services import (
    VOTING_FINISHED,
    PollData,
    close_poll,
    poll_table,
    remind,
    reminders_of,
    schedule_from_poll,
    start_poll,
    vote,
    votes_of,
)
from netzwerk.public_holidays import flash_holiday_notice


def get_group(group_id: int) -> WorkingGroup:
    group = db.first_or_404(
        select(WorkingGroup).where(WorkingGroup.id == group_id).options(selectinload(WorkingGroup.memberships))
    )
    if not can_see_group_internals(current_user, group):
        abort(404)  # like the group's meetings: nothing to see for outsiders
    return group


@bp.route("/arbeitskreise/<id:group_id>/umfragen/neu", methods=["GET", "POST"])
@login_required
def create(group_id: int):
    group = db.get_or_404(WorkingGroup, group_id)
    if not can_manage_group(current_user, group):
        abort(403)
    form = PollForm(to_utc=clock.to_utc)
    if "more_rows" in request.form:  # "Weitere Terminzeilen": show the form again, with what was typed
        form.add_rows()
        return render_template("polls/form.html", form=form, group=group)
    if form.validate_on_submit():
        poll, mails = start_poll(group, data_from(form), current_user)
        flash(
            ngettext(
                "Die Terminumfrage läuft; %(num)d Mitglied ist per E-Mail eingeladen.",
                "Die Terminumfrage läuft; %(num)d Mitglieder sind per E-Mail eingeladen.",
                len(mails),
            ),
            "success",
        )
        flash_holiday_notice(slot.starts_at for slot in poll.slots)
        return redirect(url_for("polls.detail", poll_id=poll.id))
    return render_template("polls/form.html", form=form, group=group), form_status(form)


def data_from(form: PollForm) -> PollData:
    return PollData(
        title=form.title.data,
        slots=form.slot_times,
        place=form.place.data or "",
        online_url=form.online_url.data or "",
        description=form.description.data or "",
        deadline=clock.to_utc(form.deadline.data) if form.deadline.data else None,
    )


def get_visible_poll(poll_id: int) -> Poll:
    poll = db.first_or_404(
        select(Poll)
        .where(Poll.id == poll_id)
        .options(
            selectinload(Poll.group).selectinload(WorkingGroup.memberships),
            selectinload(Poll.slots),
            selectinload(Poll.meeting),
        )
    )
    if not can_see_poll(current_user, poll):
        abort(404)  # outsiders do not learn that the poll exists
    return poll


def get_managed_poll(poll_id: int) -> Poll:
    poll = get_visible_poll(poll_id)
    if not can_manage_poll(current_user, poll):
        abort(403)
    return poll


def render_poll(poll: Poll, chosen: dict | None = None, vote_errors: list | None = None, status: int = 200):
    manage = can_manage_poll(current_user, poll)
    table = poll_table(poll)
    return render_template(
        "polls/detail.html",
        poll=poll,
        table=table,
        can_vote=can_vote_in_poll(current_user, poll),
        chosen=chosen if chosen is not None else votes_of(poll, current_user),
        vote_errors=vote_errors or [],
        manage=manage,
        reminders=reminders_of(poll) if manage else [],
        votes=Vote,
        vote_labels=Vote.labels(),
    ), status


@bp.get("/umfragen/<id:poll_id>")
@login_required
def detail(poll_id: int):
    return render_poll(get_visible_poll(poll_id))


def refused(poll: Poll, refusal, category: str = "error"):
    """A step the poll's state does not allow: the reason as a message on the poll's page."""
    flash(str(refusal), category)
    return redirect(url_for("polls.detail", poll_id=poll.id))


@bp.post("/umfragen/<id:poll_id>/abstimmen")
@login_required
def cast_vote(poll_id: int):
    poll = get_visible_poll(poll_id)
    if poll.is_open and not can_vote_in_poll(current_user, poll):
        abort(403)  # e.g. the manager who is not a member of the group
    if not ActionForm().validate_on_submit():
        abort(400)
    if not poll.is_open:  # said before any check of the ballot: nothing can change it any more
        return refused(poll, Finished(VOTING_FINISHED))
    chosen = {slot.id: request.form.get(f"slot-{slot.id}", "") for slot in poll.slots}
    missing = [slot for slot in poll.slots if chosen[slot.id] not in set(Vote)]
    if missing:
        return render_poll(poll, chosen=chosen, vote_errors=missing, status=422)
    try:
        vote(poll, current_user, {slot_id: Vote(value) for slot_id, value in chosen.items()})
    except Finished as refusal:
        return refused(poll, refusal)
    flash(_("Ihre Stimme ist gespeichert. Sie können sie ändern, solange die Umfrage läuft."), "success")
    return redirect(url_for("polls.detail", poll_id=poll.id))


@bp.post("/umfragen/<id:poll_id>/termin")
@login_required
def schedule(poll_id: int):
    """Close the poll and turn the chosen slot into a meeting in one step (the meeting invites everyone)."""
    poll = get_managed_poll(poll_id)
    form = ConvertForm()
    if not form.validate_on_submit():
        abort(400)
    slot = next((s for s in poll.slots if str(s.id) == form.slot.data), None)
    if slot is None:
        flash(_("Bitte wählen Sie einen der vorgeschlagenen Termine."), "error")
        return redirect(url_for("polls.detail", poll_id=poll.id))
    try:
        meeting, mails = schedule_from_poll(poll, slot, current_user)
    except Finished as refusal:
        return refused(poll, refusal, "info")
    except NotAllowed as refusal:
        return refused(poll, refusal)
    flash(
        ngettext(
            "Der Termin steht; die Sitzung ist geplant und %(num)d Einladung ist verschickt.",
            "Der Termin steht; die Sitzung ist geplant und %(num)d Einladungen sind verschickt.",
            len(mails),
        ),
        "success",
    )
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/umfragen/<id:poll_id>/erinnern")
@login_required
def send_reminder(poll_id: int):
    poll = get_managed_poll(poll_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        mails = remind(poll, current_user)
    except Finished as refusal:
        return refused(poll, refusal, "info")
    if mails:
        message = ngettext(
            "%(num)d Person ist an die Abstimmung erinnert.",
            "%(num)d Personen sind an die Abstimmung erinnert.",
            len(mails),
        )
    else:
        message = _("Alle haben abgestimmt; niemand musste erinnert werden.")
    flash(message, "success")
    return redirect(url_for("polls.detail", poll_id=poll.id))


@bp.post("/umfragen/<id:poll_id>/beenden")
@login_required
def close(poll_id: int):
    """End the poll without a meeting (no slot suits; the lead starts a new poll)."""
    poll = get_managed_poll(poll_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        close_poll(poll)
    except Finished as refusal:
        flash(str(refusal), "info")
    else:
        flash(_("Die Umfrage ist beendet, ohne Termin."), "success")
    return redirect(url_for("polls.detail", poll_id=poll.id))
