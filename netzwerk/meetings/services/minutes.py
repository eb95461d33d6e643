"""Attendance and minutes (Protokoll) of a meeting that has started, and the tasks decided there."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Answer, Attendance, Invitation, Meeting, Task


@dataclass
class TaskData:
    what: str
    who: str = ""
    due_on: date | None = None
    done: bool = False


def has_started(meeting: Meeting) -> bool:
    return meeting.starts_at <= clock.now()


def suggested_attendance(invitation: Invitation) -> str | None:
    """A starting point for the lead: a Zusage probably came, an Absage is excused."""
    if invitation.attendance:
        return invitation.attendance
    return {Answer.YES: Attendance.PRESENT, Answer.NO: Attendance.EXCUSED}.get(invitation.answer)


def save_minutes(
    meeting: Meeting,
    attendance: dict[int, tuple[str, str]],
    minutes: str,
    decisions: str,
    tasks: list[TaskData],
    publish: bool,
) -> list[OutgoingMail]:
    """Attendance (invitation id → (status, represented by)), minutes, decisions and tasks; publishing the first
    time tells everyone invited that the minutes are there."""
    for invitation in meeting.invitations:
        if invitation.id in attendance:
            status, deputy = attendance[invitation.id]
            invitation.attendance = status
            invitation.represented_by = deputy if status == Attendance.REPRESENTED else ""
    changes = changes_between(
        {"minutes": meeting.minutes, "decisions": meeting.decisions}, {"minutes": minutes, "decisions": decisions}
    )
    meeting.minutes, meeting.decisions = minutes, decisions
    meeting.tasks = [Task(position=n, **task.__dict__) for n, task in enumerate(tasks)]
    meeting.version += 1
    record("meeting.minutes_saved", meeting, summary=meeting.title, changes={k: ["…", "…"] for k in changes})
    if not publish or meeting.minutes_published_at:
        return []
    meeting.minutes_published_at = clock.now()
    record("meeting.minutes_published", meeting, summary=meeting.title)
    return [
        minutes_mail(invitation)
        for invitation in meeting.invitations
        if invitation.user.is_active and invitation.user.notify_by_email
    ]


def minutes_mail(invitation: Invitation) -> OutgoingMail:
    user, meeting = invitation.user, invitation.meeting
    mail = queue_mail(user.email, "minutes_published", user=user, meeting=meeting)
    mail.key, mail.meeting_id = f"minutes_published:{meeting.id}:{user.id}", meeting.id
    return mail


def attendance_counts(invitations: list[Invitation]) -> dict[str, int]:
    counts = {status.value: 0 for status in Attendance}
    for invitation in invitations:
        if invitation.attendance:
            counts[invitation.attendance] += 1
    return counts


def meetings_attended_for_actor(actor_id: int, visible, limit: int = 20) -> list[tuple[Meeting, User]]:
    """Meetings that people attended while representing the actor in the meeting's group, newest first."""
    rows = db.session.execute(
        select(Meeting, User)
        .join(Invitation, Invitation.meeting_id == Meeting.id)
        .join(User, User.id == Invitation.user_id)
        .join(
            Membership,
            (Membership.user_id == Invitation.user_id)
            & (Membership.group_id == Meeting.group_id)
            & (Membership.actor_id == actor_id),
        )
        .join(WorkingGroup, WorkingGroup.id == Meeting.group_id)
        .where(Invitation.attendance.in_([Attendance.PRESENT, Attendance.REPRESENTED]), visible)
        .options(selectinload(Meeting.group))
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    return list(dict.fromkeys((meeting, user) for meeting, user in rows))
