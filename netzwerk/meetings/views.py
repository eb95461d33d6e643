import hashlib
from datetime import date, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.actors.services import fields_of_action
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import (
    can_manage_group,
    can_view_meeting,
    has_public_calendar,
    login_required,
    public,
)
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.forms import date_arg, form_status, int_arg, page_number, query_text, small_int
from netzwerk.groups.models import WorkingGroup
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import external_url
from netzwerk.meetings.attendance_sheet import BLANK_ROWS, attendance_sheet_pdf, meeting_when, meeting_where, sheet_rows
from netzwerk.meetings.blueprint import bp
from netzwerk.meetings.forms import (
    AnswerForm,
    ButtonForm,
    CancelMeetingForm,
    EditMeetingForm,
    MeetingForm,
    MeetingMessageForm,
    MinutesForm,
    PastMeetingForm,
)
from netzwerk.meetings.lists import INVITEE_COLUMNS, invitee_rows
from netzwerk.meetings.models import Answer, Audience, Invitation, Meeting
from netzwerk.meetings.services.calendar import (
    calendar_last_modified,
    feed_meetings,
    group_feed_meetings,
    meeting_calendar,
)
from netzwerk.meetings.services.capacity import free_places, waiting_position
from netzwerk.meetings.services.lists import MEETING_STATES, MeetingFilters, invitations_of, meetings_for, month_weeks
from netzwerk.meetings.services.messages import messages_of, recipients_of, write_to_invitees
from netzwerk.meetings.services.minutes import (
    TaskData,
    attendance_counts,
    has_started,
    require_minutes_possible,
    save_minutes,
    suggested_attendance,
)
from netzwerk.meetings.services.scheduling import (
    REMINDER_KINDS,
    MeetingData,
    answer,
    cancel_meeting,
    change_meeting,
    record_past_meeting,
    register_guest,
    remind_unanswered,
    require_answerable,
    require_cancellable,
    require_changeable,
    require_open_to_guests,
    schedule_series,
)
from netzwerk.meetings.services.tokens import feed_token, invitation_from_token, renew_feed_key, user_from_feed_token
from netzwerk.overview.services import office_settings
from netzwerk.polls.services import open_polls
from netzwerk.public_holidays import flash_holiday_notice
from netzwerk.tables import attachment, download, file_name
from netzwerk.throttle import throttle_post

LINK_PROBLEMS = {
    "invalid": _l(
        "Dieser Antwort-Link ist ungültig. Bitte nutzen Sie den Link aus Ihrer Einladung oder antworten Sie in der App."
    ),
    "expired": _l("Dieser Antwort-Link ist abgelaufen. Bitte antworten Sie in der App."),
}


def filters_from_request(is_admin: bool) -> tuple[MeetingFilters, list[str]]:
    """The manager's filters from the query string; junk dates are named, not an error page."""
    if not is_admin:
        return MeetingFilters(), []
    since, since_ok = date_arg("von")
    until, until_ok = date_arg("bis")
    problems = [] if since_ok and until_ok else [_("Bitte geben Sie Datumsangaben als TT.MM.JJJJ an.")]
    if since and until and until < since:
        problems.append(_("Das Ende des Zeitraums liegt vor dem Anfang."))
        since = until = None
    group = query_text("arbeitskreis", 200)
    text = query_text("suche", 200)
    state = request.args.get("stand", "")
    filters = MeetingFilters(
        group_id=small_int(group),
        field_of_action_id=int_arg("handlungsfeld"),
        since=since,
        until=until,
        group_text="" if small_int(group) is not None else group,
        text=text if len(text) >= 2 else "",
        state=state if state in MEETING_STATES else "",
    )
    return filters, problems


def filter_choices(is_admin: bool, filters: MeetingFilters) -> dict:
    """What the filter form shows: the fields of action, the states, and the chosen group by its name (the
    group is typed, not picked from a select of every group)."""
    if not is_admin:
        return {}
    chosen = db.session.get(WorkingGroup, filters.group_id) if filters.group_id else None
    return {
        "fields": fields_of_action(),
        "states": MEETING_STATE_LABELS,
        "group_typed": chosen.name if chosen else filters.group_text,
    }


MEETING_STATE_LABELS = {
    "geplant": _l("geplant"),
    "abgesagt": _l("abgesagt"),
    "mit-protokoll": _l("mit Protokoll"),
    "ohne-protokoll": _l("stattgefunden, ohne Protokoll"),
}


@bp.get("/termine/")
@login_required
def index():
    is_admin = current_user.role == Role.ADMIN
    filters, problems = filters_from_request(is_admin)
    return render_template(
        "meetings/index.html",
        upcoming=meetings_for(current_user, True, is_admin, filters, page=page_number("kommende")),
        past=meetings_for(current_user, False, is_admin, filters, page=page_number("vergangene")),
        polls=open_polls(current_user, is_admin=is_admin),
        filters=filters,
        problems=problems,
        **filter_choices(is_admin, filters),
    )


@bp.get("/termine/kalender")
@login_required
def month():
    """A month calendar of the user's meetings (the manager: all, with the same filters as the list)."""
    is_admin = current_user.role == Role.ADMIN
    filters, problems = filters_from_request(is_admin)
    today = clock.today()
    shown = month_arg("monat") or today.replace(day=1)
    return render_template(
        "meetings/month.html",
        weeks=month_weeks(current_user, is_admin, filters, shown.year, shown.month),
        shown=shown,
        today=today,
        previous=(shown - timedelta(days=1)).replace(day=1),
        following=(shown + timedelta(days=32)).replace(day=1),
        filters=filters,
        problems=problems,
        **filter_choices(is_admin, filters),
    )


def month_arg(name: str) -> date | None:
    """``?monat=YYYY-MM`` as the first of that month; junk or far-off years give None (this month)."""
    value = request.args.get(name, "")
    try:
        first = date.fromisoformat(f"{value}-01") if len(value) == 7 else None
    except ValueError:
        return None
    return first if first and 2000 <= first.year <= 2100 else None


def get_visible_meeting(meeting_id: int) -> Meeting:
    meeting = db.first_or_404(
        select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.group).selectinload(WorkingGroup.memberships))
    )
    invited = db.session.scalar(
        select(Invitation.id).where(Invitation.meeting_id == meeting.id, Invitation.user_id == current_user.id)
    )
    if not can_view_meeting(current_user, meeting, invited is not None):
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
    return render_detail(meeting, invitation, form)


def reminder_log(meeting: Meeting) -> list[OutgoingMail]:
    """Who was reminded when, and whether the mail went out (the lead's view of the scheduler's work)."""
    return list(
        db.session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.meeting_id == meeting.id, OutgoingMail.kind.in_(REMINDER_KINDS))
            .order_by(OutgoingMail.created_at.desc())
        )
    )


def render_detail(
    meeting: Meeting,
    invitation: Invitation | None,
    form: AnswerForm | None,
    status: int = 200,
    guest_problem: str | None = None,
):
    manage = can_manage_group(current_user, meeting.group)
    minutes_visible = manage or meeting.minutes_published_at is not None
    invitations = invitations_of(meeting) if manage or minutes_visible else []
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        invitation=invitation,
        form=form,
        manage=manage,
        invitations=invitations if manage else [],
        present=sorted(invitations, key=lambda i: i.user.name.casefold()) if minutes_visible else [],
        attendance=attendance_counts(invitations),
        minutes_visible=minutes_visible,
        started=has_started(meeting),
        free=free_places(meeting),
        reminder_log=reminder_log(meeting) if manage else [],
        position=waiting_position(invitation) if invitation else None,
        guest_form=ButtonForm() if invitation is None and meeting.guests_allowed and not has_started(meeting) else None,
        starts=clock.to_local(meeting.starts_at),
        ends=clock.to_local(meeting.ends_at),
        answers=Answer,
        guest_problem=guest_problem,
        messages=messages_of(meeting) if manage or invitation is not None else [],
    ), status


@bp.route("/termine/<id:meeting_id>/nachricht", methods=["GET", "POST"])
@login_required
def message(meeting_id: int):
    """Write to the invitees: all, only the Zusagen, or only those who have not answered yet."""
    meeting = get_managed_meeting(meeting_id)
    form = MeetingMessageForm()
    counts = {audience: len(recipients_of(meeting, audience)) for audience in Audience}
    form.audience.choices = [
        (
            audience.value,
            ngettext("%(label)s (%(num)d Person)", "%(label)s (%(num)d Personen)", n, label=audience.label),
        )
        for audience, n in counts.items()
    ]
    if form.validate_on_submit():
        sent = write_to_invitees(meeting, current_user, Audience(form.audience.data), form.subject.data, form.body.data)
        flash(
            ngettext(
                "Die Nachricht geht an %(num)d Person.", "Die Nachricht geht an %(num)d Personen.", sent.recipients
            ),
            "success",
        )
        return redirect(url_for("meetings.detail", meeting_id=meeting.id, _anchor="nachrichten"))
    return render_template("meetings/message.html", meeting=meeting, form=form), form_status(form)


@bp.get("/termine/<id:meeting_id>/teilnehmerliste")
@login_required
def attendance_sheet(meeting_id: int):
    """The Teilnehmerliste to print (with a signature column and the funding notice), and as PDF."""
    meeting = get_managed_meeting(meeting_id)
    return render_template(
        "meetings/attendance_sheet.html",
        meeting=meeting,
        rows=sheet_rows(meeting),
        blank_rows=BLANK_ROWS,
        settings=office_settings(),
        when=meeting_when(meeting),
        where=meeting_where(meeting),
    )


@bp.get("/termine/<id:meeting_id>/teilnehmerliste.pdf")
@login_required
def attendance_sheet_file(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    day = f"{clock.to_local(meeting.starts_at):%Y-%m-%d}"
    name = file_name("teilnehmerliste", meeting.group.short_name or meeting.group.name, day)
    return attachment(attendance_sheet_pdf(meeting, office_settings()), "application/pdf", f"{name}.pdf")


@bp.get("/termine/<id:meeting_id>/eingeladene.<any(csv, xlsx):fmt>")
@login_required
def invitee_list_file(meeting_id: int, fmt: str):
    """The invitees with their answers (after the meeting with the attendance) as CSV or xlsx."""
    meeting = get_managed_meeting(meeting_id)
    day = f"{clock.to_local(meeting.starts_at):%Y-%m-%d}"
    name = file_name("eingeladene", meeting.group.short_name or meeting.group.name, day)
    return download(fmt, name, [str(c) for c in INVITEE_COLUMNS], invitee_rows(meeting), sheet_title=_("Eingeladene"))


def refused(meeting: Meeting, refusal, category: str = "error"):
    """A step the meeting's state does not allow: the reason as a message on the meeting's page."""
    flash(str(refusal), category)
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/termine/<id:meeting_id>/antwort")
@login_required
def answer_in_app(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    invitation = own_invitation(meeting)
    if invitation is None:
        abort(404)
    require_answerable(meeting)  # nothing to answer any more: the error page says why (409)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_detail(meeting, invitation, form, 422)
    save_answer(invitation, form)
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


def save_answer(invitation: Invitation, form: AnswerForm) -> None:
    answer(invitation, Answer(form.answer.data), form.comment.data or "")
    if invitation.waitlisted_at:
        message = _(
            "Die Sitzung ist voll. Sie stehen auf der Warteliste (Platz %(position)d) und erhalten eine E-Mail, "
            "sobald ein Platz frei wird.",
            position=waiting_position(invitation),
        )
    else:
        message = _("Ihre Antwort ist gespeichert: %(answer)s.", answer=invitation.answer_label)
    flash(message, "success")


@bp.route("/antwort/<token>", methods=["GET", "POST"])
@public
def answer_link(token: str):
    """The link from the invitation mail: works without logging in, but answers only with a button (POST), so
    mail scanners that open links never answer for the person."""
    verdict = throttle_post("answer", "ANSWER_LINK_MAX_PER_ADDRESS")  # counted before the link is checked
    invitation, problem = invitation_from_token(token)
    if problem:
        message = verdict.message() if verdict.throttled else LINK_PROBLEMS[problem]
        return (
            render_template("meetings/link_problem.html", message=message),
            (429 if verdict.throttled else 400),
            verdict.headers(),
        )
    chosen = request.args.get("antwort")  # the one-click links of a reminder preselect the answer
    form = AnswerForm(answer=chosen if chosen in set(Answer) else invitation.answer, comment=invitation.comment)
    meeting = invitation.meeting
    started = has_started(meeting)
    if verdict.throttled:
        form.form_errors.append(verdict.message())
    elif form.validate_on_submit():
        try:
            save_answer(invitation, form)
        except Finished:
            pass  # the page says that the meeting was cancelled or has begun
        else:
            return redirect(url_for("meetings.answer_link", token=token))
    return (
        render_template(
            "meetings/answer.html",
            invitation=invitation,
            meeting=meeting,
            form=form,
            started=started,
            starts=clock.to_local(meeting.starts_at),
            ends=clock.to_local(meeting.ends_at),
        ),
        429 if verdict.throttled else form_status(form),
        verdict.headers(),
    )


def get_group_to_plan(group_id: int) -> WorkingGroup:
    """A group whose meetings this person plans and records: the manager, and the group's lead and deputy."""
    group = db.get_or_404(WorkingGroup, group_id)
    if not can_manage_group(current_user, group):
        abort(403)
    return group


@bp.route("/arbeitskreise/<id:group_id>/sitzungen/neu", methods=["GET", "POST"])
@login_required
def create(group_id: int):
    group = get_group_to_plan(group_id)
    form = MeetingForm(to_utc=clock.to_utc)
    if form.validate_on_submit():
        meetings, invited = schedule_series(
            group, data_from(form), current_user, form.repeat.data, form.repeat_count.data or 1
        )
        flash(scheduled_message(len(meetings), invited), "success")
        flash_holiday_notice(meeting.starts_at for meeting in meetings)
        return redirect(url_for("meetings.detail", meeting_id=meetings[0].id))
    return render_template("meetings/form.html", form=form, group=group), form_status(form)


def scheduled_message(meetings: int, mails: int) -> str:
    if meetings > 1:
        return _("%(count)d Sitzungen sind geplant; %(num)d Einladungen sind verschickt.", count=meetings, num=mails)
    return ngettext(
        "Die Sitzung ist geplant; %(num)d Einladung ist verschickt.",
        "Die Sitzung ist geplant; %(num)d Einladungen sind verschickt.",
        mails,
    )


def get_managed_meeting(meeting_id: int) -> Meeting:
    meeting = get_visible_meeting(meeting_id)
    if not can_manage_group(current_user, meeting.group):
        abort(403)
    return meeting


def data_from(form: MeetingForm) -> MeetingData:
    return MeetingData(
        title=form.title.data,
        starts_at=clock.to_utc(form.starts_at.data),
        ends_at=clock.to_utc(form.ends_at.data),
        place=form.place.data or "",
        room=form.room.data or "",
        online_url=form.online_url.data or "",
        agenda=form.agenda.data or "",
        documents=form.documents.data or "",
        capacity=form.capacity.data if form.capacity else None,
        guests_allowed=bool(form.guests_allowed and form.guests_allowed.data),
        reminder_note=(form.reminder_note.data or "") if form.reminder_note else "",
    )


@bp.route("/arbeitskreise/<id:group_id>/sitzungen/nachtragen", methods=["GET", "POST"])
@login_required
def record_past(group_id: int):
    """A meeting that took place without the tool: entered afterwards, then its attendance and minutes."""
    group = get_group_to_plan(group_id)
    form = PastMeetingForm(to_utc=clock.to_utc)
    if form.validate_on_submit():
        meeting = record_past_meeting(group, data_from(form), current_user)
        flash(
            _("Die Sitzung ist nachgetragen; niemand wurde eingeladen. Erfassen Sie jetzt Anwesenheit und Protokoll."),
            "success",
        )
        return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, group=group, past=True), form_status(form)


@bp.route("/termine/<id:meeting_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    require_changeable(meeting)  # a cancelled meeting: the error page says why (409)
    form = EditMeetingForm(to_utc=clock.to_utc, obj=meeting)
    form.submit.label.text = _("Änderung speichern und mitteilen")
    if not form.is_submitted():
        form.starts_at.data = clock.wall_clock(meeting.starts_at)
        form.ends_at.data = clock.wall_clock(meeting.ends_at)
    status = None
    if form.validate_on_submit() and not form.is_stale(meeting):
        try:
            told = change_meeting(meeting, data_from(form))
        except Conflict:
            form.crossed(meeting)
            status = 409
        else:
            flash(_("Gespeichert.") + (" " + _("Die Eingeladenen sind benachrichtigt.") if told else ""), "success")
            flash_holiday_notice([meeting.starts_at])
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    page = render_template("meetings/form.html", form=form, group=meeting.group, meeting=meeting)
    return page, status or form_status(form)


@bp.route("/termine/<id:meeting_id>/absagen", methods=["GET", "POST"])
@login_required
def cancel(meeting_id: int):
    """Ask first (GET changes nothing), then call the meeting off with the optional reason."""
    meeting = get_managed_meeting(meeting_id)
    try:
        require_cancellable(meeting)
    except Finished as refusal:
        return refused(meeting, refusal, "info")
    form = CancelMeetingForm()
    if form.validate_on_submit():
        cancel_meeting(meeting, form.reason.data or "")
        flash(_("Die Sitzung ist abgesagt; die Eingeladenen sind benachrichtigt."), "success")
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template(
        "meetings/cancel.html", form=form, meeting=meeting, invited=len(invitations_of(meeting))
    ), form_status(form)


@bp.get("/termine/<id:meeting_id>.ics")
@login_required
def calendar_file(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    return calendar_response([meeting], meeting_calendar([meeting], "PUBLISH"), f"sitzung-{meeting.id}.ics")


def calendar_response(meetings: list[Meeting], body: str, filename: str | None = None, private=True) -> Response:
    """The calendar with a validator of its exact text (ETag) and the meetings' last change (Last-Modified);
    a calendar program asking again with either gets 304 while nothing changed, entries added or left included."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else {}
    response = Response(body, mimetype="text/calendar", headers=headers)
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    response.last_modified = calendar_last_modified(meetings)
    # personal feeds and files stay out of shared caches; every client asks again (cheaply, with 304)
    response.headers["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    return response.make_conditional(request)


@bp.get("/kalender/")
@login_required
def subscribe():
    """The personal subscription address with how to add it to common calendar programs."""
    feed_url = external_url("meetings.personal_feed", token=feed_token(current_user))
    return render_template(
        "meetings/subscribe.html",
        feed_url=feed_url,
        webcal_url=feed_url.replace("https://", "webcal://", 1),
        form=ButtonForm(),
    )


@bp.post("/kalender/neu")
@login_required
def renew_feed():
    if not ButtonForm().validate_on_submit():
        abort(400)
    renew_feed_key(current_user)
    flash(_("Sie haben eine neue Kalender-Adresse. Die bisherige Adresse funktioniert nicht mehr."), "success")
    return redirect(url_for("meetings.subscribe"))


@bp.get("/kalender/<token>.ics")
@public
def personal_feed(token: str):
    """Subscribed by calendar programs, which cannot log in: the secret token is the permission."""
    user = user_from_feed_token(token)
    if user is None:
        abort(404)
    meetings = feed_meetings(user)
    return calendar_response(meetings, meeting_calendar(meetings, "PUBLISH", name=_("Netzwerk Landshut")))


@bp.get("/arbeitskreise/<id:group_id>/kalender.ics")
@public
def group_feed(group_id: int):
    group = db.get_or_404(WorkingGroup, group_id)
    if not has_public_calendar(group):
        abort(404)
    meetings = group_feed_meetings(group)
    body = meeting_calendar(meetings, "PUBLISH", name=group.name, public=True)
    return calendar_response(meetings, body, private=False)


def minutes_form(meeting: Meeting, invitations: list[Invitation]) -> MinutesForm:
    """Attendance rows come from the invitation list; on GET prefilled from the answers."""
    form = MinutesForm(obj=meeting)
    if not form.is_submitted():
        form.attendance.entries, form.attendance.last_index = [], -1
        for invitation in invitations:
            form.attendance.append_entry(
                {
                    "invitation_id": invitation.id,
                    "status": suggested_attendance(invitation) or "",
                    "represented_by": invitation.represented_by,
                }
            )
        form.tasks.entries, form.tasks.last_index = [], -1
        for task in meeting.tasks:
            form.tasks.append_entry(task)
    for _blank in range(3):  # room for new tasks; empty rows are ignored
        if form.is_submitted():
            break
        form.tasks.append_entry()
    return form


def rows_match_invitations(form: MinutesForm, invitations: list[Invitation]) -> bool:
    submitted = [row.form.invitation_id.data for row in form.attendance]
    if sorted(submitted) == sorted(str(i.id) for i in invitations):
        return True
    form.form_errors.append(
        _("Die Einladungsliste hat sich inzwischen geändert. Bitte prüfen Sie die Anwesenheit erneut.")
    )
    return False


@bp.route("/termine/<id:meeting_id>/protokoll", methods=["GET", "POST"])
@login_required
def minutes(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    try:
        require_minutes_possible(meeting)
    except NotAllowed as refusal:
        return refused(meeting, refusal, "info")
    invitations = sorted(invitations_of(meeting), key=lambda i: i.user.name.casefold())
    form = minutes_form(meeting, invitations)
    status = None
    if form.validate_on_submit() and rows_match_invitations(form, invitations) and not form.is_stale(meeting):
        was_published = meeting.minutes_published_at is not None
        try:
            save_minutes(meeting, **minutes_from(form))
        except Conflict:
            form.crossed(meeting)
            status = 409
        else:
            flash(
                _("Das Protokoll ist veröffentlicht; die Eingeladenen sind informiert.")
                if meeting.minutes_published_at and not was_published
                else _("Das Protokoll ist gespeichert."),
                "success",
            )
            return redirect(url_for("meetings.detail", meeting_id=meeting.id) + "#protokoll")
    names = {str(i.id): i.user.name for i in invitations}
    return render_template(
        "meetings/minutes_form.html", form=form, meeting=meeting, names=names, starts=clock.to_local(meeting.starts_at)
    ), status or form_status(form)


def minutes_from(form: MinutesForm) -> dict:
    """save_minutes' arguments from the submitted form; task rows left empty are dropped."""
    return {
        "attendance": {
            int(row.form.invitation_id.data): (row.form.status.data, row.form.represented_by.data or "")
            for row in form.attendance
        },
        "minutes": form.minutes.data or "",
        "decisions": form.decisions.data or "",
        "tasks": [
            TaskData(
                what=row.form.what.data,
                who=row.form.who.data or "",
                due_on=row.form.due_on.data,
                done=row.form.done.data,
            )
            for row in form.tasks
            if row.form.what.data
        ],
        "publish": form.publish.data,
    }


@bp.post("/termine/<id:meeting_id>/gast")
@login_required
def register_as_guest(meeting_id: int):
    meeting = get_visible_meeting(meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if own_invitation(meeting) is not None:
        return redirect(url_for("meetings.detail", meeting_id=meeting.id))  # already registered or invited
    require_open_to_guests(meeting)  # said before the throttle counts: the error page gives the reason
    verdict = throttle_post("guest", "GUEST_MAX_PER_ADDRESS")
    if verdict.throttled:
        page, status = render_detail(meeting, None, None, 429, guest_problem=verdict.message())
        return page, status, verdict.headers()
    try:
        invitation = register_guest(meeting, current_user._get_current_object())
    except Conflict as refusal:  # the same person registered at the same moment (a double click): that one counts
        flash(str(refusal), "info")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    flash(
        _("Sie sind als Gast angemeldet; die Einladung mit Kalendereintrag kommt per E-Mail.")
        if not invitation.waitlisted_at
        else _("Die Sitzung ist voll. Sie stehen als Gast auf der Warteliste."),
        "success",
    )
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.post("/termine/<id:meeting_id>/erinnern")
@login_required
def remind(meeting_id: int):
    meeting = get_managed_meeting(meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    reminded = remind_unanswered(meeting)  # Finished (409) once the meeting was cancelled or has begun
    flash(
        ngettext(
            "%(num)d Person ohne Antwort ist erinnert.", "%(num)d Personen ohne Antwort sind erinnert.", len(reminded)
        ),
        "success",
    )
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))
