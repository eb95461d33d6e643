"""Which news the public sees, and saving them. No commits here: the unit of work (netzwerk/unit_of_work.py) saves."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from netzwerk import clock, unit_of_work
from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.news.models import NewsItem

FEED_SIZE = 20


@dataclass
class NewsData:
    title: str
    summary: str
    body: str
    is_press_release: bool
    publish_at: datetime | None  # UTC; None: draft


def published(now: datetime | None = None):
    """A WHERE condition: what visitors see."""
    return NewsItem.publish_at.is_not(None) & (NewsItem.publish_at <= (now or clock.now()))


def latest(limit: int = FEED_SIZE) -> list[NewsItem]:
    return list(
        db.session.scalars(select(NewsItem).where(published()).order_by(NewsItem.publish_at.desc()).limit(limit))
    )


def save_news(item: NewsItem | None, data: NewsData, author: User) -> NewsItem:
    """Create (item None) or update a news item, audited; Conflict when another save crossed this one."""
    creating = item is None
    if creating:
        item = NewsItem(author=author)
        db.session.add(item)
    before = plain({name: getattr(item, name) for name in data.__dict__})
    for name, value in data.__dict__.items():
        setattr(item, name, value)
    unit_of_work.flush()  # the version column refuses a save crossed with another one: Conflict
    record_save("news", item, before, plain(data.__dict__), creating)
    unit_of_work.flush()  # the raised version too
    return item


def plain(values: dict) -> dict:
    """Values as the audit log stores them (JSON): times as ISO text."""
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in values.items()}


def delete_news(item: NewsItem) -> None:
    record("news.deleted", item, summary=item.title)
    db.session.delete(item)
