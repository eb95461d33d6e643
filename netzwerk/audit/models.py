from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime, utcnow
from netzwerk.extensions import db


class AuditEntry(db.Model):
    """Who did what to which record, and when. Written in the same transaction as the change itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "user.invited"
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {"field": [old, new]}
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()
