"""Projects (Vorhaben) of city and county, their milestones, and who takes part."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.vocabulary import LabelledEnum, stored_codes


class ProjectStatus(LabelledEnum):
    IDEA = "idea", _l("Idee")
    PLANNING = "planning", _l("in Planung")
    UNDER_WAY = "under_way", _l("in Umsetzung")
    DONE = "done", _l("abgeschlossen")


class ProjectLead(LabelledEnum):
    CITY = "city", _l("Stadt Landshut")
    COUNTY = "county", _l("Landkreis Landshut")
    BOTH = "both", _l("Stadt und Landkreis")


project_group = Table(
    "project_group",
    db.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True),
)
project_actor = Table(
    "project_actor",
    db.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True),
)


class Project(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    field_of_action_id: Mapped[int | None] = mapped_column(ForeignKey("field_of_action.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.IDEA, index=True)
    lead: Mapped[str] = mapped_column(String(10), default=ProjectLead.BOTH)  # city, county or both
    description: Mapped[str] = mapped_column(Text, default="")
    synergies: Mapped[str] = mapped_column(Text, default="")  # Synergieeffekte, Abstimmung der Planungen
    is_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    field_of_action: Mapped[FieldOfAction | None] = relationship()
    groups: Mapped[list[WorkingGroup]] = relationship(secondary=project_group, order_by=WorkingGroup.name)
    actors: Mapped[list[Actor]] = relationship(secondary=project_actor, order_by=Actor.name)
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Milestone.due_on"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def name(self) -> str:  # for the audit log
        return self.title

    @property
    def status_label(self):
        return ProjectStatus(self.status).label

    @property
    def lead_label(self):
        return ProjectLead.label_of(self.lead)


class Milestone(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)

    project: Mapped[Project] = relationship(back_populates="milestones")


stored_codes(Project, status=ProjectStatus, lead=ProjectLead)
