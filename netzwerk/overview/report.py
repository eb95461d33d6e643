"""The annual report (Jahresbericht) for the funding body: what the network did in a chosen period. One
`AnnualReport` feeds the printable page, the PDF and the spreadsheet, so the three always agree."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation, Meeting, MeetingStatus
from netzwerk.overview.services import ATTENDED, GroupActivity, group_activity, new_in_period
from netzwerk.partners.models import PartnerLink, Partnership, PartnerStatus, PartnerUser
from netzwerk.projects.models import Project


@dataclass
class HeldMeeting:
    meeting: Meeting
    invited: int  # with attendance recorded
    attended: int


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
    groups: list[GroupActivity]
    meetings: list[HeldMeeting]
    new_actors: list[Actor]
    new_members: int
    projects: list[ProjectProgress]
    partners: list[PartnerActivity]

    @property
    def meetings_held(self) -> int:
        return len(self.meetings)

    @property
    def attendance_rate(self) -> float | None:
        invited = sum(m.invited for m in self.meetings)
        return sum(m.attended for m in self.meetings) / invited if invited else None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of the local days start 00:00 and the day after end 00:00."""
    after = date.fromordinal(end.toordinal() + 1)
    return clock.local_midnight(start), clock.local_midnight(after)


def build_report(start: date, end: date) -> AnnualReport:
    """The report for the local days start … end (both included), in a fixed number of queries."""
    begin, finish = _bounds(start, end)
    after = date.fromordinal(end.toordinal() + 1)
    return AnnualReport(
        start=start,
        end=end,
        groups=[g for g in group_activity(start, after, with_closed=True) if g.meetings],
        meetings=_held_meetings(begin, finish),
        new_actors=list(
            db.session.scalars(
                select(Actor)
                .where(Actor.created_at >= begin, Actor.created_at < finish)
                .order_by(Actor.name)
                .options(joinedload(Actor.municipality))
            )
        ),
        new_members=new_in_period(start, after)["members"],
        projects=_project_progress(start, end, finish),
        partners=_partner_activity(start, end, begin, finish),
    )


def _held_meetings(begin: datetime, finish: datetime) -> list[HeldMeeting]:
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
            .where(Invitation.meeting_id.in_([m.id for m in meetings]), Invitation.attendance.is_not(None))
            .group_by(Invitation.meeting_id)
        )
    }
    return [HeldMeeting(m, *counts.get(m.id, (0, 0))) for m in meetings]


def _project_progress(start: date, end: date, finish: datetime) -> list[ProjectProgress]:
    """The projects that existed by the end of the period (their state is today's: projects keep no history)."""
    projects = db.session.scalars(
        select(Project)
        .where(Project.created_at < finish)
        .order_by(Project.title)
        .options(selectinload(Project.milestones))
    ).all()
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
    partnerships = db.session.scalars(
        select(Partnership)
        .join(Partnership.actor)
        .where(Partnership.status == PartnerStatus.ACTIVE, Partnership.created_at < finish)
        .order_by(Actor.name)
        .options(joinedload(Partnership.actor))
    ).all()
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
