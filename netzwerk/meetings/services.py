"""Scheduling meetings, inviting with calendar files, and the members' answers. No commits here."""

import calendar as calendar_module
import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vDuration, vText
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import case, func, or_, select, true, update
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import AccountStatus, Role, User, new_session_token
from netzwerk.auth.permissions import partner_meeting_group_ids
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup, current_on
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import drop_waiting, external_url, queue_mail
from netzwerk.meetings.models import Answer, Attendance, Invitation, Meeting, MeetingStatus, Task, new_uid
from netzwerk.meetings.recurrence import occurrences
from netzwerk.meetings.vtimezone import vtimezone

ANSWER_LINK_VALID_FOR = timedelta(days=180)
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


# --- Capacity and waiting list ---------------------------------------------------------------------------


def lock_places(meeting: Meeting) -> None:
    """Serialise answers to one meeting: a no-op UPDATE takes the row lock (PostgreSQL) or the write lock
    (SQLite) before places are counted, so two Zusagen cannot both take the last place."""
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(capacity=Meeting.capacity))


def free_places(meeting: Meeting, besides: Invitation | None = None) -> int | None:
    """Places left (None: no limit), not counting ``besides``."""
    if meeting.capacity is None:
        return None
    query = select(func.count(Invitation.id)).where(
        Invitation.meeting_id == meeting.id, Invitation.answer == Answer.YES, Invitation.waitlisted_at.is_(None)
    )
    if besides is not None and besides.id is not None:
        query = query.where(Invitation.id != besides.id)
    return max(meeting.capacity - db.session.scalar(query), 0)


def fill_places(meeting: Meeting) -> list[OutgoingMail]:
    """Move people up from the waiting list, first come first served, while places are free."""
    mails = []
    waiting = db.session.scalars(
        select(Invitation)
        .where(Invitation.meeting_id == meeting.id, Invitation.waitlisted_at.is_not(None))
        .order_by(Invitation.waitlisted_at, Invitation.id)
    ).all()
    for invitation in waiting:
        if free_places(meeting) == 0:
            break
        invitation.waitlisted_at = None
        db.session.flush()
        record("meeting.moved_up", meeting, summary=invitation.user.name)
        if invitation.user.is_active:
            mails.append(queue_mail(invitation.user.email, "waitlist_moved_up", user=invitation.user, meeting=meeting))
    return mails


def waiting_position(invitation: Invitation) -> int | None:
    if invitation.waitlisted_at is None:
        return None
    ahead = select(func.count(Invitation.id)).where(
        Invitation.meeting_id == invitation.meeting_id,
        Invitation.waitlisted_at.is_not(None),
        (Invitation.waitlisted_at < invitation.waitlisted_at)
        | ((Invitation.waitlisted_at == invitation.waitlisted_at) & (Invitation.id < invitation.id)),
    )
    return db.session.scalar(ahead) + 1


# --- Guests and reminders --------------------------------------------------------------------------------


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


@dataclass
class MeetingFilters:
    """The manager's filters over all meetings (dates are local calendar days, both inclusive)."""

    group_id: int | None = None
    field_of_action_id: int | None = None
    since: date | None = None
    until: date | None = None


def meetings_query(user: User, is_admin: bool, filters: MeetingFilters):
    """The user's meetings (those they are invited to; the manager: all), filtered."""
    query = select(Meeting).options(selectinload(Meeting.group))
    if not is_admin:
        invited = select(Invitation.meeting_id).where(Invitation.user_id == user.id)
        query = query.where(or_(Meeting.id.in_(invited), Meeting.group_id.in_(partner_meeting_group_ids(user))))
    if filters.group_id:
        query = query.where(Meeting.group_id == filters.group_id)
    if filters.field_of_action_id:
        query = query.join(WorkingGroup, WorkingGroup.id == Meeting.group_id).where(
            WorkingGroup.field_of_action_id == filters.field_of_action_id
        )
    if filters.since:
        query = query.where(Meeting.ends_at >= clock.local_midnight(filters.since))
    if filters.until:
        query = query.where(Meeting.starts_at < clock.local_midnight(filters.until + timedelta(days=1)))
    return query


def with_own_invitations(user: User, meetings) -> list[tuple[Meeting, Invitation | None]]:
    own = {
        inv.meeting_id: inv
        for inv in db.session.scalars(
            select(Invitation).where(Invitation.user_id == user.id, Invitation.meeting_id.in_([m.id for m in meetings]))
        )
    }
    return [(meeting, own.get(meeting.id)) for meeting in meetings]


def meetings_for(
    user: User, upcoming: bool, is_admin: bool, filters: MeetingFilters | None = None
) -> list[tuple[Meeting, Invitation | None]]:
    """Upcoming or past meetings with the user's own invitation, in a fixed number of queries."""
    now = clock.now()
    query = meetings_query(user, is_admin, filters or MeetingFilters())
    query = query.where(Meeting.ends_at >= now) if upcoming else query.where(Meeting.ends_at < now)
    meetings = db.session.scalars(query.order_by(Meeting.starts_at if upcoming else Meeting.starts_at.desc())).all()
    return with_own_invitations(user, meetings)


def month_weeks(user: User, is_admin: bool, filters: MeetingFilters, year: int, month: int):
    """The month as weeks (Monday first) of (day, [(meeting, own invitation)]) for the calendar view."""
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    shown = replace(filters, since=weeks[0][0], until=weeks[-1][-1])
    meetings = db.session.scalars(meetings_query(user, is_admin, shown).order_by(Meeting.starts_at)).all()
    by_day: dict[date, list] = {}
    for meeting, invitation in with_own_invitations(user, meetings):
        by_day.setdefault(clock.local_date(meeting.starts_at), []).append((meeting, invitation))
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def group_meetings(group: WorkingGroup) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past) meetings of a group for its page; past ones newest first."""
    now = clock.now()
    meetings = db.session.scalars(select(Meeting).where(Meeting.group_id == group.id).order_by(Meeting.starts_at)).all()
    return [m for m in meetings if m.ends_at >= now], [m for m in reversed(meetings) if m.ends_at < now]


def meeting_dates(group_ids: list[int]) -> dict[int, tuple[datetime | None, datetime | None]]:
    """group id → (next meeting's start, last held meeting's start), cancelled ones left out; one query."""
    now = clock.now()
    rows = db.session.execute(
        select(
            Meeting.group_id,
            func.min(case((Meeting.starts_at >= now, Meeting.starts_at)), type_=UTCDateTime),
            func.max(case((Meeting.ends_at < now, Meeting.starts_at)), type_=UTCDateTime),
        )
        .where(Meeting.group_id.in_(group_ids), Meeting.status == MeetingStatus.SCHEDULED)
        .group_by(Meeting.group_id)
    )
    return {group_id: (upcoming, last) for group_id, upcoming, last in rows}


def invitations_of(meeting: Meeting) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation).where(Invitation.meeting_id == meeting.id).options(selectinload(Invitation.user))
        )
    )


# --- iCalendar -------------------------------------------------------------------------------------------


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


# --- Changes and cancellations ---------------------------------------------------------------------------

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


# --- Calendar feeds --------------------------------------------------------------------------------------

FEED_SINCE = timedelta(days=365)  # past meetings a feed still carries


def _feed_signature(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar:{user.id}:{user.calendar_key}".encode(), hashlib.sha256).hexdigest()[:40]


def feed_token(user: User) -> str:
    """The secret part of the personal feed URL: an HMAC of the user's feed key, so the database alone does not
    reveal working URLs, and a new key (regenerated, or the account deactivated) revokes the old URL."""
    return f"{user.id}-{_feed_signature(user)}"


def user_from_feed_token(token: str) -> User | None:
    user_id, _, signature = token.partition("-")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 9:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.status != AccountStatus.ACTIVE:
        return None
    return user if hmac.compare_digest(signature, _feed_signature(user)) else None


def renew_feed_key(user: User) -> None:
    user.calendar_key = new_session_token()
    record("user.calendar_renewed", user, summary=user.email)


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


# --- Attendance and minutes (Protokoll) ------------------------------------------------------------------


@dataclass
class TaskData:
    what: str
    who: str = ""
    due_on: date | None = None
    done: bool = False


def has_started(meeting: Meeting) -> bool:
    return meeting.starts_at <= clock.now()


def suggested_attendance(invitation: Invitation) -> str | None:
    """A starting point for the lead: a Zusage probably came, an Absage is excused."""
    if invitation.attendance:
        return invitation.attendance
    return {Answer.YES: Attendance.PRESENT, Answer.NO: Attendance.EXCUSED}.get(invitation.answer)


def save_minutes(
    meeting: Meeting,
    attendance: dict[int, tuple[str, str]],
    minutes: str,
    decisions: str,
    tasks: list[TaskData],
    publish: bool,
) -> list[OutgoingMail]:
    """Attendance (invitation id → (status, represented by)), minutes, decisions and tasks; publishing the first
    time tells everyone invited that the minutes are there."""
    for invitation in meeting.invitations:
        if invitation.id in attendance:
            status, deputy = attendance[invitation.id]
            invitation.attendance = status
            invitation.represented_by = deputy if status == Attendance.REPRESENTED else ""
    changes = changes_between(
        {"minutes": meeting.minutes, "decisions": meeting.decisions}, {"minutes": minutes, "decisions": decisions}
    )
    meeting.minutes, meeting.decisions = minutes, decisions
    meeting.tasks = [Task(position=n, **task.__dict__) for n, task in enumerate(tasks)]
    meeting.version += 1
    record("meeting.minutes_saved", meeting, summary=meeting.title, changes={k: ["…", "…"] for k in changes})
    if not publish or meeting.minutes_published_at:
        return []
    meeting.minutes_published_at = clock.now()
    record("meeting.minutes_published", meeting, summary=meeting.title)
    return [
        minutes_mail(invitation)
        for invitation in meeting.invitations
        if invitation.user.is_active and invitation.user.notify_by_email
    ]


def minutes_mail(invitation: Invitation) -> OutgoingMail:
    user, meeting = invitation.user, invitation.meeting
    mail = queue_mail(user.email, "minutes_published", user=user, meeting=meeting)
    mail.key, mail.meeting_id = f"minutes_published:{meeting.id}:{user.id}", meeting.id
    return mail


def attendance_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = {status.value: 0 for status in Attendance}
    for invitation in invitations:
        if invitation.attendance:
            counts[invitation.attendance] += 1
    return counts


def meetings_attended_for_actor(actor_id: int, visible, limit: int = 20) -> list[tuple[Meeting, User]]:
    """Meetings that people attended while representing the actor in the meeting's group, newest first."""
    rows = db.session.execute(
        select(Meeting, User)
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .join(User, User.id == Invitation.user_id)
        .join(
            Membership,
            (Membership.user_id == Invitation.user_id)
            & (Membership.group_id == Meeting.group_id)
            & (Membership.actor_id == actor_id),
        )
        .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
        .where(Invitation.attendance.in_([Attendance.PRESENT, Attendance.REPRESENTED]), visible)
        .options(selectinload(Meeting.group))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    return list(dict.fromkeys((meeting, user) for meeting, user in rows))
