"""Days on which a meeting is hard to fill in Landshut: Bavaria's public holidays (the `holidays` package, with
Mariä Himmelfahrt, a holiday in the region's mostly Catholic municipalities) and the days around Christmas and New
Year that offices take off without a law saying so."""

from datetime import date, datetime
from functools import lru_cache

import holidays
from flask import flash, has_request_context
from flask_babel import get_locale, ngettext
from flask_babel import lazy_gettext as _l

from netzwerk import clock

# Not public holidays, but most offices are closed: a meeting there reaches few people.
CUSTOMARY_DAYS_OFF = {(12, 24): _l("Heiligabend"), (12, 31): _l("Silvester")}


@lru_cache(maxsize=32)
def _bavarian(year: int, language: str) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "DE", subdiv="BY", years=year, language=language, categories=holidays.Germany.supported_categories
    )


def _language() -> str:
    """The names in the reader's language (the package knows German and English for Germany)."""
    return "en_US" if has_request_context() and str(get_locale()) == "en" else "de"


def day_off(day: date) -> str | None:
    """The name of the holiday on this day ("Heiligabend", "Mariä Himmelfahrt"), or None on a working day."""
    name = _bavarian(day.year, _language()).get(day)
    if name:
        return name
    customary = CUSTOMARY_DAYS_OFF.get((day.month, day.day))
    return str(customary) if customary else None


def day_off_at(moment: datetime) -> str | None:
    """The holiday on the local (Landshut) day of a stored UTC time."""
    return day_off(clock.to_local(moment).date())


def holiday_notice(moments) -> str | None:
    """One sentence for the organiser naming each meeting or poll slot that falls on such a day, or None."""
    days = sorted({clock.to_local(moment).date() for moment in moments})
    named = [f"{day:%d.%m.%Y} ({name})" for day in days if (name := day_off(day))]
    if not named:
        return None
    return str(
        ngettext(
            "Hinweis: %(days)s ist ein Feiertag oder meist arbeitsfrei; viele sind dann nicht erreichbar.",
            "Hinweis: %(days)s sind Feiertage oder meist arbeitsfrei; viele sind dann nicht erreichbar.",
            len(named),
            days=", ".join(named),
        )
    )


def flash_holiday_notice(moments) -> None:
    """Tell the organiser on saving when a meeting or poll slot falls on such a day (saved all the same)."""
    notice = holiday_notice(moments)
    if notice:
        flash(notice, "info")
