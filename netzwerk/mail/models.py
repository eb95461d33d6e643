from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from netzwerk.dbtypes import UTCDateTime, utcnow
from netzwerk.extensions import db


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self):
        return STATUS_LABELS[self]


STATUS_LABELS = {
    MailStatus.QUEUED: _l("wartet"),
    MailStatus.SENDING: _l("wird verschickt"),
    MailStatus.SENT: _l("verschickt"),
    MailStatus.FAILED: _l("fehlgeschlagen"),
}


class OutgoingMail(db.Model):
    """Every mail the app sends, as rendered: the Postausgang, and later the scheduler's outbox."""

    id: Mapped[int] = mapped_column(primary_key=True)
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status_label(self):
        return MailStatus(self.status).label
