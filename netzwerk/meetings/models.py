"""Meetings (Sitzungen) of working groups and the members' answers (Zusage / Absage / Vielleicht)."""

import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.vocabulary import LabelledEnum, coded_fields, stored_codes


class MeetingStatus(LabelledEnum):
    SCHEDULED = "scheduled", _l("geplant")
    CANCELLED = "cancelled", _l("abgesagt")


class Answer(LabelledEnum):
    YES = "yes", _l("Zusage")
    MAYBE = "maybe", _l("Vielleicht")
    NO = "no", _l("Absage")


class Attendance(LabelledEnum):
    PRESENT = "present", _l("anwesend")
    EXCUSED = "excused", _l("entschuldigt")
    ABSENT = "absent", _l("unentschuldigt")
    REPRESENTED = "represented", _l("vertreten")


def parse_documents(text: str) -> tuple[list[tuple[str, str]], list[int]]:
    """ "https://… Bezeichnung" per line → ([(url, title)], [numbers of lines that are not such a link])."""
    links, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        url, _, title = line.strip().partition(" ")
        if url.lower().startswith(("https://", "http://")) and len(url) > 8:
            links.append((url, title.strip() or url))
        else:
            problems.append(number)
    return links, problems


def new_uid() -> str:
    return f"{uuid.uuid4()}@netzwerk-landshut"


class Meeting(db.Model):
    # a group's meetings by date (its lists, its last meeting); also the index of the foreign key
    # a group's meetings by date, with the status: held meetings per group are read from the index alone
    __table_args__ = (Index("ix_meeting_group_starts_status", "group_id", "starts_at", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    # stored in UTC; entered and shown in Europe/Berlin (clock.to_local / clock.to_utc)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # lists split coming and past by it
    place: Mapped[str] = mapped_column(String(300), default="")
    room: Mapped[str] = mapped_column(String(100), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")  # Tagesordnung, Markdown (rendered sanitised)
    documents: Mapped[str] = mapped_column(Text, default="")  # one link per line: "https://… Bezeichnung"
    capacity: Mapped[int | None] = mapped_column()  # None: no limit; further Zusagen go to the waiting list
    guests_allowed: Mapped[bool] = mapped_column(default=False)  # people outside the group may register
    series_uid: Mapped[str | None] = mapped_column(String(100), index=True)  # meetings scheduled in one go
    # Protokoll: written after the meeting; members are told once it is published
    minutes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    minutes_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_note: Mapped[str] = mapped_column(Text, default="")  # the lead's note in every reminder
    # when the invitees were last told the time (invitation or change): reminders due before it are not sent
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")  # the lead's reason, shown and sent when cancelled
    # the calendar identity: UID stays, SEQUENCE rises with every change that is sent out
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # the last change of what a calendar shows (time, place, title, agenda, cancellation): the entries' DTSTAMP
    # and the feeds' Last-Modified, so an unchanged feed reads the same on every request
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    group: Mapped[WorkingGroup] = relationship()
    organizer: Mapped[User | None] = relationship()
    invitations: Mapped[list["Invitation"]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    tasks: Mapped[list["Task"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Task.position"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def document_links(self) -> list[tuple[str, str]]:
        return parse_documents(self.documents)[0]


class Invitation(db.Model):
    """One invited person and their answer (None: not answered yet)."""

    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        # a meeting's invitations with the attendance: the attendance per group is read from the index alone
        Index("ix_invitation_meeting_attendance", "meeting_id", "attendance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str | None] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(String(500), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a Zusage beyond the capacity waits here (first come, first served) until a place is free
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_guest: Mapped[bool] = mapped_column(default=False)  # registered from outside the group
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last reminder to answer
    attendance: Mapped[str | None] = mapped_column(String(20))  # recorded after the meeting
    represented_by: Mapped[str] = mapped_column(String(120), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship()

    @property
    def answer_label(self):
        if self.waitlisted_at:
            return _l("Warteliste")
        return Answer(self.answer).label if self.answer else _l("noch offen")

    @property
    def has_place(self) -> bool:
        """A Zusage that is not waiting for a place."""
        return self.answer == Answer.YES and self.waitlisted_at is None

    @property
    def attendance_label(self):
        return Attendance(self.attendance).label if self.attendance else ""


class Task(db.Model):
    """A task from the minutes: wer macht was bis wann."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(String(500))
    who: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(default=False)
    # the invitee whose name "who" gives (matched when the minutes are saved): their "Meine Aufgaben" and reminder
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the due-date reminder, sent once

    meeting: Mapped[Meeting] = relationship(back_populates="tasks")
    assignee: Mapped[User | None] = relationship()


class Audience(LabelledEnum):
    """Who of a meeting's invitees a message goes to."""

    ALL = "all", _l("alle Eingeladenen")
    ACCEPTED = "accepted", _l("nur Zusagen")
    UNANSWERED = "unanswered", _l("nur ohne Antwort")


class MeetingMessage(db.Model):
    """A message to a meeting's invitees (all, the Zusagen, or those who have not answered), kept on the
    meeting page like the Rundmail on the group page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    audience: Mapped[str] = mapped_column(String(20), default=Audience.ALL)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    author: Mapped[User | None] = relationship()

    @property
    def audience_label(self):
        return Audience(self.audience).label


stored_codes(Meeting, status=MeetingStatus)
stored_codes(MeetingMessage, audience=Audience)
stored_codes(Invitation, answer=Answer, attendance=Attendance)
coded_fields("Meeting", answer=Answer)  # "meeting.answered" entries
