"""Seeing meetings: Meine Termine (constant queries), the manager's filters, the month calendar."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import FieldOfAction
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Meeting, MeetingStatus
from netzwerk.meetings.services.lists import LIST_SIZE
from tests import factories
from tests.conftest import count_queries, login

BERLIN = ZoneInfo("Europe/Berlin")


def add_meetings(app, group_name, members, starts, field_name=None):
    with app.app_context():
        group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == group_name))
        if group is None:
            field = db.session.scalar(select(FieldOfAction).where(FieldOfAction.name.startswith(field_name or "~")))
            group = factories.group(name=group_name, short_name=group_name[3:9], field_of_action=field, members=members)
        for n, start in enumerate(starts):
            factories.meeting(group, title=f"{group_name} Sitzung {n + 1}", starts_at=start, hours=1, invite=members)
        db.session.commit()


def days(n, hour=15):
    """``hour`` o'clock in Landshut, ``n`` Landshut days from today (late in the UTC evening, UTC's date lags)."""
    return factories.in_days(n, hour)


def test_meine_termine_keeps_a_constant_number_of_queries(app, make_user):
    member = make_user()
    add_meetings(app, "AK Eins", [member], [days(3), days(-3)])
    client = app.test_client()
    login(client, member.email)
    few = count_queries(app, client, "/termine/")
    for n in range(5):
        add_meetings(app, f"AK Mehr{n}", [member, make_user()], [days(k) for k in (-20, -5, 2, 9, 30)])
    many = count_queries(app, client, "/termine/")
    assert few == many
    page = client.get("/termine/").text
    assert page.count("Sitzung 3</a>") == 5
    assert count_queries(app, client, "/termine/kalender") == count_queries(app, client, "/termine/kalender")


@pytest.fixture
def manager_world(app, make_user, as_role):
    member = make_user()
    add_meetings(app, "AK Fachkräfte", [member], [days(5), days(40)], field_name="Fachkräfte")
    add_meetings(app, "AK Mobilität", [], [days(6)], field_name="Zuzugsregion")
    manager, _ = as_role("admin")
    return manager, member


def titles(page: str) -> set[str]:
    return set(re.findall(r">(AK \w+ Sitzung \d)</a>", page))


def test_the_manager_searches_meetings_by_text_group_name_and_state(app, manager_world):
    """Text in the title, agenda or minutes; the group by part of its name (no select of every group); the
    state: planned, cancelled, with or without minutes."""
    manager, _ = manager_world
    with app.app_context():
        first = db.session.scalar(select(Meeting).where(Meeting.title == "AK Fachkräfte Sitzung 1"))
        first.agenda = "1. Busshuttle nach Vilsbiburg"
        second = db.session.scalar(select(Meeting).where(Meeting.title == "AK Fachkräfte Sitzung 2"))
        second.status = MeetingStatus.CANCELLED
        group = factories.group(name="AK Rückblick", short_name="Rück")
        held = factories.meeting(group, title="AK Rückblick Sitzung 1", starts_at=days(-10), hours=1)
        held.minutes, held.minutes_published_at = "Der Busshuttle_Plan 100% fertig.", clock.now()
        factories.meeting(group, title="AK Rückblick Sitzung 2", starts_at=days(-3), hours=1)
        db.session.commit()
    all_times = "&von=2000-01-01"
    assert titles(manager.get("/termine/?suche=busshuttle" + all_times).text) == {
        "AK Fachkräfte Sitzung 1",
        "AK Rückblick Sitzung 1",
    }
    assert titles(manager.get("/termine/?suche=100%25" + all_times).text) == {"AK Rückblick Sitzung 1"}  # % literal
    assert titles(manager.get("/termine/?suche=e_P" + all_times).text) == {"AK Rückblick Sitzung 1"}  # _ literal
    assert titles(manager.get("/termine/?arbeitskreis=mobil").text) == {"AK Mobilität Sitzung 1"}
    page = manager.get("/termine/?arbeitskreis=Rück&stand=ohne-protokoll" + all_times).text
    assert titles(page) == {"AK Rückblick Sitzung 2"} and 'value="Rück"' in page
    assert titles(manager.get("/termine/?stand=abgesagt").text) == {"AK Fachkräfte Sitzung 2"}
    assert titles(manager.get("/termine/?stand=mit-protokoll" + all_times).text) == {"AK Rückblick Sitzung 1"}
    assert "<option" not in manager.get("/termine/").text.split('id="arbeitskreis"')[1].split("</div>")[0]
    assert manager.get("/termine/?stand=boss&suche=x").status_code == 200  # unknown state and one letter: ignored


def test_the_manager_filters_by_group_field_and_dates(app, manager_world):
    manager, _ = manager_world
    assert titles(manager.get("/termine/").text) == {
        "AK Fachkräfte Sitzung 1",
        "AK Fachkräfte Sitzung 2",
        "AK Mobilität Sitzung 1",
    }
    with app.app_context():
        group_id = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name == "AK Mobilität"))
        field_id = db.session.scalar(select(FieldOfAction.id).where(FieldOfAction.name.startswith("Fachkräfte")))
    assert titles(manager.get(f"/termine/?arbeitskreis={group_id}").text) == {"AK Mobilität Sitzung 1"}
    assert titles(manager.get(f"/termine/?handlungsfeld={field_id}").text) == {
        "AK Fachkräfte Sitzung 1",
        "AK Fachkräfte Sitzung 2",
    }
    until = (clock.today() + timedelta(days=10)).isoformat()
    assert titles(manager.get(f"/termine/?bis={until}").text) == {"AK Fachkräfte Sitzung 1", "AK Mobilität Sitzung 1"}
    since = (clock.today() + timedelta(days=6)).isoformat()
    assert titles(manager.get(f"/termine/?von={since}&bis={since}").text) == {"AK Mobilität Sitzung 1"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("von=morgen", "Bitte geben Sie Datumsangaben als TT.MM.JJJJ an."),
        ("bis=2027-02-31", "Bitte geben Sie Datumsangaben als TT.MM.JJJJ an."),
        ("von=2027-05-01&bis=2027-04-01", "Das Ende des Zeitraums liegt vor dem Anfang."),
        ("arbeitskreis=abc&handlungsfeld=99999999999", None),
        ("von=%00", "Bitte geben Sie Datumsangaben als TT.MM.JJJJ an."),
    ],
)
def test_junk_filters_are_named_not_errors(manager_world, query, message):
    manager, _ = manager_world
    for url in (f"/termine/?{query}", f"/termine/kalender?{query}"):
        response = manager.get(url)
        assert response.status_code == 200, url
        if message:
            assert message in response.text


def test_members_get_no_filters_and_only_their_meetings(app, manager_world):
    _, member = manager_world
    client = app.test_client()
    login(client, member.email)
    page = client.get("/termine/?arbeitskreis=999").text
    assert 'id="arbeitskreis"' not in page
    assert titles(page) == {"AK Fachkräfte Sitzung 1", "AK Fachkräfte Sitzung 2"}


def test_the_month_calendar_places_meetings_on_their_local_day(app, make_user):
    member = make_user()
    late_march = datetime(2027, 3, 31, 23, 30, tzinfo=BERLIN).astimezone(UTC)  # 21:30 UTC
    april_first = datetime(2027, 4, 1, 0, 30, tzinfo=BERLIN).astimezone(UTC)  # 22:30 UTC on 31 March
    add_meetings(app, "AK Zeit", [member], [late_march, april_first])
    add_meetings(app, "AK Fremd", [make_user()], [late_march])
    client = app.test_client()
    login(client, member.email)
    page = client.get("/termine/kalender?monat=2027-03").text
    assert "März 2027" in page
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)
    wednesday = next(c for c in cells if "Mittwoch, 31. März" in c)
    thursday = next(c for c in cells if "Donnerstag, 1. April" in c)
    assert "23:30 Zeit: AK Zeit Sitzung 1" in wednesday and "Sitzung 2" not in wednesday
    assert "00:30 Zeit: AK Zeit Sitzung 2" in thursday
    assert "AK Fremd" not in page
    assert "monat=2027-02" in page and "monat=2027-04" in page
    for junk in ("2027-13", "abc", "99999-01", "0001-01"):
        assert client.get(f"/termine/kalender?monat={junk}").status_code == 200


def test_the_group_list_shows_the_next_meeting_and_when_the_group_last_met(app, make_user, as_role):
    member = make_user()
    add_meetings(app, "AK Treffen", [member], [days(-40), days(-10), days(12), days(30)])
    add_meetings(app, "AK Ruhig", [member], [])
    with app.app_context():
        group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "AK Treffen"))
        group.is_public = True
        cancelled = db.session.scalar(select(Meeting).where(Meeting.starts_at == days(12)))
        cancelled.status = "cancelled"  # a cancelled meeting is not the next one
        db.session.commit()
    page = app.test_client().get("/arbeitskreise/").text
    next_date = days(30).astimezone(BERLIN).strftime("%-d. ")
    last_date = days(-10).astimezone(BERLIN).strftime("%-d. ")
    card = page.split("AK Treffen</a>")[1].split("</li>")[0]
    assert f"Nächste Sitzung: {next_date}" in card and f"Zuletzt getroffen: {last_date}" in card
    manager, _ = as_role("admin")
    quiet = manager.get("/arbeitskreise/").text.split("AK Ruhig</a>")[1].split("</li>")[0]
    assert "keine geplant" in quiet and "noch nie" in quiet


def test_long_lists_come_in_pages_with_the_filters_kept(app, make_user, as_role):
    member = make_user()
    add_meetings(app, "AK Lang", [member], [days(k) for k in range(1, 31)] + [days(-k) for k in range(1, 28)])
    client = app.test_client()
    login(client, member.email)
    first = client.get("/termine/").text
    assert first.count("AK Lang Sitzung") == 2 * LIST_SIZE
    assert "AK Lang Sitzung 1</a>" in first and "AK Lang Sitzung 26</a>" not in first  # soonest first
    assert "AK Lang Sitzung 31</a>" in first and "AK Lang Sitzung 56</a>" not in first  # latest past first
    assert 'href="/termine/?kommende=2#kommende"' in first and 'href="/termine/?vergangene=2#vergangene"' in first
    second = client.get("/termine/?kommende=2&vergangene=2").text
    assert re.findall(r"AK Lang Sitzung (\d+)</a>", second) == [str(n) for n in (*range(26, 31), 56, 57)]
    assert "Nächste Seite" not in second and second.count("Vorherige Seite") == 2
    assert count_queries(app, client, "/termine/?kommende=2") == count_queries(app, client, "/termine/")
    for junk in ("0", "-1", "abc", "99999999999"):
        assert client.get(f"/termine/?kommende={junk}&vergangene={junk}").status_code == 200
    manager, _ = as_role("admin")
    with app.app_context():
        group_id = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name == "AK Lang"))
    filtered = manager.get(f"/termine/?arbeitskreis={group_id}").text
    assert f"/termine/?arbeitskreis={group_id}&amp;kommende=2#kommende" in filtered


def test_the_start_page_shows_the_next_five_meetings(app, make_user):
    member = make_user()
    add_meetings(app, "AK Start", [member], [days(k) for k in range(1, 9)])
    client = app.test_client()
    login(client, member.email)
    assert re.findall(r"AK Start Sitzung (\d+)</a>", client.get("/").text) == ["1", "2", "3", "4", "5"]


def test_a_group_page_shows_a_page_of_meetings_each_way(app, make_user):
    member = make_user()
    add_meetings(app, "AK Jahre", [member], [days(k) for k in range(1, 13)] + [days(-k) for k in range(1, 13)])
    with app.app_context():
        group_id = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name == "AK Jahre"))
    client = app.test_client()
    login(client, member.email)
    url = f"/arbeitskreise/{group_id}"
    first = client.get(url).text
    assert re.findall(r"AK Jahre Sitzung (\d+)</a>", first) == [str(n) for n in (*range(1, 11), *range(13, 23))]
    assert f'href="{url}?vergangene=2#vergangene"' in first
    later = client.get(f"{url}?kommende=2&vergangene=2").text
    assert re.findall(r"AK Jahre Sitzung (\d+)</a>", later) == ["11", "12", "23", "24"]
    assert count_queries(app, client, f"{url}?kommende=2") == count_queries(app, client, url)


def test_a_meeting_still_going_on_leads_the_coming_ones_and_none_coming_is_an_empty_list(app, make_user):
    member = make_user()
    client = app.test_client()
    login(client, member.email)
    add_meetings(app, "AK Vorbei", [member], [days(-30), days(-3)])
    coming = client.get("/termine/").text.split('id="vergangene"')[0].split('id="kommende"')[1]
    assert "AK Vorbei" not in coming and 'class="empty"' in coming  # nothing ahead: an empty list
    with app.app_context():
        group = factories.group(name="AK Messe", members=[member])
        factories.meeting(group, title="Messe, drei Tage", starts_at=days(-1), hours=72, invite=[member])
        factories.meeting(group, title="Nachtreffen", starts_at=days(5), hours=1, invite=[member])
        db.session.commit()
    coming = client.get("/termine/").text.split('id="vergangene"')[0]
    assert coming.index("Messe, drei Tage") < coming.index("Nachtreffen")  # begun yesterday, not over yet
