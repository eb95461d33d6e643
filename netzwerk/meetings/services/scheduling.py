"""Scheduling meetings (one or a series), inviting with calendar files, the members' and guests' answers,
reminders to answer, changes and cancellations. Services decide and raise domain errors (netzwerk/errors.py);
the unit of work commits and sends the mails."""

from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from netzwerk import clock, unit_of_work
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup, current_on
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import drop_waiting, external_url, queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus, new_uid
from netzwerk.meetings.recurrence import occurrences
from netzwerk.meetings.services.calendar import meeting_calendar
from netzwerk.meetings.services.capacity import fill_places, free_places, lock_places
from netzwerk.meetings.services.lists import invitations_of
from netzwerk.meetings.services.minutes import has_started
from netzwerk.meetings.services.tokens import answer_token

REMINDER_KINDS = ("meeting_reminder", "meeting_answer_reminder")  # planned by netzwerk.reminders

ANSWERS_CANCELLED = _l("Diese Sitzung ist abgesagt; Antworten sind nicht mehr möglich.")
ANSWERS_STARTED = _l("Die Sitzung hat bereits begonnen; Antworten sind nicht mehr möglich.")
GUESTS_NOT_INVITED = _l("Für diese Sitzung ist keine Anmeldung als Gast vorgesehen.")
GUESTS_CANCELLED = _l("Diese Sitzung ist abgesagt; eine Anmeldung als Gast ist nicht mehr möglich.")
GUESTS_STARTED = _l("Die Sitzung hat bereits begonnen; eine Anmeldung als Gast ist nicht mehr möglich.")
ALREADY_REGISTERED = _l("Sie sind bereits angemeldet.")
REMINDERS_CANCELLED = _l("Diese Sitzung ist abgesagt; es gibt nichts mehr zu erinnern.")
REMINDERS_STARTED = _l("Die Sitzung hat bereits begonnen; an die Antwort kann nicht mehr erinnert werden.")
CHANGE_CANCELLED = _l("Diese Sitzung ist abgesagt und kann nicht mehr geändert werden.")
ALREADY_CANCELLED = _l("Diese Sitzung ist bereits abgesagt.")
PAST_MEETING_AHEAD = _l("Der Beginn liegt in der Zukunft: planen Sie diese Sitzung bitte mit Einladung.")


def require_ahead(meeting: Meeting, cancelled, started) -> None:
    """Finished (with the fitting reason) once the meeting is cancelled or has begun."""
    if meeting.is_cancelled:
        raise Finished(cancelled)
    if has_started(meeting):
        raise Finished(started)


def require_not_cancelled(meeting: Meeting, message) -> None:
    if meeting.is_cancelled:
        raise Finished(message)


def require_answerable(meeting: Meeting) -> None:
    """Answers count until the meeting begins, and not for a cancelled one."""
    require_ahead(meeting, ANSWERS_CANCELLED, ANSWERS_STARTED)


def require_open_to_guests(meeting: Meeting) -> None:
    if not meeting.guests_allowed:
        raise NotAllowed(GUESTS_NOT_INVITED)
    require_ahead(meeting, GUESTS_CANCELLED, GUESTS_STARTED)


def require_changeable(meeting: Meeting) -> None:
    require_not_cancelled(meeting, CHANGE_CANCELLED)


def require_cancellable(meeting: Meeting) -> None:
    require_not_cancelled(meeting, ALREADY_CANCELLED)


@dataclass
class MeetingData:
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    place: str = ""
    room: str = ""
    online_url: str = ""
    agenda: str = ""
    documents: str = ""
    capacity: int | None = None
    guests_allowed: bool = False
    reminder_note: str = ""


def schedule_series(
    group: WorkingGroup, data: MeetingData, organizer: User, rule: str, count: int
) -> tuple[list[Meeting], int]:
    """One meeting per date of the series (each with its own invitations and answers), scheduled in one go.
    The meetings and how many invitations are sent."""
    duration = data.ends_at - data.starts_at
    starts = occurrences(clock.wall_clock(data.starts_at), rule, count)
    series_uid = new_uid() if len(starts) > 1 else None
    meetings, sent = [], 0
    for start in starts:
        begins = clock.to_utc(start)
        one = replace(data, starts_at=begins, ends_at=begins + duration)
        meeting, invited = schedule_meeting(group, one, organizer, series_uid=series_uid)
        meetings.append(meeting)
        sent += len(invited)
    if series_uid:
        record("meeting.series_scheduled", group, summary=f"{data.title}: {len(meetings)}")
    return meetings, sent


def schedule_meeting(
    group: WorkingGroup,
    data: MeetingData,
    organizer: User,
    series_uid: str | None = None,
    accepted: frozenset[int] = frozenset(),
) -> tuple[Meeting, list[User]]:
    """Create the meeting and invite every current member, each with a calendar entry and an answer link;
    the members in ``accepted`` (user ids: "Ja" in the date poll) start as Zusage and may still change it.
    The meeting and the people invited by mail (active accounts)."""
    meeting = Meeting(group=group, organizer=organizer, series_uid=series_uid, **data.__dict__)
    db.session.add(meeting)
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, current_on())
    ).all()
    invitations = [Invitation(meeting=meeting, user=user) for user in {user.id: user for user in members}.values()]
    for invitation in invitations:
        if invitation.user.id in accepted:
            invitation.answer, invitation.answered_at = Answer.YES, clock.now()
    db.session.add_all(invitations)
    db.session.flush()
    record("meeting.scheduled", meeting, summary=f"{group.name}: {meeting.title}")
    mailed = [invitation for invitation in invitations if invitation.user.is_active]
    for invitation in mailed:
        invitation_mail(invitation)
    return meeting, [invitation.user for invitation in mailed]


def record_past_meeting(group: WorkingGroup, data: MeetingData, organizer: User) -> Meeting:
    """A meeting that took place without the tool: stored with the current members as its invitation list (for
    the attendance), and no mail to anyone."""
    if data.starts_at > clock.now():
        raise NotAllowed(PAST_MEETING_AHEAD)
    meeting = Meeting(group=group, organizer=organizer, **data.__dict__)
    db.session.add(meeting)
    members = db.session.scalars(
        select(Membership.user_id).where(Membership.group_id == group.id, current_on()).distinct()
    ).all()
    db.session.add_all(Invitation(meeting=meeting, user_id=user_id) for user_id in members)
    db.session.flush()
    record("meeting.recorded", meeting, summary=f"{group.name}: {meeting.title}")
    return meeting


def invitation_mail(invitation: Invitation) -> OutgoingMail:
    return calendar_mail(invitation, "meeting_invitation", "REQUEST")


def answer(invitation: Invitation, value: Answer, comment: str = "", via: str = "") -> None:
    """Save the answer while the meeting is ahead. With a capacity, a Zusage beyond it waits on the list, and a
    place given up goes to the first in line (who is mailed). ``via`` marks the audit entry (e.g.
    "per E-Mail-Antwort")."""
    meeting = invitation.meeting
    require_answerable(meeting)
    lock_places(meeting)
    had_place, before = invitation.has_place, invitation.answer
    invitation.answer, invitation.comment, invitation.answered_at = value, comment, clock.now()
    if value != Answer.YES:
        invitation.waitlisted_at = None
    elif not had_place and invitation.waitlisted_at is None and free_places(meeting, besides=invitation) == 0:
        invitation.waitlisted_at = clock.now()
    summary = f"{invitation.user.name} ({via})" if via else invitation.user.name
    record("meeting.answered", invitation.meeting, summary=summary, changes={"answer": [before, str(value)]})
    if had_place and value != Answer.YES:
        fill_places(meeting)


def register_guest(meeting: Meeting, user: User) -> Invitation:
    """Someone outside the group registers for a meeting open to guests: a Zusage (or a place on the
    waiting list) and the calendar invitation like a member's. A second registration of the same person at
    the same moment (a double click) is a Conflict: the first one counts."""
    require_open_to_guests(meeting)
    invitation = Invitation(meeting=meeting, user=user, is_guest=True)
    db.session.add(invitation)
    unit_of_work.flush(Conflict(ALREADY_REGISTERED))
    answer(invitation, Answer.YES)
    record("meeting.guest_registered", meeting, summary=user.name)
    invitation_mail(invitation)
    return invitation


def remind_unanswered(meeting: Meeting) -> list[User]:
    """A reminder with the answer links to everyone invited who has not answered yet (except those who
    turned these reminders off, with the link in an earlier one). The people reminded."""
    require_ahead(meeting, REMINDERS_CANCELLED, REMINDERS_STARTED)
    reminded = []
    for invitation in invitations_of(meeting):
        if invitation.answer is None and invitation.user.is_active and invitation.user.answer_reminders:
            invitation.reminded_at = clock.now()
            link = external_url("meetings.answer_link", token=answer_token(invitation))
            mail = queue_mail(
                invitation.user.email,
                "meeting_answer_reminder",
                user=invitation.user,
                link=link,
                meeting=meeting,
                invitation=invitation,
            )
            mail.meeting_id, mail.expires_at = meeting.id, meeting.starts_at
            reminded.append(invitation.user)
    if reminded:
        record("meeting.reminded", meeting, summary=str(len(reminded)))
    return reminded


NOTIFY_ON = ("starts_at", "ends_at", "place", "room", "online_url")


def new_version(meeting: Meeting) -> None:
    """Every change raises SEQUENCE (calendars replace the entry) and the version, written at once: a save
    that crossed another one is a Conflict before anything else happens."""
    meeting.sequence += 1
    meeting.version += 1
    meeting.updated_at = clock.now()
    unit_of_work.flush()


def change_meeting(meeting: Meeting, data: MeetingData) -> int:
    """Save a change of a meeting that is not cancelled; a new time or place is sent to everyone invited,
    those who declined included: the new date may suit them, and their answer link lets them accept now.
    How many people were told (those moved up from the waiting list included)."""
    require_changeable(meeting)
    before = {name: getattr(meeting, name) for name in data.__dict__}
    for name, value in data.__dict__.items():
        setattr(meeting, name, value)
    changes = changes_between(before, data.__dict__)
    if not changes:
        return 0
    announce = any(name in changes for name in NOTIFY_ON)
    if announce:
        meeting.announced_at = clock.now()
    new_version(meeting)
    record(
        "meeting.changed",
        meeting,
        summary=meeting.title,
        changes={k: [str(o), str(n)] for k, (o, n) in changes.items()},
    )
    moved_up = fill_places(meeting) if "capacity" in changes else []
    if not announce:
        return len(moved_up)
    drop_waiting(meeting.id, REMINDER_KINDS)
    told = [invitation for invitation in invitations_of(meeting) if invitation.user.is_active]
    for invitation in told:
        calendar_mail(invitation, "meeting_changed", "REQUEST")
    return len(moved_up) + len(told)


def cancel_meeting(meeting: Meeting, reason: str = "") -> None:
    """The meeting stays visible as cancelled, with the lead's reason; everyone invited gets a METHOD:CANCEL
    for their calendar (the reason in the mail and in the calendar entry)."""
    require_cancellable(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()
    new_version(meeting)
    drop_waiting(meeting.id, REMINDER_KINDS)
    record(
        "meeting.cancelled",
        meeting,
        summary=meeting.title,
        changes={"cancel_reason": ["", meeting.cancel_reason]} if meeting.cancel_reason else None,
    )
    for invitation in invitations_of(meeting):
        if invitation.user.is_active:
            calendar_mail(invitation, "meeting_cancelled", "CANCEL")


def calendar_mail(invitation: Invitation, kind: str, method: str) -> OutgoingMail:
    """An invitation, change or cancellation with its calendar file; one per person and calendar version."""
    meeting, user = invitation.meeting, invitation.user
    link = external_url("meetings.answer_link", token=answer_token(invitation)) if method == "REQUEST" else None
    mail = queue_mail(
        user.email,
        kind,
        user=user,
        link=link,
        meeting=meeting,
        invitation=invitation,
        calendar=(method, meeting_calendar([meeting], method, user)),
    )
    mail.key, mail.meeting_id = f"{kind}:{meeting.id}:{user.id}:{meeting.sequence}", meeting.id
    return mail
