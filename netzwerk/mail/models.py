from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import LabelledEnum, stored_codes


class MailStatus(LabelledEnum):
    QUEUED = "queued", _l("wartet")
    SENDING = "sending", _l("wird verschickt")
    SENT = "sent", _l("verschickt")
    FAILED = "failed", _l("fehlgeschlagen")
    CANCELLED = "cancelled", _l("verworfen")  # no longer to be sent (its meeting started or was cancelled)


class OutgoingMail(db.Model):
    """Every mail the app sends, as rendered: the Postausgang and the scheduler's outbox. A mail is due at
    ``due_at``; the sender claims it (status "sending", ``claimed_at``), records it as sent as soon as the server
    accepts it, and on a temporary failure queues it again later (back-off) until the attempts run out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # what, for whom, which meeting, which version: a mail with a key exists once (reminders, digests)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # the template, e.g. "invitation"
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # A personal login link (invitation, password reset) is kept out of the bodies, which show a placeholder,
    # and outside development it is forgotten once sent: a database backup then holds no usable link.
    secret_link: Mapped[str | None] = mapped_column(Text)
    # an iCalendar attachment (invitations: METHOD:REQUEST or CANCEL), sent as text/calendar
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # not sent after this (a meeting's start)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a claim older than MAIL_CLAIM_TIMEOUT is dead
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the last try, sent or not (indexed: /healthz and the overview ask for the latest)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @property
    def status_label(self):
        return MailStatus(self.status).label


class IncomingOutcome(LabelledEnum):
    ANSWERED = "answered", _l("Antwort übernommen")  # a calendar reply set the person's answer
    UNCHANGED = "unchanged", _l("schon eingetragen")  # a calendar reply with the answer already on record
    FORWARDED = "forwarded", _l("weitergeleitet")  # a written reply, passed on to the meeting's organiser
    REJECTED = "rejected", _l("nicht übernommen")  # changed nothing; the reason says why (for the manager)
    # out of office and the like: listed, never forwarded (no mail loops)
    AUTO_REPLY = "auto_reply", _l("automatische Antwort")


class IncomingMail(db.Model):
    """A mail to the tool's own address (MAIL_INBOX_ADDRESS) and what was done with it. Only what the manager
    needs to follow up is kept: no body, no attachments (personal data, purged after RETENTION_MAIL_DAYS)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)  # the same mail twice is handled once
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    sender_email: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")  # German, for the manager

    meeting = relationship("Meeting")

    @property
    def outcome_label(self):
        return IncomingOutcome(self.outcome).label


stored_codes(OutgoingMail, status=MailStatus)
stored_codes(IncomingMail, outcome=IncomingOutcome)
