"""Meetings (Sitzungen) of working groups and the members' answers (Zusage / Absage / Vielleicht)."""

import uuid
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime, utcnow
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup


class MeetingStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Answer(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"

    @property
    def label(self):
        return ANSWER_LABELS[self]


ANSWER_LABELS = {Answer.YES: _l("Zusage"), Answer.MAYBE: _l("Vielleicht"), Answer.NO: _l("Absage")}


def new_uid() -> str:
    return f"{uuid.uuid4()}@netzwerk-landshut"


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # stored in UTC; entered and shown in Europe/Berlin (services.local / services.to_utc)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")  # Tagesordnung, Markdown (rendered sanitised)
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED)
    # the calendar identity: UID stays, SEQUENCE rises with every change that is sent out
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    group: Mapped[WorkingGroup] = relationship()
    organizer: Mapped[User | None] = relationship()
    invitations: Mapped[list["Invitation"]] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class Invitation(db.Model):
    """One invited person and their answer (None: not answered yet)."""

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(String(500), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship()

    @property
    def answer_label(self):
        return Answer(self.answer).label if self.answer else _l("noch offen")
