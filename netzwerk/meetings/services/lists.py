"""Lists of meetings: the user's upcoming and past ones, the month calendar, a group's meetings."""

import calendar as calendar_module
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, false, func, or_, select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.auth.permissions import partner_meeting_group_ids
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Invitation, Meeting, MeetingStatus
from netzwerk.pagination import Window, contains, window


@dataclass
class MeetingFilters:
    """The manager's filters over all meetings (dates are local calendar days, both inclusive)."""

    group_id: int | None = None
    field_of_action_id: int | None = None
    since: date | None = None
    until: date | None = None
    group_text: str = ""  # part of a group's name or short name, in place of a select of every group
    text: str = ""  # in the title, the agenda or the minutes
    state: str = ""  # a key of MEETING_STATES


# The state filter: planned, cancelled, held with published minutes, held without them yet.
MEETING_STATES = ("geplant", "abgesagt", "mit-protokoll", "ohne-protokoll")


def _state_condition(state: str):
    if state == "abgesagt":
        return Meeting.status == MeetingStatus.CANCELLED
    scheduled = Meeting.status == MeetingStatus.SCHEDULED
    if state == "mit-protokoll":
        return and_(scheduled, Meeting.minutes_published_at.is_not(None))
    if state == "ohne-protokoll":
        return and_(scheduled, Meeting.starts_at < clock.now(), Meeting.minutes_published_at.is_(None))
    return scheduled


def meetings_query(user: User, is_admin: bool, filters: MeetingFilters):
    """The user's meetings (those they are invited to; the manager: all), filtered."""
    query = select(Meeting).options(selectinload(Meeting.group))
    if not is_admin:
        invited = select(Invitation.meeting_id).where(Invitation.user_id == user.id)
        query = query.where(or_(Meeting.id.in_(invited), Meeting.group_id.in_(partner_meeting_group_ids(user))))
    if filters.group_id:
        query = query.where(Meeting.group_id == filters.group_id)
    if filters.group_text:
        named = select(WorkingGroup.id).where(
            or_(contains(WorkingGroup.name, filters.group_text), contains(WorkingGroup.short_name, filters.group_text))
        )
        query = query.where(Meeting.group_id.in_(named))
    if filters.field_of_action_id:
        query = query.join(WorkingGroup, WorkingGroup.id == Meeting.group_id).where(
            WorkingGroup.field_of_action_id == filters.field_of_action_id
        )
    if filters.text:
        query = query.where(
            or_(
                contains(Meeting.title, filters.text),
                contains(Meeting.agenda, filters.text),
                contains(Meeting.minutes, filters.text),
            )
        )
    if filters.state:
        query = query.where(_state_condition(filters.state))
    if filters.since:
        since = clock.local_midnight(filters.since)
        earliest = earliest_coming_start(since)
        if earliest is None:
            return query.where(false())
        query = query.where(Meeting.ends_at >= since, Meeting.starts_at >= earliest)
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


LIST_SIZE = 25  # meetings per page of Meine Termine / Alle Sitzungen, for upcoming and past each
GROUP_PAGE_SIZE = 10  # upcoming and past meetings per page on a group's page


def upcoming_or_past(query, upcoming: bool):
    """Meetings not yet over, soonest first, or those over, latest first."""
    now = clock.now()
    if upcoming:
        earliest = earliest_coming_start(now)
        if earliest is None:
            return query.where(false())
        query = query.where(Meeting.ends_at >= now, Meeting.starts_at >= earliest)
        return query.order_by(Meeting.starts_at, Meeting.id)
    return query.where(Meeting.ends_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def earliest_coming_start(now: datetime) -> datetime | None:
    """The earliest start among the meetings not over at ``now``: lists of coming meetings (and a month from
    its first day) read from there on, through the start index, instead of walking it through ten years of past
    meetings to find them. (The count beside
    min() is on purpose: with min() alone, SQLite answers it by that same walk.)"""
    earliest, _count = db.session.execute(
        select(func.min(Meeting.starts_at), func.count()).where(Meeting.ends_at >= now)
    ).one()
    return earliest


def meetings_for(
    user: User,
    upcoming: bool,
    is_admin: bool,
    filters: MeetingFilters | None = None,
    page: int = 1,
    size: int = LIST_SIZE,
) -> Window:
    """Page ``page`` of the upcoming (soonest first) or past (latest first) meetings, in a fixed number of
    queries whatever the number of meetings."""
    query = upcoming_or_past(meetings_query(user, is_admin, filters or MeetingFilters()), upcoming)
    meetings = window(query, page, size)
    meetings.rows = with_own_invitations(user, meetings.rows)
    return meetings


def month_weeks(user: User, is_admin: bool, filters: MeetingFilters, year: int, month: int):
    """The month as weeks (Monday first) of (day, [(meeting, own invitation)]) for the calendar view."""
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    shown = replace(filters, since=weeks[0][0], until=weeks[-1][-1])
    meetings = db.session.scalars(meetings_query(user, is_admin, shown).order_by(Meeting.starts_at)).all()
    by_day: dict[date, list] = {}
    for meeting, invitation in with_own_invitations(user, meetings):
        by_day.setdefault(clock.local_date(meeting.starts_at), []).append((meeting, invitation))
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def group_meetings(
    group: WorkingGroup, upcoming_page: int = 1, past_page: int = 1, size: int = GROUP_PAGE_SIZE
) -> tuple[Window, Window]:
    """(upcoming, past) meetings of a group for its page, a page of each; past ones latest first."""
    query = select(Meeting).where(Meeting.group_id == group.id)
    return (
        window(upcoming_or_past(query, True), upcoming_page, size),
        window(upcoming_or_past(query, False), past_page, size),
    )


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
