"""The figures of the overview and the annual report. Each function runs a fixed number of queries, however
large the network grows; the counting that SQL cannot do portably (quarters on the Berlin calendar) happens in
Python over one result set."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, distinct, func, or_, select, true

from netzwerk import clock
from netzwerk.actors.models import Actor, Area, FieldOfAction, Municipality, actor_field_of_action
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from netzwerk.groups.models import GroupStatus, Membership, WorkingGroup
from netzwerk.mail.services import OutboxHealth, outbox_health
from netzwerk.meetings.models import Attendance, Invitation, Meeting, MeetingStatus
from netzwerk.overview.tile_map import TILES
from netzwerk.projects.models import Milestone, Project, ProjectStatus

DORMANT_AFTER = timedelta(days=90)
ATTENDED = (Attendance.PRESENT, Attendance.REPRESENTED)


@dataclass
class FieldFigures:
    field: FieldOfAction | None  # None: actors without a field of action
    actors: int = 0
    members: int = 0

    @property
    def row(self) -> tuple[str, list[int]]:
        return (self.field.short_name or self.field.name if self.field else "–", [self.actors, self.members])


@dataclass
class MunicipalityFigures:
    municipality: Municipality
    actors: int = 0
    members: int = 0
    tile: tuple[int, int] | None = None
    shade: int = 0  # 0 (no actors) … 4 (the most), the tile map's colour

    @property
    def is_city(self) -> bool:
        return self.municipality.area == Area.CITY


@dataclass
class Balance:
    """Stadt vs Landkreis: actors and members (through the actor they represent)."""

    city_actors: int = 0
    county_actors: int = 0
    city_members: int = 0
    county_members: int = 0


@dataclass
class GroupActivity:
    group: WorkingGroup
    meetings: int = 0  # held (not cancelled, already begun) in the period
    by_quarter: dict[str, int] = field(default_factory=dict)
    invited: int = 0  # invitations to the held meetings whose attendance was recorded
    attended: int = 0  # present or represented
    last_met: datetime | None = None  # ever, not only in the period

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.invited if self.invited else None

    @property
    def meetings_row(self) -> tuple[str, list[int]]:
        return (self.group.short_name or self.group.name, [self.meetings])

    @property
    def attendance_row(self) -> tuple[str, list[int]]:
        return (self.group.short_name or self.group.name, [round(100 * (self.attendance_rate or 0))])


def _current_members():
    today = clock.today()
    return or_(Membership.end_date.is_(None), Membership.end_date > today)


def _active_user():
    return User.status == AccountStatus.ACTIVE


def _members_per(column) -> dict:
    """Distinct active people in current memberships of active groups, counted per a column of the group or of
    the actor the membership represents."""
    query = (
        select(column, func.count(distinct(Membership.user_id)))
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(WorkingGroup, WorkingGroup.id == Membership.group_id)
        .where(WorkingGroup.status == GroupStatus.ACTIVE, _current_members(), _active_user())
    )
    if column.class_ is Actor:
        query = query.join(Actor, Actor.id == Membership.actor_id)
    return dict(db.session.execute(query.group_by(column)).all())


def by_field_of_action() -> list[FieldFigures]:
    """Active actors and members (distinct people in current memberships of active groups) per field."""
    fields = db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position, FieldOfAction.name)).all()
    actors = dict(
        db.session.execute(
            select(actor_field_of_action.c.field_of_action_id, func.count(distinct(Actor.id)))
            .join(Actor, Actor.id == actor_field_of_action.c.actor_id)
            .where(Actor.archived_at.is_(None))
            .group_by(actor_field_of_action.c.field_of_action_id)
        ).all()
    )
    members = _members_per(WorkingGroup.field_of_action_id)
    return [FieldFigures(f, actors.get(f.id, 0), members.get(f.id, 0)) for f in fields]


def by_municipality() -> tuple[list[MunicipalityFigures], Balance]:
    """Active actors per municipality, and members per municipality of the actor they represent."""
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    actors = dict(
        db.session.execute(
            select(Actor.municipality_id, func.count())
            .where(Actor.archived_at.is_(None), Actor.municipality_id.is_not(None))
            .group_by(Actor.municipality_id)
        ).all()
    )
    members = _members_per(Actor.municipality_id)
    figures = [
        MunicipalityFigures(m, actors.get(m.id, 0), members.get(m.id, 0), TILES.get(m.ags)) for m in municipalities
    ]
    top = max([1, *actors.values()])
    balance = Balance()
    for figure in figures:
        figure.shade = min(4, 1 + round(3 * figure.actors / top)) if figure.actors else 0
        if figure.is_city:
            balance.city_actors += figure.actors
            balance.city_members += figure.members
        else:
            balance.county_actors += figure.actors
            balance.county_members += figure.members
    return figures, balance


def quarter_of(moment: datetime) -> str:
    local = clock.to_local(moment)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def last_quarters(count: int = 4, today: date | None = None) -> list[str]:
    """The current quarter and the ones before it, oldest first, e.g. ["2026-Q1", …, "2026-Q4"]."""
    today = today or clock.today()
    index = today.year * 4 + (today.month - 1) // 3
    return [f"{i // 4}-Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def quarter_start(quarter: str) -> date:
    year, number = quarter.split("-Q")
    return date(int(year), 3 * (int(number) - 1) + 1, 1)


def next_quarter(quarter: str) -> str:
    year, number = map(int, quarter.split("-Q"))
    return f"{year + number // 4}-Q{number % 4 + 1}"


def group_activity(start: date, end: date, with_closed: bool = False) -> list[GroupActivity]:
    """Meetings held per group between start and end (local dates, end exclusive) with their attendance, in
    name order, also groups that did not meet; closed groups only when asked (the report counts their past)."""
    now = clock.now()
    begin, finish = (
        clock.local_midnight(start),
        clock.local_midnight(end),
    )
    shown = true() if with_closed else WorkingGroup.status != GroupStatus.CLOSED
    groups = db.session.scalars(select(WorkingGroup).where(shown).order_by(WorkingGroup.name)).all()
    activity = {group.id: GroupActivity(group) for group in groups}
    held = and_(Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at <= now)
    for group_id, last in db.session.execute(
        select(Meeting.group_id, func.max(Meeting.starts_at)).where(held).group_by(Meeting.group_id)
    ):
        if group_id in activity:
            activity[group_id].last_met = last
    meetings = db.session.execute(
        select(Meeting.id, Meeting.group_id, Meeting.starts_at).where(
            held, Meeting.starts_at >= begin, Meeting.starts_at < finish
        )
    ).all()
    for _, group_id, starts_at in meetings:
        if group_id in activity:
            entry = activity[group_id]
            entry.meetings += 1
            quarter = quarter_of(starts_at)
            entry.by_quarter[quarter] = entry.by_quarter.get(quarter, 0) + 1
    recorded = db.session.execute(
        select(
            Meeting.group_id,
            func.count(Invitation.id),
            func.count(Invitation.id).filter(Invitation.attendance.in_(ATTENDED)),
        )
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(held, Meeting.starts_at >= begin, Meeting.starts_at < finish, Invitation.attendance.is_not(None))
        .group_by(Meeting.group_id)
    ).all()
    for group_id, invited, attended in recorded:
        if group_id in activity:
            activity[group_id].invited, activity[group_id].attended = invited, attended
    return list(activity.values())


def dormant_groups(activity: list[GroupActivity], now: datetime | None = None) -> list[GroupActivity]:
    """Active groups that have not met for DORMANT_AFTER; a group that never met counts from its founding, so a
    new group gets its 90 days too."""
    cutoff = (now or clock.now()) - DORMANT_AFTER
    return [
        entry
        for entry in activity
        if entry.group.status == GroupStatus.ACTIVE and (entry.last_met or entry.group.created_at) < cutoff
    ]


@dataclass
class Attention:
    """What the manager should look at."""

    pending_accounts: list[User]  # invited, never accepted
    unanswered: int  # invitations to coming meetings without an answer
    failed_mails: int
    outbox: OutboxHealth  # waiting mails and the mail server's last error


def attention() -> Attention:
    pending = db.session.scalars(
        select(User).where(User.status == AccountStatus.INVITED).order_by(User.created_at)
    ).all()
    unanswered = db.session.scalar(
        select(func.count(Invitation.id))
        .join(Meeting, Meeting.id == Invitation.meeting_id)
        .where(
            Invitation.answer.is_(None),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at > clock.now(),
        )
    )
    outbox = outbox_health()
    return Attention(list(pending), unanswered or 0, outbox.failed, outbox)


def projects_by_status() -> list[tuple[str, list[int]]]:
    """Chart rows: (status label, [number of projects])."""
    counts = dict(db.session.execute(select(Project.status, func.count()).group_by(Project.status)).all())
    return [(str(status.label), [counts.get(status, 0)]) for status in ProjectStatus]


def coming_milestones(limit: int = 6) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.done.is_(False), Milestone.due_on.is_not(None))
            .order_by(Milestone.due_on)
            .limit(limit)
            .options(db.joinedload(Milestone.project))
        )
    )


def new_in_period(start: date, end: date) -> dict[str, int]:
    """New actors and new members (first membership starting) in the period."""
    begin = clock.local_midnight(start)
    finish = clock.local_midnight(end)
    actors = db.session.scalar(select(func.count(Actor.id)).where(Actor.created_at >= begin, Actor.created_at < finish))
    first_start = (
        select(Membership.user_id, func.min(Membership.start_date).label("first")).group_by(Membership.user_id)
    ).subquery()
    members = db.session.scalar(
        select(func.count()).select_from(first_start).where(first_start.c.first >= start, first_start.c.first < end)
    )
    return {"actors": actors or 0, "members": members or 0}


def counter_max(*values: int) -> int:
    """The largest of the values, at least 1 (a scale for charts)."""
    return max([1, *values])
