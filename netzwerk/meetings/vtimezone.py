"""The VTIMEZONE of the configured zone with yearly rules (RRULE), as Thunderbird, Outlook and Apple write them.

icalendar's own ``Timezone.from_tzinfo`` (and so ``add_missing_timezones``) lists every change of a rule as one
RDATE line with many dates; Mozilla's ical.js (Thunderbird, Nextcloud) reads only the first date of such a line
and shows every summer meeting one hour late. Here the changes come from zoneinfo for the years a calendar spans,
and each series of changes that follows a yearly rule (the EU's: last Sunday of March and of October) becomes one
RRULE; anything irregular falls back to one RDATE per line, which every client reads.
"""

import calendar as calendar_module
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def offset_changes(zone: ZoneInfo, first_year: int, last_year: int) -> list[tuple[datetime, timedelta, datetime]]:
    """(moment in UTC, offset before, local time after) for each change of the UTC offset in these years."""
    changes = []
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    before = day.astimezone(zone).utcoffset()
    while day < end:
        following = day + timedelta(days=1)
        after = following.astimezone(zone).utcoffset()
        if after != before:
            low, high = day, following
            while high - low > timedelta(seconds=1):  # bisect to the second the offset changes
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(zone).utcoffset() == before else (low, middle)
            changes.append((high, before, high.astimezone(zone)))
        before, day = after, following
    return changes


def yearly_rule(onsets: list[datetime]) -> dict | None:
    """The RRULE (FREQ=YEARLY;BYMONTH=…;BYDAY=…) that yields exactly these onsets, one a year, or None."""
    first = onsets[0]
    if len(onsets) < 2 or [onset.year for onset in onsets] != list(range(first.year, first.year + len(onsets))):
        return None
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    if all(onset.day > calendar_module.monthrange(onset.year, onset.month)[1] - 7 for onset in onsets):
        position = -1  # the last such weekday of the month
    elif len({(onset.day - 1) // 7 for onset in onsets}) == 1 and first.day <= 28:
        position = (first.day - 1) // 7 + 1
    else:
        return None
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{position}{WEEKDAYS[first.weekday()]}"}


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The zone's VTIMEZONE, right for every moment from the start of first_year (RRULEs also beyond last_year)."""
    zone = ZoneInfo(tzid)
    parts: dict[tuple, list[datetime]] = defaultdict(list)
    for moment, before, local in offset_changes(zone, first_year, last_year):
        is_daylight = bool(local.dst())
        # the onset is written in the local time that was valid before the change (RFC 5545, 3.6.5)
        parts[(is_daylight, before, local.utcoffset(), local.tzname())].append((moment + before).replace(tzinfo=None))
    start = datetime(first_year, 1, 1, tzinfo=zone)
    if not any(onsets[0].year == first_year for onsets in parts.values()):
        # no change in the first year: state the offset in force from its start
        parts[(bool(start.dst()), start.utcoffset(), start.utcoffset(), start.tzname())].insert(
            0, start.replace(tzinfo=None)
        )
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for (is_daylight, offset_from, offset_to, name), onsets in sorted(parts.items(), key=lambda item: item[1][0]):
        part = TimezoneDaylight() if is_daylight else TimezoneStandard()
        part.add("TZNAME", name)
        part.add("TZOFFSETFROM", offset_from)
        part.add("TZOFFSETTO", offset_to)
        part.add("DTSTART", onsets[0])
        rule = yearly_rule(onsets)
        if rule and onsets[-1].year < last_year:  # the rule ended inside the span (UNTIL is in UTC)
            rule["UNTIL"] = (onsets[-1] - offset_from).replace(tzinfo=UTC)
        if rule:
            part.add("RRULE", vRecur(rule))
        else:
            for onset in onsets[1:]:
                part.add("RDATE", onset)
        timezone.add_component(part)
    return timezone
