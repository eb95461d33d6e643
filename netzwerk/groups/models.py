"""Working groups (Arbeitskreise) and who belongs to them when."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Date, ForeignKey, String, Text, and_, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import LabelledEnum, coded_fields, stored_codes


class GroupStatus(LabelledEnum):
    ACTIVE = "active", _l("aktiv")
    PAUSED = "paused", _l("ruht")
    CLOSED = "closed", _l("beendet")


class MemberRole(LabelledEnum):
    LEAD = "lead", _l("Leitung (Sprecher:in)")
    DEPUTY = "deputy", _l("Stellvertretung")
    OFFICE = "office", _l("Geschäftsstelle")
    MEMBER = "member", _l("Mitglied")
    GUEST = "guest", _l("Gast")


class WorkingGroup(db.Model):
    __tablename__ = "working_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    short_name: Mapped[str] = mapped_column(String(30), default="")
    field_of_action_id: Mapped[int | None] = mapped_column(ForeignKey("field_of_action.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    # linked partner organisations see the group's meetings (and later minutes) only when the group allows it
    partners_see_meetings: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=GroupStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    field_of_action: Mapped[FieldOfAction | None] = relationship()
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Membership.start_date"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def status_label(self):
        return GroupStatus(self.status).label


class Membership(db.Model):
    """Who belonged to a group, in which role, representing which actor, from when to when (like OParl's
    Membership): ended memberships stay, so past meetings still show who belonged then."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id", ondelete="SET NULL"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER)
    start_date: Mapped[date] = mapped_column(Date, default=clock.today)
    end_date: Mapped[date | None] = mapped_column(Date)

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
    actor: Mapped[Actor | None] = relationship()

    @property
    def role_label(self):
        return MemberRole(self.role).label

    def is_current(self, on: date | None = None) -> bool:
        on = on or clock.today()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)


def current_on(on: date | None = None) -> ColumnElement[bool]:
    """A WHERE condition: the membership runs on this day (default today); the query twin of ``is_current``."""
    on = on or clock.today()
    return and_(Membership.start_date <= on, or_(Membership.end_date.is_(None), Membership.end_date > on))


class RequestStatus(LabelledEnum):
    """Not shown by label (yet): the code is its own label."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class JoinRequest(db.Model):
    """A member asks to join a public group; the group's leads (or the manager) decide."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    group: Mapped[WorkingGroup] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class GroupMessage(db.Model):
    """A Rundmail to all members of a group, kept on the group page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)

    author: Mapped[User | None] = relationship()


stored_codes(WorkingGroup, status=GroupStatus)
stored_codes(Membership, role=MemberRole)
stored_codes(JoinRequest, status=RequestStatus)
# the audit entries of a group record its status and its members' roles
coded_fields("WorkingGroup", role=MemberRole)
