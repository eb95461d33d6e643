from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from netzwerk.extensions import db


class CacheGeneration(db.Model):
    """One row per topic: a token replaced by every flush that changes what the topic is made of."""

    __tablename__ = "cache_generation"

    topic: Mapped[str] = mapped_column(String(40), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
