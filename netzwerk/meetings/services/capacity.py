"""Capacity and waiting list: free places, who waits, who moves up when a place is given up."""

from sqlalchemy import func, select, update

from netzwerk.audit.services import record
from netzwerk.extensions import db
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting


def lock_places(meeting: Meeting) -> None:
    """Serialise answers to one meeting: a no-op UPDATE takes the row lock (PostgreSQL) or the write lock
    (SQLite) before places are counted, so two Zusagen cannot both take the last place."""
    db.session.execute(update(Meeting).where(Meeting.id == meeting.id).values(capacity=Meeting.capacity))


def free_places(meeting: Meeting, besides: Invitation | None = None) -> int | None:
    """Places left (None: no limit), not counting ``besides``."""
    if meeting.capacity is None:
        return None
    query = select(func.count(Invitation.id)).where(
        Invitation.meeting_id == meeting.id, Invitation.answer == Answer.YES, Invitation.waitlisted_at.is_(None)
    )
    if besides is not None and besides.id is not None:
        query = query.where(Invitation.id != besides.id)
    return max(meeting.capacity - db.session.scalar(query), 0)


def fill_places(meeting: Meeting) -> list[Invitation]:
    """Move people up from the waiting list, first come first served, while places are free; each is mailed.
    Those moved up."""
    moved_up = []
    waiting = db.session.scalars(
        select(Invitation)
        .where(Invitation.meeting_id == meeting.id, Invitation.waitlisted_at.is_not(None))
        .order_by(Invitation.waitlisted_at, Invitation.id)
    ).all()
    for invitation in waiting:
        if free_places(meeting) == 0:
            break
        invitation.waitlisted_at = None
        db.session.flush()
        record("meeting.moved_up", meeting, summary=invitation.user.name)
        moved_up.append(invitation)
        if invitation.user.is_active:
            queue_mail(invitation.user.email, "waitlist_moved_up", user=invitation.user, meeting=meeting)
    return moved_up


def waiting_position(invitation: Invitation) -> int | None:
    if invitation.waitlisted_at is None:
        return None
    ahead = select(func.count(Invitation.id)).where(
        Invitation.meeting_id == invitation.meeting_id,
        Invitation.waitlisted_at.is_not(None),
        (Invitation.waitlisted_at < invitation.waitlisted_at)
        | ((Invitation.waitlisted_at == invitation.waitlisted_at) & (Invitation.id < invitation.id)),
    )
    return db.session.scalar(ahead) + 1
