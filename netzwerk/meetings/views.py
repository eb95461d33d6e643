from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk.auth.models import Role
from netzwerk.auth.permissions import can_manage_group, can_see_group_meetings, login_required, public
from netzwerk.extensions import db
from netzwerk.forms import form_status
from netzwerk.groups.models import WorkingGroup
from netzwerk.mail.services import deliver
from netzwerk.meetings import bp
from netzwerk.meetings.forms import AnswerForm, CancelForm, MeetingForm
from netzwerk.meetings.models import Answer, Invitation, Meeting
from netzwerk.meetings.services import (
    MeetingData,
    answer,
    cancel_meeting,
    change_meeting,
    invitation_from_token,
    invitations_of,
    meeting_calendar,
    meetings_for,
    schedule_meeting,
    to_local,
    to_utc,
)

LINK_PROBLEMS = {
    "invalid": _l(
        "Dieser Antwort-Link ist ungültig. Bitte nutzen Sie den Link aus Ihrer Einladung oder antworten Sie in der App."
    ),
    "expired": _l("Dieser Antwort-Link ist abgelaufen. Bitte antworten Sie in der App."),
}


@bp.get("/termine/")
@login_required
def index():
    is_admin = current_user.role == Role.ADMIN
    return render_template(
        "meetings/index.html",
        upcoming=meetings_for(current_user, upcoming=True, is_admin=is_admin),
        past=meetings_for(current_user, upcoming=False, is_admin=is_admin),
        to_local=to_local,
    )


def get_visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.first_or_404(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.group).selectinload(WorkingGroup.memberships))
    )
    invited = db.session.scalar(
        select(Invitation.id).where(Invitation.meeting_id == meeting.id, Invitation.user_id == current_user.id)
    )
    if not (invited or can_see_group_meetings(current_user, meeting.group)):
        abort(404)
    return meeting


def own_invitation(meeting: Meeting) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.user_id == current_user.id)
    )


@bp.get("/termine/<id:meeting_id>")
@login_required
def detail(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    invitation = own_invitation(meeting)
    form = AnswerForm(formdata=None, answer=invitation.answer, comment=invitation.comment) if invitation else None
    manage = can_manage_group(current_user, meeting.group)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        invitation=invitation,
        form=form,
        manage=manage,
        invitations=invitations_of(meeting) if manage else [],
        starts=to_local(meeting.starts_at),
        ends=to_local(meeting.ends_at),
        answers=Answer,
    )


@bp.post("/termine/<id:meeting_id>/antwort")
@login_required
def answer_in_app(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    invitation = own_invitation(meeting)
    if invitation is None:
        abort(404)
    if meeting.is_cancelled:
        abort(409)  # nothing to answer any more
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_template(
            "meetings/detail.html",
            meeting=meeting,
            invitation=invitation,
            form=form,
            manage=False,
            invitations=[],
            starts=to_local(meeting.starts_at),
            ends=to_local(meeting.ends_at),
            answers=Answer,
        ), 422
    answer(invitation, Answer(form.answer.data), form.comment.data or "")
    db.session.commit()
    flash(_("Ihre Antwort ist gespeichert: %(answer)s.", answer=invitation.answer_label), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/antwort/<token>", methods=["GET", "POST"])
@public
def answer_link(token: str):
    """The link from the invitation mail: works without logging in, but answers only with a button (POST), so
    mail scanners that open links never answer for the person."""
    invitation, problem = invitation_from_token(token)
    if problem:
        return render_template("meetings/link_problem.html", message=LINK_PROBLEMS[problem]), 400
    form = AnswerForm(answer=invitation.answer, comment=invitation.comment)
    meeting = invitation.meeting
    if form.validate_on_submit() and not meeting.is_cancelled:
        answer(invitation, Answer(form.answer.data), form.comment.data or "")
        db.session.commit()
        flash(_("Danke, Ihre Antwort ist gespeichert: %(answer)s.", answer=invitation.answer_label), "success")
        return redirect(url_for("meetings.answer_link", token=token))
    return render_template(
        "meetings/answer.html",
        invitation=invitation,
        meeting=meeting,
        form=form,
        starts=to_local(meeting.starts_at),
        ends=to_local(meeting.ends_at),
    ), form_status(form)


@bp.route("/arbeitskreise/<id:group_id>/sitzungen/neu", methods=["GET", "POST"])
@login_required
def create(group_id: int):
    group = db.get_or_404(WorkingGroup, group_id)
    if not can_manage_group(current_user, group):
        abort(403)
    form = MeetingForm(to_utc=to_utc)
    if form.validate_on_submit():
        meeting, mails = schedule_meeting(group, data_from(form), current_user)
        db.session.commit()
        deliver(mails)
        flash(
            ngettext(
                "Die Sitzung ist geplant; %(num)d Einladung ist verschickt.",
                "Die Sitzung ist geplant; %(num)d Einladungen sind verschickt.",
                len(mails),
            ),
            "success",
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, group=group), form_status(form)


def get_managed_meeting(meeting_id: int) -> Meeting:
    meeting = get_visible_meeting(meeting_id)
    if not can_manage_group(current_user, meeting.group):
        abort(403)
    return meeting


def data_from(form: MeetingForm) -> MeetingData:
    return MeetingData(
        title=form.title.data,
        starts_at=to_utc(form.starts_at.data),
        ends_at=to_utc(form.ends_at.data),
        place=form.place.data or "",
        room=form.room.data or "",
        online_url=form.online_url.data or "",
        agenda=form.agenda.data or "",
    )


@bp.route("/termine/<id:meeting_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    if meeting.is_cancelled:
        abort(409)
    form = MeetingForm(to_utc=to_utc, obj=meeting)
    form.submit.label.text = _("Änderung speichern und mitteilen")
    if not form.is_submitted():
        form.starts_at.data = to_local(meeting.starts_at).replace(tzinfo=None)
        form.ends_at.data = to_local(meeting.ends_at).replace(tzinfo=None)
    if form.validate_on_submit():
        mails = change_meeting(meeting, data_from(form))
        db.session.commit()
        deliver(mails)
        flash(_("Gespeichert.") + (" " + _("Die Eingeladenen sind benachrichtigt.") if mails else ""), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, group=meeting.group, meeting=meeting), form_status(form)


@bp.post("/termine/<id:meeting_id>/absagen")
@login_required
def cancel(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    if not CancelForm().validate_on_submit():
        abort(400)
    if not meeting.is_cancelled:
        mails = cancel_meeting(meeting)
        db.session.commit()
        deliver(mails)
    flash(_("Die Sitzung ist abgesagt; die Eingeladenen sind benachrichtigt."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.get("/termine/<id:meeting_id>.ics")
@login_required
def calendar_file(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    body = meeting_calendar([meeting], "PUBLISH")
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="sitzung-{meeting.id}.ics"'},
    )
