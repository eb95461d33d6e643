"""iCalendar (RFC 5545): calendar files for mails and downloads, and the subscribed feeds' meetings."""

from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vDuration, vText
from sqlalchemy import or_, select, true
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.auth.models import Role, User
from netzwerk.auth.permissions import partner_meeting_group_ids
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup, current_on
from netzwerk.mail.services import external_url
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.meetings.vtimezone import vtimezone

FEED_REFRESH = timedelta(hours=1)  # how often subscribed calendars should ask again
PUBLIC_ORGANIZER_NAME = "Regionalmanagement Landshut"


def meeting_calendar(
    meetings: list[Meeting], method: str | None, attendee: User | None = None, name: str | None = None, public=False
) -> str:
    """RFC 5545 text: VTIMEZONE for the local zone, one VEVENT per meeting with stable UID and SEQUENCE. The same
    meetings give the same text (DTSTAMP is the meeting's last change), so feeds can answer 304."""
    calendar = Calendar()
    calendar.add("prodid", "-//Regionalmanagement Landshut//Netzwerk Landshut//DE")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:  # a subscribed feed
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    calendar.add_component(calendar_timezone(meetings))
    for meeting in meetings:
        calendar.add_component(public_event(meeting) if public else meeting_event(meeting, attendee))
    return calendar.to_ical().decode()


def calendar_timezone(meetings: list[Meeting]):
    """The configured zone with yearly rules, from a year before the first meeting to a year after the last."""
    years = [clock.to_local(moment).year for meeting in meetings for moment in (meeting.starts_at, meeting.ends_at)]
    years = years or [clock.today().year]
    return vtimezone(current_app.config["TIMEZONE"], min(years) - 1, max(years) + 1)


def calendar_last_modified(meetings: list[Meeting]) -> datetime | None:
    """The newest change among the meetings (a feed's Last-Modified); None for an empty calendar."""
    return max((meeting.updated_at for meeting in meetings), default=None)


def base_event(meeting: Meeting) -> Event:
    """What every calendar entry of a meeting has: identity, version, time, title and state."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.updated_at)
    event.add("dtstart", calendar_time(meeting.starts_at))
    event.add("dtend", calendar_time(meeting.ends_at))
    event.add("summary", f"{meeting.group.short_name or meeting.group.name}: {meeting.title}")
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def calendar_time(moment: datetime) -> datetime:
    """Local time with the zone's TZID; in UTC when the local time is ambiguous (the hour repeated in October),
    which a TZID time cannot tell apart: readers take the first of the two."""
    local = clock.to_local(moment)
    return (
        moment.astimezone(ZoneInfo("UTC"))
        if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()
        else local
    )


def tool_mailbox(name: str, sent_by: str | None = None) -> vCalAddress:
    """The tool's own mailbox as ORGANIZER, so calendar programs send their answers (iTIP REPLY) to the tool;
    SENT-BY names the person who organises."""
    address = vCalAddress(f"mailto:{current_app.config['MAIL_INBOX_ADDRESS']}")
    address.params["cn"] = vText(name)
    if sent_by:
        address.params["sent-by"] = vText(f"mailto:{sent_by}")
    return address


def public_organizer_name() -> str:
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[0] or PUBLIC_ORGANIZER_NAME


def public_event(meeting: Meeting) -> Event:
    """For the public feed of a public group: time, title and place, no personal data, no online link."""
    event = base_event(meeting)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", external_url("groups.detail", group_id=meeting.group_id))
    event.add("organizer", tool_mailbox(public_organizer_name()))
    return event


def meeting_event(meeting: Meeting, attendee: User | None) -> Event:
    event = base_event(meeting)
    location = ", ".join(part for part in (meeting.place, meeting.room) if part) or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", external_url("meetings.detail", meeting_id=meeting.id))
    if meeting.agenda:
        event.add("description", meeting.agenda)
    if meeting.is_cancelled and meeting.cancel_reason:  # issue 14: the lead's reason travels with the CANCEL
        event.add("comment", meeting.cancel_reason)
    if meeting.organizer:
        event.add("organizer", tool_mailbox(meeting.organizer.name, sent_by=meeting.organizer.email))
    else:
        event.add("organizer", tool_mailbox(public_organizer_name()))
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params.update({"cn": vText(attendee.name), "role": vText("REQ-PARTICIPANT"), "rsvp": vText("TRUE")})
        event.add("attendee", person)
    return event


FEED_SINCE = timedelta(days=365)  # past meetings a feed still carries


def feed_meetings(user: User) -> list[Meeting]:
    """Meetings of the user's current groups and those the user is invited to (as a guest, say); the manager's
    feed has all meetings. One query."""
    own_groups = select(Membership.group_id).where(Membership.user_id == user.id, current_on())
    invited = select(Invitation.meeting_id).where(Invitation.user_id == user.id)
    if user.role == Role.ADMIN:
        mine = true()
    else:
        linked = partner_meeting_group_ids(user)  # a partner's linked groups that share their meetings
        mine = or_(Meeting.group_id.in_(own_groups), Meeting.id.in_(invited), Meeting.group_id.in_(linked))
    return list(
        db.session.scalars(
            select(Meeting)
            .where(mine, Meeting.starts_at >= clock.now() - FEED_SINCE)
            .options(selectinload(Meeting.group), selectinload(Meeting.organizer))
            .order_by(Meeting.starts_at)
        )
    )


def group_feed_meetings(group: WorkingGroup) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.group_id == group.id, Meeting.starts_at >= clock.now() - FEED_SINCE)
            .options(selectinload(Meeting.group))
            .order_by(Meeting.starts_at)
        )
    )
