"""Consents as events (who agreed to what, to which text, when) and the deletion requests of users."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import LabelledEnum, stored_codes


class ConsentKind(LabelledEnum):
    # the Datenschutzerklärung was shown and acknowledged
    PRIVACY_NOTICE = "privacy_notice", _l("Datenschutzerklärung zur Kenntnis genommen")
    # email and phone may be shown to other members
    CONTACT_DETAILS = "contact_details", _l("Einwilligung: Kontaktdaten anderen Mitgliedern zeigen")


class Consent(db.Model):
    """One event: given (True) or withdrawn (False), with the version of the text it refers to. Rows are only
    added, never changed, so the history shows what the person agreed to when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    given: Mapped[bool] = mapped_column()
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # the version of the Datenschutzerklärung (legal_page.version) the event refers to
    text_version: Mapped[str] = mapped_column(String(40), default="")

    user: Mapped[User] = relationship()

    @property
    def kind_label(self):
        return ConsentKind.label_of(self.kind)


class DeletionStatus(LabelledEnum):
    OPEN = "open", _l("offen")
    DONE = "done", _l("gelöscht")
    DECLINED = "declined", _l("abgelehnt")


class DeletionRequest(db.Model):
    """A user asks for the erasure of their account (Art. 17 DSGVO); the manager performs it or declines with a
    reason. The row stays (without the person's message) as proof that the request was handled."""

    __tablename__ = "deletion_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=DeletionStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decision_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def status_label(self):
        return DeletionStatus(self.status).label


stored_codes(Consent, kind=ConsentKind)
stored_codes(DeletionRequest, status=DeletionStatus)
