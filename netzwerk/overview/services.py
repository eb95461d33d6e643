"""The figures of the overview and the annual report. Each function runs a fixed number of queries, however
large the network grows, and counts in SQL: quarters on the Berlin calendar become a CASE over their UTC
boundaries, so no function loads the rows it counts."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import and_, case, distinct, exists, func, literal, or_, select, true
from sqlalchemy.orm import aliased, joinedload

from netzwerk import clock, unit_of_work
from netzwerk.actors.models import Actor, Area, FieldOfAction, Municipality, actor_field_of_action
from netzwerk.audit.services import apply_changes, record
from netzwerk.auth.models import AccountStatus, User
from netzwerk.caching.services import cached, watch
from netzwerk.extensions import db
from netzwerk.groups.models import GroupStatus, Membership, WorkingGroup
from netzwerk.mail.services import OutboxHealth, outbox_health
from netzwerk.meetings.models import Attendance, Invitation, Meeting, MeetingStatus
from netzwerk.overview.models import DEFAULT_FUNDING_NOTICE, DEFAULT_OFFICE_NAME, SETTINGS_ID, OfficeSettings
from netzwerk.overview.tile_map import TILES
from netzwerk.pagination import Window, window
from netzwerk.projects.models import Milestone, Project, ProjectStatus

DORMANT_AFTER = timedelta(days=90)
ACTIVITY_PER_PAGE = 25  # groups per page of the overview's table of meetings per quarter
DORMANT_SHOWN = 10  # dormant groups listed on the overview (all are counted)
PENDING_SHOWN = 10  # open account invitations listed on the overview (all are counted)
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


def _current_members(today: date | None = None):
    today = today or clock.today()
    return or_(Membership.end_date.is_(None), Membership.end_date > today)


def _active_user():
    return User.status == AccountStatus.ACTIVE


MEMBERS_TOPIC = "mitglieder"  # who takes part where, for the figures per field of action and municipality
watch(MEMBERS_TOPIC, Membership, WorkingGroup, Actor)
watch(MEMBERS_TOPIC, User, only={"status"})  # not every login or settings change
MEMBERS_COUNTED_BY = {"field": WorkingGroup.field_of_action_id, "municipality": Actor.municipality_id}


def _members_per(by: str) -> dict:
    """Distinct active people in current memberships of active groups, counted per field of action of the group
    or per municipality of the actor the membership represents (by "field" or "municipality"). Counted once per
    change of the memberships: at 35,000 memberships the count takes tens of milliseconds."""
    return _counted_members_per(by, clock.today())


@cached(MEMBERS_TOPIC, maxsize=4)
def _counted_members_per(by: str, today: date) -> dict:
    column = MEMBERS_COUNTED_BY[by]
    query = (
        select(column, func.count(distinct(Membership.user_id)))
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .join(WorkingGroup, WorkingGroup.id == Membership.group_id)
        .where(WorkingGroup.status == GroupStatus.ACTIVE, _current_members(today), _active_user())
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
    members = _members_per("field")
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
    members = _members_per("municipality")
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


def group_activity(
    start: date, end: date, with_closed: bool = False, groups: list[WorkingGroup] | None = None
) -> list[GroupActivity]:
    """Meetings held per group between start and end (local dates, end exclusive) with their attendance, in
    name order, also groups that did not meet; closed groups only when asked (the report counts their past).
    ``groups``: only these (a page of the overview), else every group."""
    if groups is None:
        shown = true() if with_closed else WorkingGroup.status != GroupStatus.CLOSED
        everyone = select(WorkingGroup).where(shown).order_by(WorkingGroup.name)
        groups = list(db.session.scalars(everyone.options(joinedload(WorkingGroup.field_of_action))))
    activity = {group.id: GroupActivity(group) for group in groups}
    if not activity:
        return []
    begin, finish = clock.local_midnight(start), clock.local_midnight(end)
    held = and_(
        Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at <= clock.now(), Meeting.group_id.in_(activity)
    )
    in_period = and_(held, Meeting.starts_at >= begin, Meeting.starts_at < finish)
    for group_id, last in db.session.execute(
        select(Meeting.group_id, func.max(Meeting.starts_at)).where(held).group_by(Meeting.group_id)
    ):
        activity[group_id].last_met = last
    # grouped over a subquery: a CASE with bound parameters in both SELECT and GROUP BY is two different
    # expressions to PostgreSQL
    meetings = select(Meeting.group_id, _quarter_bucket(start, end).label("quarter")).where(in_period).subquery()
    for group_id, label, count in db.session.execute(
        select(meetings.c.group_id, meetings.c.quarter, func.count()).group_by(meetings.c.group_id, meetings.c.quarter)
    ):
        activity[group_id].meetings += count
        activity[group_id].by_quarter[label] = count
    recorded = db.session.execute(
        select(
            Meeting.group_id,
            func.count(Invitation.id),
            func.count(Invitation.id).filter(Invitation.attendance.in_(ATTENDED)),
        )
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .where(in_period, Invitation.attendance.is_not(None))
        .group_by(Meeting.group_id)
    ).all()
    for group_id, invited, attended in recorded:
        activity[group_id].invited, activity[group_id].attended = invited, attended
    return list(activity.values())


def activity_page(quarters: list[str], page: int) -> Window:
    """One page (ACTIVITY_PER_PAGE groups in name order) of the overview's meetings per group and quarter."""
    groups = window(
        select(WorkingGroup).where(WorkingGroup.status != GroupStatus.CLOSED).order_by(WorkingGroup.name),
        page,
        ACTIVITY_PER_PAGE,
    )
    start, end = quarter_start(quarters[0]), quarter_start(next_quarter(quarters[-1]))
    return Window(group_activity(start, end, groups=groups.rows), groups.page, groups.has_next)


def _quarter_bucket(start: date, end: date):
    """SQL for the Berlin quarter ("2026-Q3") of Meeting.starts_at, for meetings between start and end."""
    quarters = [quarter_of(clock.local_midnight(start))]
    while quarter_start(next_quarter(quarters[-1])) < end:
        quarters.append(next_quarter(quarters[-1]))
    if len(quarters) == 1:
        return literal(quarters[0])
    boundaries = [
        (Meeting.starts_at < clock.local_midnight(quarter_start(q)), before) for before, q in pairwise(quarters)
    ]
    return case(*boundaries, else_=literal(quarters[-1]))


def dormant_groups(limit: int = DORMANT_SHOWN, now: datetime | None = None) -> tuple[int, list[GroupActivity]]:
    """How many active groups have not met for DORMANT_AFTER, and the first ``limit`` of them (the longest quiet
    first); a group that never met counts from its founding, so a new group gets its 90 days too."""
    now = now or clock.now()
    cutoff = now - DORMANT_AFTER
    held = (Meeting.group_id == WorkingGroup.id, Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at <= now)
    # per group a look into its meetings by date (index ix_meeting_group_starts_status), not a scan of all meetings
    met_lately = exists().where(*held, Meeting.starts_at >= cutoff)
    last_met = select(func.max(Meeting.starts_at)).where(*held).correlate(WorkingGroup).scalar_subquery()
    dormant = (
        WorkingGroup.status == GroupStatus.ACTIVE,
        ~met_lately,
        or_(exists().where(*held), WorkingGroup.created_at < cutoff),  # met before the cutoff, or founded before
    )
    count = db.session.scalar(select(func.count()).select_from(WorkingGroup).where(*dormant))
    quiet_since = func.coalesce(last_met, WorkingGroup.created_at)
    first = db.session.execute(
        select(WorkingGroup, last_met).where(*dormant).order_by(quiet_since, WorkingGroup.name).limit(limit)
    ).all()
    return count or 0, [GroupActivity(group, last_met=last) for group, last in first]


@dataclass
class Attention:
    """What the manager should look at."""

    pending_accounts: list[User]  # invited, never accepted: the longest waiting, at most PENDING_SHOWN
    pending_count: int
    unanswered: int  # invitations to coming meetings without an answer
    failed_mails: int
    outbox: OutboxHealth  # waiting mails and the mail server's last error


def attention() -> Attention:
    invited = User.status == AccountStatus.INVITED
    pending = db.session.scalars(select(User).where(invited).order_by(User.created_at).limit(PENDING_SHOWN)).all()
    pending_count = db.session.scalar(select(func.count()).select_from(User).where(invited))
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
    return Attention(list(pending), pending_count or 0, unanswered or 0, outbox.failed, outbox)


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
    earlier = aliased(Membership)
    members = db.session.scalar(  # people whose memberships began in the period, none of them before
        select(func.count(distinct(Membership.user_id))).where(
            Membership.start_date >= start,
            Membership.start_date < end,
            ~exists().where(earlier.user_id == Membership.user_id, earlier.start_date < start),
        )
    )
    return {"actors": actors or 0, "members": members or 0}


def counter_max(*values: int) -> int:
    """The largest of the values, at least 1 (a scale for charts)."""
    return max([1, *values])


# --- The office's settings (name and funding notice) -----------------------------------------------------


def office_settings() -> OfficeSettings:
    """The office's name and funding notice; until first saved, an unsaved row with the defaults."""
    return db.session.get(OfficeSettings, SETTINGS_ID) or OfficeSettings(
        id=SETTINGS_ID,
        office_name=DEFAULT_OFFICE_NAME,
        funding_notice=str(DEFAULT_FUNDING_NOTICE),
        logo=None,
        logo_type="",
        version=1,
    )


def save_office_settings(
    settings: OfficeSettings, office_name: str, funding_notice: str, logo: tuple[bytes, str] | None = None
) -> dict:
    """Audited; the changes. ``logo``: a checked, re-encoded image and its type, or (b"", "") to remove it.
    Conflict when another manager's save crossed this one."""
    after = {"office_name": office_name, "funding_notice": funding_notice}
    if logo is not None:
        after["logo_type"] = logo[1]
    changes = apply_changes(settings, after, "office.settings_changed")
    if logo is not None and (logo[0] or None) != settings.logo:
        db.session.add(settings)
        settings.logo = logo[0] or None
        logo_change = {"logo": ["bisheriges Logo", "neues Logo" if logo[0] else "kein Logo"]}
        if not changes:  # only the image changed: apply_changes raised no version and kept no entry
            settings.version += 1
            record("office.settings_changed", settings, changes=logo_change)
        changes |= logo_change
        unit_of_work.flush()
    return changes
