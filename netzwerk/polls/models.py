"""Date polls (Terminumfragen): proposed time slots, the members' votes, and reminders sent."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Meeting
from netzwerk.vocabulary import LabelledEnum, stored_codes


class PollStatus(LabelledEnum):
    OPEN = "open", _l("offen")
    CLOSED = "closed", _l("beendet")


class Vote(LabelledEnum):
    YES = "yes", _l("Ja")
    IF_NEED_BE = "if_need_be", _l("Wenn nötig")
    NO = "no", _l("Nein")


class Poll(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)  # "bitte abstimmen bis", shown, not enforced
    status: Mapped[str] = mapped_column(String(20), default=PollStatus.OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))

    group: Mapped[WorkingGroup] = relationship()
    created_by: Mapped[User | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    slots: Mapped[list["PollSlot"]] = relationship(
        back_populates="poll", cascade="all, delete-orphan", order_by="PollSlot.starts_at"
    )

    @property
    def is_open(self) -> bool:
        return self.status == PollStatus.OPEN


class PollSlot(db.Model):
    """One proposed time; stored in UTC, entered and shown in Europe/Berlin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    poll: Mapped[Poll] = relationship(back_populates="slots")


class PollVote(db.Model):
    """One person's answer to one slot; changed in place until the poll is closed."""

    __table_args__ = (UniqueConstraint("slot_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("poll_slot.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(String(20))
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship()

    @property
    def vote_label(self):
        return Vote(self.value).label


class PollReminder(db.Model):
    """Who was reminded to vote, when, by whom: the lead sees it before reminding again."""

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


stored_codes(Poll, status=PollStatus)
stored_codes(PollVote, value=Vote)
