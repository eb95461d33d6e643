"""The annual report (Jahresbericht) for the funding body: what the network did in a chosen period. One
`AnnualReport` feeds the printable page, the PDF and the spreadsheet, so the three always agree.

The report is a summary whose size does not grow with the registry: totals and counts per group, field of action
and municipality, all computed in SQL. The lists behind them (every held meeting, every new actor) are the
spreadsheet's annex only, loaded when it is built (`held_meetings`, `new_actors`)."""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction, Municipality, actor_field_of_action
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation, Meeting, MeetingStatus
from netzwerk.overview.services import ATTENDED, GroupActivity, group_activity, new_in_period
from netzwerk.partners.models import PartnerLink, Partnership, PartnerStatus, PartnerUser
from netzwerk.projects.models import Project
from netzwerk.vocabulary import german_key


@dataclass
class HeldMeeting:
    meeting: Meeting
    invited: int  # with attendance recorded
    attended: int


@dataclass
class Tally:
    """One row of a count: a label (a field of action, a municipality) and how many."""

    label: str
    count: int


@dataclass
class ProjectProgress:
    project: Project
    milestones_done: int
    milestones_total: int
    due_in_period: list = field(default_factory=list)  # milestones with a date in the period


@dataclass
class PartnerActivity:
    partnership: Partnership
    new_links: int  # links to groups or actors begun in the period
    meetings_attended: int  # attendances of the partner's people at meetings in the period
    profile_updated: datetime | None  # when the partner last updated its profile, if in the period


@dataclass
class AnnualReport:
    start: date
    end: date  # inclusive, as the manager chose it
    groups: list[GroupActivity]  # the groups that met in the period, with their figures
    new_actors: int
    new_actors_by_field: list[Tally]
    new_actors_by_municipality: list[Tally]
    new_members: int
    projects: list[ProjectProgress]
    partners: list[PartnerActivity]

    @property
    def meetings_held(self) -> int:
        return sum(g.meetings for g in self.groups)

    @property
    def attendance_rate(self) -> float | None:
        invited = sum(g.invited for g in self.groups)
        return sum(g.attended for g in self.groups) / invited if invited else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of the local days start 00:00 and the day after end 00:00."""
    after = date.fromordinal(end.toordinal() + 1)
    return clock.local_midnight(start), clock.local_midnight(after)


def build_report(start: date, end: date) -> AnnualReport:
    """The report for the local days start … end (both included), in a fixed number of queries."""
    begin, finish = _bounds(start, end)
    after = date.fromordinal(end.toordinal() + 1)
    by_field, by_municipality = _new_actor_tallies(begin, finish)
    new = new_in_period(start, after)
    return AnnualReport(
        start=start,
        end=end,
        groups=sorted(
            (g for g in group_activity(start, after, with_closed=True) if g.meetings),
            key=lambda g: german_key(g.group.name),
        ),
        new_actors=new["actors"],
        new_actors_by_field=by_field,
        new_actors_by_municipality=by_municipality,
        new_members=new["members"],
        projects=_project_progress(start, end, finish),
        partners=_partner_activity(start, end, begin, finish),
    )


def _new_actor_tallies(begin: datetime, finish: datetime) -> tuple[list[Tally], list[Tally]]:
    """New actors per field of action (an actor in two fields counts in both) and per municipality, the largest
    first; actors without either are counted as such."""
    new = and_(Actor.created_at >= begin, Actor.created_at < finish)
    fields = db.session.execute(
        select(FieldOfAction.name, func.count(Actor.id))
        .select_from(Actor)
        .outerjoin(actor_field_of_action, actor_field_of_action.c.actor_id == Actor.id)
        .outerjoin(FieldOfAction, FieldOfAction.id == actor_field_of_action.c.field_of_action_id)
        .where(new)
        .group_by(FieldOfAction.name, FieldOfAction.position)
        .order_by(func.count(Actor.id).desc(), FieldOfAction.position)
    ).all()
    places = db.session.execute(
        select(Municipality.name, func.count(Actor.id))
        .select_from(Actor)
        .outerjoin(Municipality, Municipality.id == Actor.municipality_id)
        .where(new)
        .group_by(Municipality.name)
        .order_by(func.count(Actor.id).desc(), Municipality.name)
    ).all()
    return (
        [Tally(name or _("ohne Handlungsfeld"), count) for name, count in fields],
        [Tally(name or _("ohne Kommune"), count) for name, count in places],
    )


def held_meetings(report: AnnualReport) -> list[HeldMeeting]:
    """The annex: every meeting held in the period with its recorded attendance, in date order."""
    begin, finish = _bounds(report.start, report.end)
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at >= begin,
            Meeting.starts_at < min(finish, clock.now()),
        )
        .order_by(Meeting.starts_at)
        .options(joinedload(Meeting.group))
    ).all()
    counts = {
        meeting_id: (invited, attended)
        for meeting_id, invited, attended in db.session.execute(
            select(
                Invitation.meeting_id,
                func.count(Invitation.id),
                func.count(Invitation.id).filter(Invitation.attendance.in_(ATTENDED)),
            )
            .join(Meeting, Meeting.id == Invitation.meeting_id)
            .where(
                Meeting.starts_at >= begin,
                Meeting.starts_at < min(finish, clock.now()),
                Invitation.attendance.is_not(None),
            )
            .group_by(Invitation.meeting_id)
        )
    }
    return [HeldMeeting(m, *counts.get(m.id, (0, 0))) for m in meetings]


def new_actors(report: AnnualReport) -> list[Actor]:
    """The annex: every actor added in the period, in German name order."""
    begin, finish = _bounds(report.start, report.end)
    actors = db.session.scalars(
        select(Actor)
        .where(Actor.created_at >= begin, Actor.created_at < finish)
        .options(joinedload(Actor.municipality), selectinload(Actor.fields_of_action))
    ).unique()
    return sorted(actors, key=lambda actor: german_key(actor.name))


def _project_progress(start: date, end: date, finish: datetime) -> list[ProjectProgress]:
    """The projects that existed by the end of the period (their state is today's: projects keep no history)."""
    projects = sorted(
        db.session.scalars(
            select(Project).where(Project.created_at < finish).options(selectinload(Project.milestones))
        ),
        key=lambda project: german_key(project.title),
    )
    return [
        ProjectProgress(
            project,
            sum(1 for m in project.milestones if m.done),
            len(project.milestones),
            [m for m in project.milestones if m.due_on and start <= m.due_on <= end],
        )
        for project in projects
    ]


def _partner_activity(start: date, end: date, begin: datetime, finish: datetime) -> list[PartnerActivity]:
    partnerships = sorted(
        db.session.scalars(
            select(Partnership)
            .where(Partnership.status == PartnerStatus.ACTIVE, Partnership.created_at < finish)
            .options(joinedload(Partnership.actor))
        ),
        key=lambda partnership: german_key(partnership.actor.name),
    )
    links = dict(
        db.session.execute(
            select(PartnerLink.partnership_id, func.count())
            .where(PartnerLink.since >= start, PartnerLink.since <= end)
            .group_by(PartnerLink.partnership_id)
        ).all()
    )
    attended = dict(
        db.session.execute(
            select(PartnerUser.partnership_id, func.count(Invitation.id))
            .join(Invitation, Invitation.user_id == PartnerUser.user_id)
            .join(Meeting, and_(Meeting.id == Invitation.meeting_id, Meeting.status != MeetingStatus.CANCELLED))
            .where(Invitation.attendance.in_(ATTENDED), Meeting.starts_at >= begin, Meeting.starts_at < finish)
            .group_by(PartnerUser.partnership_id)
        ).all()
    )
    return [
        PartnerActivity(
            p,
            links.get(p.id, 0),
            attended.get(p.id, 0),
            p.profile_updated_at if p.profile_updated_at and begin <= p.profile_updated_at < finish else None,
        )
        for p in partnerships
    ]
