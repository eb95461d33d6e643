"""Saving projects and finding them. No commits here."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import unit_of_work
from netzwerk.actors.models import Actor
from netzwerk.audit.services import record_save
from netzwerk.auth.permissions import visible_actors, visible_groups
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.projects.models import Milestone, Project, project_actor, project_group


@dataclass
class ProjectData:
    title: str
    field_of_action_id: int | None
    status: str
    lead: str
    description: str = ""
    synergies: str = ""
    is_public: bool = False
    group_ids: list[int] = field(default_factory=list)
    actor_ids: list[int] = field(default_factory=list)
    milestones: list[tuple[str, date | None, bool]] = field(default_factory=list)


def audit_view(project: Project) -> dict:
    return {
        "title": project.title,
        "field_of_action_id": project.field_of_action_id,
        "status": project.status,
        "lead": project.lead,
        "description": project.description,
        "synergies": project.synergies,
        "is_public": project.is_public,
        "groups": sorted(g.name for g in project.groups),
        "actors": sorted(a.name for a in project.actors),
        "milestones": [f"{m.title} ({m.due_on or '–'}{', erreicht' if m.done else ''})" for m in project.milestones],
    }


def save_project(project: Project | None, data: ProjectData) -> Project:
    """Create (project None) or update a project, audited; Conflict when another save crossed this one."""
    creating = project is None
    if creating:
        project = Project()
        db.session.add(project)
    before = audit_view(project) if not creating else {}
    with db.session.no_autoflush:  # a lookup must not write early: only the flush below turns a crossed save
        for name in ("title", "field_of_action_id", "status", "lead", "description", "synergies", "is_public"):
            setattr(project, name, getattr(data, name))  # into a Conflict
        project.groups = list(db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(data.group_ids))))
        project.actors = list(db.session.scalars(select(Actor).where(Actor.id.in_(data.actor_ids))))
        project.milestones = [Milestone(title=t, due_on=d, done=done) for t, d, done in data.milestones]
    unit_of_work.flush()  # the version column refuses a save crossed with another one: Conflict
    record_save("project", project, before, audit_view(project), creating)
    unit_of_work.flush()  # the raised version too
    return project


def projects(visible, status: str = "", field_of_action_id: int | None = None) -> list[Project]:
    query = (
        select(Project)
        .where(visible)
        .options(selectinload(Project.field_of_action), selectinload(Project.milestones))
        .order_by(Project.status == "done", Project.title)
    )
    if status:
        query = query.where(Project.status == status)
    if field_of_action_id:
        query = query.where(Project.field_of_action_id == field_of_action_id)
    return list(db.session.scalars(query))


def projects_of_group(group_id: int, visible) -> list[Project]:
    ids = select(project_group.c.project_id).where(project_group.c.group_id == group_id)
    return list(db.session.scalars(select(Project).where(Project.id.in_(ids), visible).order_by(Project.title)))


def projects_of_actor(actor_id: int, visible) -> list[Project]:
    ids = select(project_actor.c.project_id).where(project_actor.c.actor_id == actor_id)
    return list(db.session.scalars(select(Project).where(Project.id.in_(ids), visible).order_by(Project.title)))


def participants(project: Project, viewer) -> list[Actor]:
    """The project's actors this viewer may see (one query, whatever the number of actors)."""
    ids = select(project_actor.c.actor_id).where(project_actor.c.project_id == project.id)
    return list(db.session.scalars(select(Actor).where(Actor.id.in_(ids), visible_actors(viewer)).order_by(Actor.name)))


def participating_groups(project: Project, viewer) -> list[WorkingGroup]:
    ids = select(project_group.c.group_id).where(project_group.c.project_id == project.id)
    return list(
        db.session.scalars(
            select(WorkingGroup).where(WorkingGroup.id.in_(ids), visible_groups(viewer)).order_by(WorkingGroup.name)
        )
    )
