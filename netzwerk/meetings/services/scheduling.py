"""Scheduling meetings (one or a series), inviting with calendar files, the members' and guests' answers,
reminders to answer, changes and cancellations. No commits here: the unit of work commits and sends the mails."""

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from netzwerk import clock
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup, current_on
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import drop_waiting, external_url, queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus, new_uid
from netzwerk.meetings.recurrence import occurrences
from netzwerk.meetings.services.calendar import meeting_calendar
from netzwerk.meetings.services.capacity import fill_places, free_places, lock_places
from netzwerk.meetings.services.lists import invitations_of
from netzwerk.meetings.services.tokens import answer_token

REMINDER_KINDS = ("meeting_reminder", "meeting_answer_reminder")  # planned by netzwerk.reminders


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
) -> tuple[list[Meeting], list[OutgoingMail]]:
    """One meeting per date of the series (each with its own invitations and answers), scheduled in one go."""
    duration = data.ends_at - data.starts_at
    starts = occurrences(clock.wall_clock(data.starts_at), rule, count)
    series_uid = new_uid() if len(starts) > 1 else None
    meetings, mails = [], []
    for start in starts:
        begins = clock.to_utc(start)
        one = replace(data, starts_at=begins, ends_at=begins + duration)
        meeting, invitations = schedule_meeting(group, one, organizer, series_uid=series_uid)
        meetings.append(meeting)
        mails.extend(invitations)
    if series_uid:
        record("meeting.series_scheduled", group, summary=f"{data.title}: {len(meetings)}")
    return meetings, mails


def schedule_meeting(
    group: WorkingGroup, data: MeetingData, organizer: User, series_uid: str | None = None
) -> tuple[Meeting, list[OutgoingMail]]:
    """Create the meeting and invite every current member, each with a calendar entry and an answer link."""
    meeting = Meeting(group=group, organizer=organizer, series_uid=series_uid, **data.__dict__)
    db.session.add(meeting)
    members = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, current_on())
    ).all()
    invitations = [Invitation(meeting=meeting, user=user) for user in {user.id: user for user in members}.values()]
    db.session.add_all(invitations)
    db.session.flush()
    record("meeting.scheduled", meeting, summary=f"{group.name}: {meeting.title}")
    return meeting, [invitation_mail(invitation) for invitation in invitations if invitation.user.is_active]


def invitation_mail(invitation: Invitation) -> OutgoingMail:
    return calendar_mail(invitation, "meeting_invitation", "REQUEST")


def answer(invitation: Invitation, value: Answer, comment: str = "", via: str = "") -> list[OutgoingMail]:
    """Save the answer. With a capacity, a Zusage beyond it waits on the list, and a place given up goes to the
    first in line (whose mail is returned). ``via`` marks the audit entry (e.g. "per E-Mail-Antwort")."""
    meeting = invitation.meeting
    lock_places(meeting)
    had_place, before = invitation.has_place, invitation.answer
    invitation.answer, invitation.comment, invitation.answered_at = value, comment, clock.now()
    if value != Answer.YES:
        invitation.waitlisted_at = None
    elif not had_place and invitation.waitlisted_at is None and free_places(meeting, besides=invitation) == 0:
        invitation.waitlisted_at = clock.now()
    summary = f"{invitation.user.name} ({via})" if via else invitation.user.name
    record("meeting.answered", invitation.meeting, summary=summary, changes={"answer": [before, str(value)]})
    return fill_places(meeting) if had_place and value != Answer.YES else []


def register_guest(meeting: Meeting, user: User) -> tuple[Invitation, list[OutgoingMail]]:
    """Someone outside the group registers for a meeting open to guests: a Zusage (or a place on the
    waiting list) and the calendar invitation like a member's."""
    invitation = Invitation(meeting=meeting, user=user, is_guest=True)
    db.session.add(invitation)
    db.session.flush()
    answer(invitation, Answer.YES)
    record("meeting.guest_registered", meeting, summary=user.name)
    return invitation, [invitation_mail(invitation)]


def remind_unanswered(meeting: Meeting) -> list[OutgoingMail]:
    """A reminder with the answer links to everyone invited who has not answered yet (except those who
    turned these reminders off, with the link in an earlier one)."""
    mails = []
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
            mails.append(mail)
    if mails:
        record("meeting.reminded", meeting, summary=str(len(mails)))
    return mails


NOTIFY_ON = ("starts_at", "ends_at", "place", "room", "online_url")


def change_meeting(meeting: Meeting, data: MeetingData) -> list[OutgoingMail]:
    """Save a change; every change raises SEQUENCE (calendars replace the entry), and a new time or place is
    sent to everyone invited, those who declined included: the new date may suit them, and their answer link
    lets them accept now."""
    before = {name: getattr(meeting, name) for name in data.__dict__}
    for name, value in data.__dict__.items():
        setattr(meeting, name, value)
    changes = changes_between(before, data.__dict__)
    if not changes:
        return []
    meeting.sequence += 1
    meeting.version += 1
    meeting.updated_at = clock.now()
    record(
        "meeting.changed",
        meeting,
        summary=meeting.title,
        changes={k: [str(o), str(n)] for k, (o, n) in changes.items()},
    )
    moved_up = fill_places(meeting) if "capacity" in changes else []
    if not any(name in changes for name in NOTIFY_ON):
        return moved_up
    meeting.announced_at = clock.now()
    drop_waiting(meeting.id, REMINDER_KINDS)
    return moved_up + [
        calendar_mail(invitation, "meeting_changed", "REQUEST")
        for invitation in invitations_of(meeting)
        if invitation.user.is_active
    ]


def cancel_meeting(meeting: Meeting, reason: str = "") -> list[OutgoingMail]:
    """The meeting stays visible as cancelled, with the lead's reason; everyone invited gets a METHOD:CANCEL
    for their calendar (the reason in the mail and in the calendar entry)."""
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()
    drop_waiting(meeting.id, REMINDER_KINDS)
    meeting.sequence += 1
    meeting.version += 1
    meeting.updated_at = clock.now()
    record(
        "meeting.cancelled",
        meeting,
        summary=meeting.title,
        changes={"cancel_reason": ["", meeting.cancel_reason]} if meeting.cancel_reason else None,
    )
    return [
        calendar_mail(invitation, "meeting_cancelled", "CANCEL")
        for invitation in invitations_of(meeting)
        if invitation.user.is_active
    ]


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
