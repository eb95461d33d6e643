"""Planning reminders into the outbox. The scheduler's sweep asks, every few seconds, which reminders are due by
now and adds each one to the outbox once (its key says what, for whom, which meeting at which time), rendered
with the meeting as it is then. Nothing is planned ahead, so a changed or cancelled meeting needs no clean-up
beyond reminders already waiting; a reminder due while the scheduler was down is sent when it is back, if its
meeting has not begun. Due times are wall-clock times in Europe/Berlin ("1 day before, 09:00"), computed
with zoneinfo, so they are right across the daylight-saving change. The settings are saved here too. No commits
here: the unit of work (netzwerk/unit_of_work.py) saves."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import apply_changes
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, current_on
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import external_url, queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus
from netzwerk.meetings.services.tokens import answer_token
from netzwerk.polls.models import Poll, PollReminder, PollStatus
from netzwerk.polls.services import poll_mail, poll_table
from netzwerk.reminders.models import DAY_CHOICES, SETTINGS_ID, ReminderSettings, format_days, parse_days

DIGEST_HOUR = 7  # Monday, local time
DIGEST_WEEKS_AHEAD = timedelta(days=14)
PREVIEW_DAYS = timedelta(days=7)  # what the manager sees as coming


def reminder_settings() -> ReminderSettings:
    """The manager's defaults; until first saved, an unsaved row with the built-in ones."""
    return db.session.get(ReminderSettings, SETTINGS_ID) or ReminderSettings(
        id=SETTINGS_ID, days="7,1", send_hour=9, answer_days=3, version=1
    )


def save_reminder_settings(
    settings: ReminderSettings, days: list[int], send_hour: int, answer_days: int | None
) -> dict:
    """The manager's defaults for everyone (the first save stores the built-in row), audited; returns the
    changes. Conflict when another manager's save crossed this one."""
    after = {"days": format_days(days), "send_hour": send_hour, "answer_days": answer_days}
    return apply_changes(settings, after, "reminders.settings_changed")


def save_own_reminders(user: User, days: list[int] | None, answer: bool, polls: bool, digest: bool) -> dict:
    """When this person is reminded; ``days`` None: the manager's defaults. Audited as a profile change;
    Conflict when another save of the profile crossed this one."""
    after = {
        "reminder_days": None if days is None else format_days(days) or "-",  # "-": none (empty would read unset)
        "answer_reminders": answer,
        "poll_reminders": polls,
        "weekly_digest": digest,
    }
    return apply_changes(user, after, "user.profile_updated")


def user_days(user: User, settings: ReminderSettings) -> list[int]:
    """The days before a meeting this person wants a reminder; none without mail notifications."""
    if not user.notify_by_email:
        return []
    return settings.day_list if user.reminder_days is None else parse_days(user.reminder_days)


def wants_answer_reminders(user: User) -> bool:
    return user.notify_by_email and user.answer_reminders


def due_time(meeting: Meeting, days: int, hour: int) -> datetime | None:
    """``days`` before the meeting's local day at ``hour`` local time, in UTC; None if that is not before it."""
    day = clock.local_date(meeting.starts_at) - timedelta(days=days)
    due = clock.to_utc(datetime.combine(day, time(hour)))
    return due if due < meeting.starts_at else None


@dataclass
class Planned:
    key: str
    kind: str
    due: datetime
    meeting: Meeting
    invitation: Invitation


def planned_reminders(until: datetime, since: datetime | None = None) -> Iterator[Planned]:
    """Reminders due in (since, until] for meetings that have not begun by ``until``.

    Without ``since`` (the sweep): counted from the moment the invitees were told the time (never a reminder
    before the invitation itself), and per person and meeting only the latest one due, so a scheduler that was
    down sends one current reminder, not the 7-day and the 1-day one together. With ``since`` (the preview):
    every reminder in the window."""
    settings = reminder_settings()
    start = since or until
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > start,
            Meeting.starts_at <= until + timedelta(days=max(DAY_CHOICES) + 1),
        )
        .options(selectinload(Meeting.invitations).selectinload(Invitation.user), selectinload(Meeting.group))
        .order_by(Meeting.starts_at)
    )
    for meeting in meetings:
        lower = since or meeting.announced_at
        for invitation in meeting.invitations:
            due = [p for p in candidates(meeting, invitation, settings) if lower < p.due <= until]
            if since is None and due:
                due = [max(due, key=lambda p: (p.due, p.kind == "meeting_reminder"))]
            yield from due


def candidates(meeting: Meeting, invitation: Invitation, settings: ReminderSettings) -> Iterator[Planned]:
    """Every reminder this invitation gets for the meeting, whenever due."""
    user = invitation.user
    if user.status != AccountStatus.ACTIVE:
        return
    stamp = f"{meeting.starts_at:%Y%m%dT%H%M}"
    if invitation.answer != Answer.NO and invitation.waitlisted_at is None:
        for days in user_days(user, settings):
            if due := due_time(meeting, days, settings.send_hour):
                key = f"reminder:{meeting.id}:{user.id}:{days}:{stamp}"
                yield Planned(key, "meeting_reminder", due, meeting, invitation)
    if invitation.answer is None and settings.answer_days is not None and wants_answer_reminders(user):
        if due := due_time(meeting, settings.answer_days, settings.send_hour):
            key = f"answer-reminder:{meeting.id}:{user.id}:{stamp}"
            yield Planned(key, "meeting_answer_reminder", due, meeting, invitation)


def existing_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(db.session.scalars(select(OutgoingMail.key).where(OutgoingMail.key.in_(chunk))))
    return found


def reminder_mail(planned: Planned) -> OutgoingMail:
    invitation, meeting = planned.invitation, planned.meeting
    mail = queue_mail(
        invitation.user.email,
        planned.kind,
        user=invitation.user,
        link=external_url("meetings.answer_link", token=answer_token(invitation)),
        meeting=meeting,
        invitation=invitation,
        by_scheduler=True,  # the sweep plans thousands; the outbox job sends them batch by batch
    )
    # due_at keeps the planned time (already past: sent at once), so the outbox shows when it was due
    mail.key, mail.meeting_id, mail.expires_at, mail.due_at = planned.key, meeting.id, meeting.starts_at, planned.due
    return mail


def plan_reminders(now: datetime | None = None) -> list[OutgoingMail]:
    """Add every reminder that is due by now and not yet in the outbox (the sweep; safe to repeat)."""
    now = now or clock.now()
    planned = list(planned_reminders(now))
    known = existing_keys([p.key for p in planned])
    mails = [reminder_mail(p) for p in planned if p.key not in known]
    return mails + plan_poll_reminders(now) + plan_digests(now)


# --- Date polls ------------------------------------------------------------------------------------------


def plan_poll_reminders(now: datetime) -> list[OutgoingMail]:
    """Members who have not voted in a poll with a deadline are reminded ``answer_days`` before it, at the
    reminder hour (like the reminder to answer an invitation)."""
    settings = reminder_settings()
    if settings.answer_days is None:
        return []
    polls = db.session.scalars(
        select(Poll).where(
            Poll.status == PollStatus.OPEN,
            Poll.deadline > now,
            Poll.deadline <= now + timedelta(days=settings.answer_days + 1),
        )
    ).all()
    mails = []
    for poll in polls:
        day = clock.local_date(poll.deadline) - timedelta(days=settings.answer_days)
        due = min(clock.to_utc(datetime.combine(day, time(settings.send_hour))), poll.deadline - timedelta(hours=1))
        if not poll.created_at < due <= now:
            continue
        stamp = f"{poll.deadline:%Y%m%dT%H%M}"
        people = [u for u in poll_table(poll).not_voted if u.is_active and u.notify_by_email and u.poll_reminders]
        known = existing_keys([f"poll-reminder:{poll.id}:{user.id}:{stamp}" for user in people])
        for user in people:
            key = f"poll-reminder:{poll.id}:{user.id}:{stamp}"
            if key in known:
                continue
            mail = poll_mail(poll, user, "poll_reminder")
            mail.key, mail.expires_at = key, poll.deadline
            db.session.add(PollReminder(poll_id=poll.id, user_id=user.id))
            mails.append(mail)
    return mails


# --- Weekly digest ---------------------------------------------------------------------------------------


def digest_due(now: datetime) -> tuple[str, datetime] | None:
    """(week label, due time) while this week's digest may go out: from Monday 07:00 local for a day."""
    today = clock.local_date(now)
    monday = today - timedelta(days=today.weekday())
    due = clock.to_utc(datetime.combine(monday, time(DIGEST_HOUR)))
    if not due <= now < due + timedelta(days=1):
        return None
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}", due


def digest_meetings(user: User, now: datetime) -> list[Meeting]:
    own_groups = select(Membership.group_id).where(Membership.user_id == user.id, current_on())
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.group_id.in_(own_groups),
                Meeting.starts_at > now,
                Meeting.starts_at <= now + DIGEST_WEEKS_AHEAD,
            )
            .options(selectinload(Meeting.group))
            .order_by(Meeting.starts_at)
        )
    )


def plan_digests(now: datetime) -> list[OutgoingMail]:
    """This week's digest for everyone who wants one; a week without meetings is recorded as nothing to send."""
    due = digest_due(now)
    if due is None:
        return []
    week, _ = due
    users = db.session.scalars(
        select(User).where(User.weekly_digest.is_(True), User.status == AccountStatus.ACTIVE, User.notify_by_email)
    ).all()
    known = existing_keys([f"digest:{user.id}:{week}" for user in users])
    mails = []
    for user in users:
        key = f"digest:{user.id}:{week}"
        if key in known:
            continue
        meetings = digest_meetings(user, now)
        mail = queue_mail(user.email, "weekly_digest", user=user, meetings=meetings, by_scheduler=True)
        mail.key = key
        if not meetings:  # kept as a record, so the sweep does not ask again this week
            mail.status, mail.last_error = MailStatus.CANCELLED, "keine Termine"
        mails.append(mail)
    return mails
