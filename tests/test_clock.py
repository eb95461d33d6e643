"""The one clock: now in UTC, today in Landshut, and the wall-clock conversions across the DST change nights.

time-machine moves the clock; a destination in ZoneInfo("UTC") also makes the process a UTC host (TZ=UTC), the
setting in which the server's date.today() lags one or two hours behind Landshut.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from tests import factories
from tests.conftest import login, post_form

UTC_HOST = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC_HOST)


# --- unit tests: no database, no app (the clock falls back to Europe/Berlin outside an app context) -----------


def test_now_is_aware_utc_and_follows_time_machine():
    with time_machine.travel(at(2027, 7, 14, 23, 30), tick=False):
        assert clock.now() == datetime(2027, 7, 14, 23, 30, tzinfo=UTC)
        assert clock.now().utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("moment", "landshut_day"),
    [
        (at(2027, 7, 14, 21, 59), date(2027, 7, 14)),  # 23:59 CEST
        (at(2027, 7, 14, 22, 0), date(2027, 7, 15)),  # 00:00 CEST
        (at(2027, 7, 14, 23, 30), date(2027, 7, 15)),  # 01:30 CEST
        (at(2027, 1, 14, 22, 59), date(2027, 1, 14)),  # 23:59 CET
        (at(2027, 1, 14, 23, 0), date(2027, 1, 15)),  # 00:00 CET
        (at(2027, 1, 14, 23, 30), date(2027, 1, 15)),  # 00:30 CET
        (at(2027, 12, 31, 23, 30), date(2028, 1, 1)),  # New Year in Landshut, still 2027 on a UTC host
    ],
)
def test_today_is_the_day_in_landshut_not_on_the_server(moment, landshut_day):
    with time_machine.travel(moment, tick=False):
        assert date.today() == moment.date()  # noqa: TID251 - the UTC host's own day, for contrast
        assert clock.today() == landshut_day


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        (datetime(2027, 3, 28, 1, 30), at(2027, 3, 28, 0, 30)),  # CET, before the spring change
        (datetime(2027, 3, 28, 2, 30), at(2027, 3, 28, 1, 30)),  # skipped hour: counted with the winter offset
        (datetime(2027, 3, 28, 3, 30), at(2027, 3, 28, 1, 30)),  # CEST, after the change
        (datetime(2027, 10, 31, 1, 30), at(2027, 10, 30, 23, 30)),  # CEST
        (datetime(2027, 10, 31, 2, 30), at(2027, 10, 31, 0, 30)),  # doubled hour: its first (summer) pass
        (datetime(2027, 10, 31, 3, 30), at(2027, 10, 31, 2, 30)),  # CET again
    ],
)
def test_to_utc_resolves_the_dst_change_nights(typed, utc):
    assert clock.to_utc(typed) == utc


@pytest.mark.parametrize(
    ("day", "begins"),
    [
        (date(2027, 3, 28), at(2027, 3, 27, 23, 0)),  # the short day starts in winter time
        (date(2027, 3, 29), at(2027, 3, 28, 22, 0)),
        (date(2027, 10, 31), at(2027, 10, 30, 22, 0)),  # the long day starts in summer time
        (date(2027, 11, 1), at(2027, 10, 31, 23, 0)),
    ],
)
def test_local_midnight_on_the_dst_change_days(day, begins):
    assert clock.local_midnight(day) == begins
    assert clock.local_date(begins) == day and clock.local_date(begins - timedelta(seconds=1)) == day - timedelta(1)


def test_local_midnights_span_23_and_25_hours_on_the_change_days():
    assert clock.local_midnight(date(2027, 3, 29)) - clock.local_midnight(date(2027, 3, 28)) == timedelta(hours=23)
    assert clock.local_midnight(date(2027, 11, 1)) - clock.local_midnight(date(2027, 10, 31)) == timedelta(hours=25)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (at(2027, 1, 14, 17, 0), datetime(2027, 1, 14, 18, 0)),
        (at(2027, 7, 14, 16, 0), datetime(2027, 7, 14, 18, 0)),
        (at(2027, 10, 31, 0, 30), datetime(2027, 10, 31, 2, 30)),  # the first 02:30 (CEST)
        (at(2027, 10, 31, 1, 30), datetime(2027, 10, 31, 2, 30)),  # the second 02:30 (CET) reads the same
    ],
)
def test_wall_clock_is_the_naive_landshut_time_a_form_shows(moment, shown):
    assert clock.wall_clock(moment) == shown and clock.wall_clock(moment).tzinfo is None
    assert clock.to_local(moment).replace(tzinfo=None) == shown and clock.to_local(moment).tzinfo == BERLIN


def test_wall_clock_and_to_utc_round_trip_even_in_the_doubled_hour():
    """wall_clock keeps fold=1 for the second 02:30; a time typed into a form (fold=0) means the first."""
    for moment in (at(2027, 1, 14, 17, 0), at(2027, 7, 14, 16, 0), at(2027, 10, 31, 0, 30), at(2027, 10, 31, 1, 30)):
        assert clock.to_utc(clock.wall_clock(moment)) == moment


def test_the_zone_comes_from_the_configuration():
    app = Flask(__name__)
    app.config["TIMEZONE"] = "America/New_York"
    with app.app_context(), time_machine.travel(at(2027, 7, 15, 2, 0), tick=False):
        assert clock.local_zone() == ZoneInfo("America/New_York")
        assert clock.today() == date(2027, 7, 14)  # 22:00 the evening before in New York
    assert clock.local_zone() == BERLIN


# --- the 23:30-UTC case: a membership that ends "today" in Landshut --------------------------------------------


def next_date(month: int, day: int) -> date:
    """The next such day after the real today (data created inside the travel stays after the migrations')."""
    today = clock.today()
    candidate = date(today.year, month, day)
    return candidate if candidate > today else date(today.year + 1, month, day)


@pytest.mark.parametrize(("season", "month", "berlin_time"), [("summer", 7, "01:30"), ("winter", 1, "00:30")])
def test_at_23_30_utc_the_landshut_day_has_begun_for_memberships(app, make_user, season, month, berlin_time):
    day = next_date(month, 14)  # D; on a UTC host date.today() is still D, in Landshut it is D+1
    moment = at(day.year, day.month, day.day, 23, 30)
    landshut_today = day + timedelta(days=1)
    with time_machine.travel(moment, tick=True):
        assert f"{clock.to_local(clock.now()):%H:%M}" == berlin_time
        manager = make_user(role="admin")
        leaving = make_user(name="Lotte Letzter-Tag")
        staying = make_user(name="Bert Bleibt")
        ended = make_user(name="Enno Endet")
        with app.app_context():
            group = factories.group(name="AK Intern", is_public=False)
            start = day - timedelta(days=100)
            meeting = factories.meeting(
                group, title="Interne Sitzung", starts_at=clock.now() + timedelta(days=3), hours=1
            )
            factories.membership(group, leaving, start=start, end=landshut_today)
            factories.membership(group, staying, start=start, end=landshut_today + timedelta(1))
            ended_membership = factories.membership(group, ended, start=start)
            db.session.commit()
            group_id, meeting_id, ended_id = group.id, meeting.id, ended_membership.id

        for person, has_access in ((leaving, False), (staying, True)):
            client = app.test_client()
            assert login(client, person.email).status_code == 302
            pages = [client.get(f"/arbeitskreise/{group_id}"), client.get(f"/termine/{meeting_id}")]
            statuses = [page.status_code for page in pages]
            if has_access:
                assert statuses == [200, 200], (person.name, statuses)
            else:
                assert all(status in (403, 404) for status in statuses), (person.name, statuses)

        manager_client = app.test_client()
        login(manager_client, manager.email)
        members_url = f"/arbeitskreise/{group_id}/mitglieder"
        response = post_form(manager_client, f"{members_url}/{ended_id}/beenden", {}, get_url=members_url)
        assert response.status_code == 302
        with app.app_context():
            end_date = db.session.scalar(select(Membership.end_date).where(Membership.id == ended_id))
        assert end_date == landshut_today, season  # the day in Landshut, not the UTC host's day
        client = app.test_client()
        login(client, ended.email)
        assert client.get(f"/arbeitskreise/{group_id}").status_code in (403, 404)
