"""Scheduling meetings, inviting with calendar files, and the members' answers. No commits here."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup
from netzwerk.groups.services import current_on
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import external_url, queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus

ANSWER_LINK_VALID_FOR = timedelta(days=180)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in Europe/Berlin (as typed) to UTC; zoneinfo resolves the DST change."""
    return local.replace(tzinfo=local_zone()).astimezone(ZoneInfo("UTC"))


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


@dataclass
class MeetingData:
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    place: str = ""
    room: str = ""
    online_url: str = ""
    agenda: str = ""


def schedule_meeting(group: WorkingGroup, data: MeetingData, organizer: User) -> tuple[Meeting, list[OutgoingMail]]:
    """Create the meeting and invite every current member, each with a calendar entry and an answer link."""
    meeting = Meeting(group=group, organizer=organizer, **data.__dict__)
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
    meeting, user = invitation.meeting, invitation.user
    link = external_url("meetings.answer_link", token=answer_token(invitation))
    return queue_mail(
        user.email,
        "meeting_invitation",
        user=user,
        link=link,
        meeting=meeting,
        starts=to_local(meeting.starts_at),
        ends=to_local(meeting.ends_at),
        calendar=("REQUEST", meeting_calendar([meeting], "REQUEST", user)),
    )


def answer(invitation: Invitation, value: Answer, comment: str = "") -> None:
    before = invitation.answer
    invitation.answer, invitation.comment, invitation.answered_at = value, comment, utcnow()
    record(
        "meeting.answered", invitation.meeting, summary=invitation.user.name, changes={"answer": [before, str(value)]}
    )


# --- Signed answer links ---------------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="meeting-answer")


def answer_token(invitation: Invitation) -> str:
    """Bound to this person and this meeting; it can be used again to change the answer."""
    return _serializer().dumps({"i": invitation.id, "u": invitation.user_id, "m": invitation.meeting_id})


def invitation_from_token(token: str) -> tuple[Invitation | None, str | None]:
    """(invitation, None) or (None, "invalid" | "expired")."""
    try:
        data = _serializer().loads(token, max_age=int(ANSWER_LINK_VALID_FOR.total_seconds()))
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "ium"):
        return None, "invalid"
    invitation = db.session.get(Invitation, data["i"])
    if invitation is None or invitation.user_id != data["u"] or invitation.meeting_id != data["m"]:
        return None, "invalid"
    return invitation, None


# --- Lists -----------------------------------------------------------------------------------------------


def meetings_for(user: User, upcoming: bool, is_admin: bool) -> list[tuple[Meeting, Invitation | None]]:
    """The user's meetings (the manager: all) with the user's invitation, in a fixed number of queries."""
    now = utcnow()
    query = select(Meeting).options(selectinload(Meeting.group))
    if not is_admin:
        from netzwerk.auth.permissions import partner_meeting_group_ids

        invited = select(Invitation.meeting_id).where(Invitation.user_id == user.id)
        query = query.where(or_(Meeting.id.in_(invited), Meeting.group_id.in_(partner_meeting_group_ids(user))))
    query = query.where(Meeting.ends_at >= now) if upcoming else query.where(Meeting.ends_at < now)
    meetings = db.session.scalars(query.order_by(Meeting.starts_at if upcoming else Meeting.starts_at.desc())).all()
    own = {
        inv.meeting_id: inv
        for inv in db.session.scalars(
            select(Invitation).where(Invitation.user_id == user.id, Invitation.meeting_id.in_([m.id for m in meetings]))
        )
    }
    return [(meeting, own.get(meeting.id)) for meeting in meetings]


def invitations_of(meeting: Meeting) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.meeting_id == meeting.id).options(selectinload(Invitation.user))
        )
    )


# --- iCalendar -------------------------------------------------------------------------------------------


def meeting_calendar(meetings: list[Meeting], method: str | None, attendee: User | None = None) -> str:
    """RFC 5545 text: VTIMEZONE for the local zone, one VEVENT per meeting with stable UID and SEQUENCE."""
    calendar = Calendar()
    calendar.add("prodid", "-//Regionalmanagement Landshut//Netzwerk Landshut//DE")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, attendee))
    calendar.add_missing_timezones()
    return calendar.to_ical().decode()


def meeting_event(meeting: Meeting, attendee: User | None) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", to_local(meeting.starts_at))
    event.add("dtend", to_local(meeting.ends_at))
    event.add("summary", f"{meeting.group.short_name or meeting.group.name}: {meeting.title}")
    location = ", ".join(part for part in (meeting.place, meeting.room) if part) or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", external_url("meetings.detail", meeting_id=meeting.id))
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if meeting.organizer:
        organizer = vCalAddress(f"mailto:{meeting.organizer.email}")
        organizer.params["cn"] = vText(meeting.organizer.name)
        event.add("organizer", organizer)
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params.update({"cn": vText(attendee.name), "role": vText("REQ-PARTICIPANT"), "rsvp": vText("TRUE")})
        event.add("attendee", person)
    return event


# --- Changes and cancellations ---------------------------------------------------------------------------

NOTIFY_ON = ("starts_at", "ends_at", "place", "room", "online_url")


def change_meeting(meeting: Meeting, data: MeetingData) -> list[OutgoingMail]:
    """Save a change; every change raises SEQUENCE (calendars replace the entry), and a new time or place is
    sent to everyone invited who has not declined."""
    before = {name: getattr(meeting, name) for name in data.__dict__}
    for name, value in data.__dict__.items():
        setattr(meeting, name, value)
    changes = changes_between(before, data.__dict__)
    if not changes:
        return []
    meeting.sequence += 1
    meeting.version += 1
    record(
        "meeting.changed",
        meeting,
        summary=meeting.title,
        changes={k: [str(o), str(n)] for k, (o, n) in changes.items()},
    )
    if not any(name in changes for name in NOTIFY_ON):
        return []
    return [
        calendar_mail(invitation, "meeting_changed", "REQUEST")
        for invitation in invitations_of(meeting)
        if invitation.user.is_active and invitation.answer != Answer.NO
    ]


def cancel_meeting(meeting: Meeting) -> list[OutgoingMail]:
    """The meeting stays visible as cancelled; everyone invited gets a METHOD:CANCEL for their calendar."""
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    record("meeting.cancelled", meeting, summary=meeting.title)
    return [
        calendar_mail(invitation, "meeting_cancelled", "CANCEL")
        for invitation in invitations_of(meeting)
        if invitation.user.is_active
    ]


def calendar_mail(invitation: Invitation, kind: str, method: str) -> OutgoingMail:
    meeting, user = invitation.meeting, invitation.user
    link = external_url("meetings.answer_link", token=answer_token(invitation)) if method == "REQUEST" else None
    return queue_mail(
        user.email,
        kind,
        user=user,
        link=link,
        meeting=meeting,
        calendar=(method, meeting_calendar([meeting], method, user)),
    )
