"""Messages to a meeting's invitees: all of them, only the Zusagen, or only those who have not answered yet."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk.audit.services import record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Answer, Audience, Invitation, Meeting, MeetingMessage

MESSAGES_SHOWN = 50


def _audience_condition(audience: Audience):
    if audience == Audience.ACCEPTED:
        return Invitation.answer == Answer.YES
    if audience == Audience.UNANSWERED:
        return Invitation.answer.is_(None)
    return Invitation.id.is_not(None)


def recipients_of(meeting: Meeting, audience: Audience) -> list[User]:
    """The invitees in the audience who receive mail (an active account that has not turned mail off)."""
    query = (
        select(Invitation)
        .where(Invitation.meeting_id == meeting.id, _audience_condition(audience))
        .options(selectinload(Invitation.user))
    )
    users = [invitation.user for invitation in db.session.scalars(query)]
    return sorted((u for u in users if u.is_active and u.notify_by_email), key=lambda u: u.name.casefold())


def write_to_invitees(meeting: Meeting, author: User, audience: Audience, subject: str, body: str) -> MeetingMessage:
    """Queue the message through the outbox, one mail per recipient; the copy kept says to whom and how many."""
    recipients = recipients_of(meeting, audience)
    message = MeetingMessage(
        meeting_id=meeting.id, author=author, audience=audience, subject=subject, body=body, recipients=len(recipients)
    )
    db.session.add(message)
    for user in recipients:
        queue_mail(user.email, "meeting_message", user=user, meeting=meeting, author=author, topic=subject, text=body)
    record("meeting.message_sent", meeting, summary=f"{subject} ({audience}, {len(recipients)} Empfänger)")
    return message


def messages_of(meeting: Meeting) -> list[MeetingMessage]:
    return list(
        db.session.scalars(
            select(MeetingMessage)
            .where(MeetingMessage.meeting_id == meeting.id)
            .options(selectinload(MeetingMessage.author))
            .order_by(MeetingMessage.id.desc())
            .limit(MESSAGES_SHOWN)
        )
    )
