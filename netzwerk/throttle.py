"""One throttle for every form a stranger can send: the login, password reset, the guest registration, the
accessibility feedback, the answer and unsubscribe links.

Each use is one ThrottleAttempt row under a key like "guest:address:192.0.2.1", in the database so every web
worker sees the same counts (Flask-Limiter's memory storage would count per process). A use is committed
before it is counted, so parallel requests cannot all slip under the limit. Views answer a throttled use
with 429, ``Verdict.headers()`` (Retry-After) and ``Verdict.message()`` on the page, the form as it was sent.
"""

import math
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, request
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from netzwerk import clock
from netzwerk.auth.models import ThrottleAttempt
from netzwerk.extensions import db

KEY_LENGTH = 300  # ThrottleAttempt.key
PURGE_AFTER = timedelta(days=1)  # rows of keys nobody uses any more go after a day (or the window, if longer)


@dataclass
class Verdict:
    """The outcome of one counted use: throttled or not, and how long to wait (seconds) if so."""

    throttled: bool = False
    retry_after: int = 0
    attempts: list[ThrottleAttempt] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))

    def message(self) -> str:
        """The German sentence every throttled form shows (the login adds a hint on password reset)."""
        return ngettext(
            "Zu viele Versuche. Bitte warten Sie %(num)d Minute und versuchen Sie es dann erneut.",
            "Zu viele Versuche. Bitte warten Sie %(num)d Minuten und versuchen Sie es dann erneut.",
            self.minutes,
        )

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.throttled else {}


def key(kind: str, part: str, value: str | None) -> str:
    return f"{kind}:{part}:{value or 'unknown'}"[:KEY_LENGTH]


def window() -> timedelta:
    return current_app.config["THROTTLE_WINDOW"]


def _seconds_until_free(key_: str, limit: int, window_: timedelta, now) -> int | None:
    """None if the key is within its limit; else the seconds until one more use would be allowed (when the
    limit-th newest use leaves the window)."""
    recent = select(ThrottleAttempt.created_at).where(
        ThrottleAttempt.key == key_, ThrottleAttempt.created_at > now - window_
    )
    if db.session.scalar(select(func.count()).select_from(recent.subquery())) <= limit:
        return None
    oldest_that_counts = db.session.scalar(
        recent.order_by(ThrottleAttempt.created_at.desc()).offset(max(limit - 1, 0)).limit(1)
    )
    return max(1, math.ceil((oldest_that_counts + window_ - now).total_seconds()))


def count(limits: dict[str, int], window_: timedelta | None = None) -> Verdict:
    """Count one use under each key, commit, then check each key against its limit."""
    window_ = window_ or window()
    now = clock.now()
    db.session.execute(delete(ThrottleAttempt).where(ThrottleAttempt.created_at < now - max(window_, PURGE_AFTER)))
    db.session.execute(
        delete(ThrottleAttempt).where(ThrottleAttempt.key.in_(limits), ThrottleAttempt.created_at < now - window_)
    )
    attempts = [ThrottleAttempt(key=key_, created_at=now) for key_ in limits]
    db.session.add_all(attempts)
    db.session.commit()
    waits = [_seconds_until_free(key_, limit, window_, now) for key_, limit in limits.items()]
    waits = [wait for wait in waits if wait is not None]
    return Verdict(bool(waits), max(waits, default=0), attempts)


def throttle(kind: str, address: str | None, limit: int, window_: timedelta | None = None) -> Verdict:
    """Count one use of a public form from a client address; throttled beyond ``limit`` uses per window."""
    return count({key(kind, "address", address): limit}, window_)


def throttle_post(kind: str, limit_setting: str) -> Verdict:
    """For the views of links and buttons: count a POST from the request's client address against the limit
    named by the config setting; a GET (reading a page) is never counted."""
    if request.method != "POST":
        return Verdict()
    return throttle(kind, request.remote_addr, current_app.config[limit_setting])
