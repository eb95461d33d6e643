"""The one clock: "now" is an aware UTC moment, "today" is the calendar day in Landshut (config TIMEZONE).

Stored timestamps are UTC; calendar days (membership start/end, partner links, retention, reports) are days in
Europe/Berlin, whatever the server's own time zone. Everything else asks this module, so tests can move time
with time-machine. ruff (TID251) bans date.today() and datetime.now() elsewhere.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Europe/Berlin"  # config.py's default; used outside an app context (scripts, unit tests)


def now() -> datetime:
    """This moment, timezone-aware in UTC (the value to store)."""
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def to_local(moment: datetime) -> datetime:
    """An aware moment as wall-clock time in Landshut (aware, in the local zone)."""
    return moment.astimezone(local_zone())


def to_utc(local: datetime) -> datetime:
    """A wall-clock time in Landshut (naive, as typed) to UTC; zoneinfo resolves the DST change (fold=0: a time
    skipped in spring counts with the winter offset, a doubled time in autumn means its first, summer, pass)."""
    return local.replace(tzinfo=local_zone()).astimezone(UTC)


def wall_clock(moment: datetime) -> datetime:
    """An aware moment as the naive Landshut wall-clock time a form shows and takes (the inverse of to_utc)."""
    return to_local(moment).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The calendar day in Landshut on which an aware moment falls."""
    return to_local(moment).date()


def today() -> date:
    """Today in Landshut: the day memberships, partner links, retention and reports count in."""
    return local_date(now())


def local_midnight(day: date) -> datetime:
    """The UTC moment at which a Landshut calendar day begins (23:00 or 22:00 UTC the day before)."""
    return to_utc(datetime.combine(day, time.min))
