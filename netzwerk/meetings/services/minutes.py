"""Attendance and minutes (Protokoll) of a meeting that has started, and the tasks decided there."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock, unit_of_work
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.errors import NotAllowed
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


MINUTES_NOT_YET = _l(
    "Anwesenheit und Protokoll können ab Beginn der Sitzung erfasst werden; abgesagte Sitzungen haben kein Protokoll."
)


def has_started(meeting: Meeting) -> bool:
    return meeting.starts_at <= clock.now()


def require_minutes_possible(meeting: Meeting) -> None:
    """Minutes belong to a meeting that has begun and was not cancelled."""
    if meeting.is_cancelled or not has_started(meeting):
        raise NotAllowed(MINUTES_NOT_YET)


def suggested_attendance(invitation: Invitation) -> str | None:
    """A starting point for the lead: a Zusage probably came, an Absage is excused."""
    if invitation.attendance:
        return invitation.attendance
    return {Answer.YES: Attendance.PRESENT, Answer.NO: Attendance.EXCUSED}.get(invitation.answer)


def keep_tasks(meeting: Meeting, rows: list[TaskData]) -> None:
    """Update the tasks in place (row by row), so a task keeps its reminder and its "done" date while the
    minutes are edited; "wer" naming an invitee assigns the task to that person."""
    people = {invitation.user.name.casefold(): invitation.user_id for invitation in meeting.invitations}
    existing = sorted(meeting.tasks, key=lambda task: task.position)
    kept = []
    for position, row in enumerate(rows):
        task = existing[position] if position < len(existing) else Task()
        if (task.who, task.due_on) != (row.who, row.due_on):
            task.reminded_at = None  # a new person or date is reminded anew
        if row.done and not task.done:
            task.done_at = clock.now()
        elif not row.done:
            task.done_at = None
        task.position, task.what, task.who, task.due_on, task.done = position, row.what, row.who, row.due_on, row.done
        task.assignee_id = people.get(row.who.strip().casefold())
        kept.append(task)
    meeting.tasks = kept


def save_minutes(
    meeting: Meeting,
    attendance: dict[int, tuple[str, str]],
    minutes: str,
    decisions: str,
    tasks: list[TaskData],
    publish: bool,
) -> None:
    """Attendance (invitation id → (status, represented by)), minutes, decisions and tasks; publishing the first
    time tells everyone invited that the minutes are there. A save that crossed another one is a Conflict."""
    require_minutes_possible(meeting)
    with db.session.no_autoflush:  # a lazy load here must not write half the change unchecked: one flush below
        for invitation in meeting.invitations:
            if invitation.id in attendance:
                status, deputy = attendance[invitation.id]
                invitation.attendance = status
                invitation.represented_by = deputy if status == Attendance.REPRESENTED else ""
        changes = changes_between(
            {"minutes": meeting.minutes, "decisions": meeting.decisions}, {"minutes": minutes, "decisions": decisions}
        )
        meeting.minutes, meeting.decisions = minutes, decisions
        keep_tasks(meeting, tasks)
        meeting.version += 1
        first_publication = publish and not meeting.minutes_published_at
        if first_publication:
            meeting.minutes_published_at = clock.now()
    unit_of_work.flush()
    record("meeting.minutes_saved", meeting, summary=meeting.title, changes={k: ["…", "…"] for k in changes})
    if not first_publication:
        return
    record("meeting.minutes_published", meeting, summary=meeting.title)
    for invitation in meeting.invitations:
        if invitation.user.is_active and invitation.user.notify_by_email:
            minutes_mail(invitation)


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
