"""News items: written by the manager in Markdown, public from their publication time on."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db


class NewsItem(db.Model):
    __tablename__ = "news_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")  # the teaser in lists and the feed
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered sanitised
    is_press_release: Mapped[bool] = mapped_column(default=False)
    # None: a draft; in the future: scheduled (nothing has to run: visibility is decided when asked)
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def name(self) -> str:  # for the audit log
        return self.title

    def is_public(self, now: datetime) -> bool:
        return self.publish_at is not None and self.publish_at <= now
