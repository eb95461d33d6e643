"""Meeting series scheduled in one go: the dates follow the wall clock in Europe/Berlin (a series at 18:00 stays
at 18:00 across the daylight-saving change); each date becomes a meeting of its own."""

from datetime import datetime

from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday
from flask_babel import lazy_gettext as _l

RECURRENCE_LABELS = {
    "": _l("keine (einzelner Termin)"),
    "weekly": _l("wöchentlich"),
    "biweekly": _l("alle zwei Wochen"),
    "monthly": _l("monatlich am gleichen Wochentag (z. B. jeden ersten Dienstag)"),
    "quarterly": _l("vierteljährlich am gleichen Wochentag (z. B. erster Dienstag im Quartal)"),
}


def nth_weekday_of(start: datetime) -> weekday:
    """ "The first Tuesday", "the third Thursday" …; a fifth one means "the last"."""
    nth = (start.day - 1) // 7 + 1
    return weekday(start.weekday(), -1 if nth == 5 else nth)


def occurrences(start: datetime, rule: str, count: int) -> list[datetime]:
    """``count`` local wall-clock start times, the first being ``start`` (naive, local)."""
    if not rule:
        return [start]
    if rule in ("weekly", "biweekly"):
        dates = rrule(WEEKLY, interval=2 if rule == "biweekly" else 1, dtstart=start, count=count)
    else:
        interval = 3 if rule == "quarterly" else 1
        dates = rrule(MONTHLY, interval=interval, byweekday=nth_weekday_of(start), dtstart=start, count=count)
    return list(dates)
