"""Tasks across meetings: lists, marking done (which raises the meeting's version, so minutes being edited in
another tab are not saved over it), and the due reminder the scheduler queues once per task."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Meeting, Task

REMIND_DAYS_AHEAD = 1  # the reminder goes out the day before the due date (or on it, for a task entered late)


def tasks_query(*, done: bool | None = False, assignee: User | None = None) -> Select:
    """Tasks with their meeting and group, the most pressing first (by due date, those without one last)."""
    query = (
        select(Task)
        .join(Meeting, Meeting.id == Task.meeting_id)
        .options(selectinload(Task.meeting).selectinload(Meeting.group), selectinload(Task.assignee))
    )
    if done is not None:
        query = query.where(Task.done == done)
    if assignee is not None:
        query = query.where(Task.assignee_id == assignee.id)
    return query.order_by(Task.due_on.is_(None), Task.due_on, Meeting.starts_at, Task.position, Task.id)


def set_done(task: Task, done: bool, by: User) -> None:
    task.done = done
    task.done_at = clock.now() if done else None
    task.meeting.version += 1  # the minutes form round-trips "erledigt": a stale form must not undo this
    record("task.done" if done else "task.reopened", task.meeting, summary=f"{task.what[:80]} ({by.name})")


def _due_for_reminder():
    today = clock.today()
    return and_(
        Task.done == False,  # noqa: E712 (SQL, not Python truth)
        Task.assignee_id.is_not(None),
        Task.reminded_at.is_(None),
        Task.due_on >= today,
        Task.due_on <= today + timedelta(days=REMIND_DAYS_AHEAD),
    )


def remind_due_tasks() -> int:
    """Queue one reminder per task due tomorrow or today to the person it is assigned to (through the outbox,
    like every mail); people who turned mail off are marked as reminded all the same. The number queued."""
    tasks = db.session.scalars(
        select(Task).where(_due_for_reminder()).options(selectinload(Task.assignee), selectinload(Task.meeting))
    ).all()
    queued = 0
    for task in tasks:
        task.reminded_at = clock.now()
        person = task.assignee
        if person.is_active and person.notify_by_email:
            queue_mail(person.email, "task_due", user=person, task=task, meeting=task.meeting, by_scheduler=True)
            queued += 1
    return queued


def task_reminder_job() -> int:
    """The scheduler's job: links in the mails come from BASE_URL (a request context on it)."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return remind_due_tasks()
