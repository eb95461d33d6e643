"""Caching what is costly to compute and rarely changes (the network picture of 20,000 actors takes half a
second to build, and the registry changes a few times a day).

Each topic has a generation token in the database. A domain names the models its topic is made of
(``watch``); a transaction that adds, changes or deletes one of them writes a new random token with its
commit. A cached value is kept under the token it was computed for (``cached``), so each web worker and
node sees a change with its commit, nothing expires by time, and a database restored from a backup cannot
meet a value of another state. Values live in the worker's memory, the last few per function and app: they
must not be changed by their users."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache, wraps
from itertools import chain

from flask import current_app
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from netzwerk.caching.models import CacheGeneration
from netzwerk.extensions import db

UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_watched: dict[type, dict[str, frozenset[str] | None]] = defaultdict(dict)  # model → topic → attributes (None: all)


def watch(topic: str, *models: type, only: Iterable[str] | None = None) -> None:
    """A change to any row of these models starts a new generation of the topic; with ``only``, a change to
    one of these attributes (a row added or deleted always counts)."""
    for model in models:
        _watched[model][topic] = frozenset(only) if only is not None else None


def topics_changed(session: Session) -> set[str]:
    topics: set[str] = set()
    for obj in chain(session.new, session.deleted):
        for model, watching in _watched.items():
            if isinstance(obj, model):
                topics.update(watching)
    for obj in session.dirty:
        for model, watching in _watched.items():
            if isinstance(obj, model) and not set(watching) <= topics and session.is_modified(obj):
                state = inspect(obj)
                topics.update(
                    topic
                    for topic, attributes in watching.items()
                    if attributes is None or any(state.attrs[name].history.has_changes() for name in attributes)
                )
    return topics


PENDING = "netzwerk.cache_topics_changed"  # session.info: the topics this transaction changed so far
READ = "netzwerk.cache_generations_read"  # session.info: the tokens this transaction read


@event.listens_for(Session, "after_flush")
def _note_changed_topics(session: Session, _context) -> None:
    # after_flush still sees the flushed objects as new, dirty or deleted, with their history
    session.info.setdefault(PENDING, set()).update(topics_changed(session))


@event.listens_for(Session, "before_commit")
def _new_generations_at_commit(session: Session) -> None:
    """The tokens are written last, just before the commit: a transaction holds their rows only for that
    moment and never waits for another row while holding one, so they add no deadlock."""
    session.flush()
    for topic in sorted(session.info.pop(PENDING, ())):
        token = uuid.uuid4().hex
        upsert = UPSERTS[session.get_bind().dialect.name](CacheGeneration.__table__).values(topic=topic, token=token)
        session.execute(upsert.on_conflict_do_update(index_elements=["topic"], set_={"token": token}))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_transaction_state(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(READ, None)


def tables_changed(*tables) -> None:
    """Changes made without the ORM (bulk UPDATE or DELETE, which no flush sees): a new generation of every
    topic made of a model on one of these tables (Table objects or names), with the commit."""
    names = {getattr(table, "name", table) for table in tables}
    topics = {topic for model, watching in _watched.items() if model.__table__.name in names for topic in watching}
    db.session.info.setdefault(PENDING, set()).update(topics)


def generation(topic: str) -> str:
    """The topic's current token ("" before its first change), read once per transaction."""
    read = db.session.info.setdefault(READ, {})
    if topic not in read:
        read[topic] = db.session.scalar(select(CacheGeneration.token).where(CacheGeneration.topic == topic)) or ""
    return read[topic]


def cached(topic: str, maxsize: int = 2):
    """Keep the function's results per app under the topic's generation and the (hashable) arguments."""

    def decorate(compute):
        name = f"{compute.__module__}.{compute.__qualname__}"

        @wraps(compute)
        def wrapper(*args):
            store = current_app.extensions.setdefault("netzwerk.cached", {})
            if name not in store:
                store[name] = lru_cache(maxsize)(lambda _generation, *arguments: compute(*arguments))
            return store[name](generation(topic), *args)

        return wrapper

    return decorate
