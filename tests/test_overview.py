"""The manager's overview (/uebersicht/) and the annual report: figures checked against the demo data counted by
hand (netzwerk/demo/groups.py), charts and files rendered, bad periods refused in German, and a fixed number of
queries with the demo data and with ten times as much."""

import re
from datetime import date, datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import Actor, Municipality
from netzwerk.demo import DEMO_PASSWORD
from netzwerk.extensions import db
from netzwerk.meetings.models import Attendance
from netzwerk.overview.report import build_report, new_actors
from netzwerk.overview.services import (
    by_field_of_action,
    by_municipality,
    dormant_groups,
    group_activity,
    last_quarters,
    next_quarter,
)
from tests import factories
from tests.conftest import count_queries, login

TODAY = clock.today()
YEAR_AGO, TOMORROW = TODAY - timedelta(days=365), TODAY + timedelta(days=1)
# Noon of TODAY in Landshut: the reports ask for "today" by date, so each test runs on that day, also when the
# suite passes midnight in Berlin (the clock keeps ticking from there)
NOON = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.fixture(autouse=True)
def on_the_day_the_module_was_loaded():
    with time_machine.travel(NOON, tick=True):
        yield


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0


@pytest.fixture
def manager(app, demo):
    client = app.test_client()
    assert login(client, "manager@example.org", DEMO_PASSWORD).status_code == 302
    return client


def by_short_name(activity):
    return {entry.group.short_name: entry for entry in activity}


def test_meetings_and_attendance_per_group_match_the_demo(app, demo):
    # Held in the last year: AK Fachkräfte −150 and −56 days, AK Innovation −120 and −28, AK Metropolregion −100,
    # Lenkungskreis −300, AK Digitale Kommunen −40, AK Regionalmarketing −70 (the cancelled and the coming ones do
    # not count). Answers cycle Zusage, none, vielleicht,
    # Absage over the members; only a Zusage becomes "anwesend": 1 of 4, 1 of 2, 1 of 3, 1 of 2 per meeting.
    with app.test_request_context():
        activity = by_short_name(group_activity(YEAR_AGO, TOMORROW))
        expected = {"AK Fachkräfte": (2, 8, 2), "AK Innovation": (2, 4, 2), "AK Metropolregion": (1, 3, 1)}
        expected["Lenkungskreis"] = (1, 2, 1)
        expected["AK Digitale Kommunen"] = (1, 5, 2)  # Zusage from the 1st and the 5th member
        expected["AK Regionalmarketing"] = (1, 6, 2)
        for name, (meetings, invited, attended) in expected.items():
            entry = activity[name]
            assert (entry.meetings, entry.invited, entry.attended) == (meetings, invited, attended), name
        assert activity["AK Fachkräfte"].attendance_rate == 0.25
        assert sum(activity["AK Fachkräfte"].by_quarter.values()) == 2
        # not met for 90 days: AK Metropolregion (100 days ago) and the Lenkungskreis (300 days ago)
        count, dormant = dormant_groups()
        assert count == 2 and [entry.group.short_name for entry in dormant] == ["Lenkungskreis", "AK Metropolregion"]


def test_members_by_field_of_action_match_the_demo(app, demo):
    with app.test_request_context():
        members = {figure.field.short_name: figure.members for figure in by_field_of_action()}
    # AK Fachkräfte has 4 members, AK Innovation 2, AK Metropolregion 3, the Lenkungskreis 2, AK Digitale Kommunen
    # (field Innovation) 5, AK Regionalmarketing (Zuzugsregion) 6 (demo/groups.py)
    assert members["Fachkräfte"] == 4
    assert members["Wissen und Technologie"] == 2
    assert members["Metropolregion und Regensburg"] == 3
    assert members["Stadt-Umland"] == 2
    assert members["Innovation"] == 5
    assert members["Zuzugsregion"] == 6
    assert members["Vernetzung"] == 0
    # by the seat of the actor they represent: city: Maier (Hochschule), Schmid (Stadt), Huber (Regional-
    # management), Koller, Brandl, Reiter (companies in Landshut); county: Lechner (Ergolding), F. Huber
    # (Vilsbiburg), Fischer (Essenbach), Wagner (Geisenhausen), Obermaier, Kiermeier, Stöckl, Forster. IHK,
    # Flughafen and Metropolregion have no seat in the region.
    with app.test_request_context():
        _figures, balance = by_municipality()
    assert (balance.city_members, balance.county_members) == (6, 8)


def test_the_overview_page_shows_the_demo_figures(manager):
    page = manager.get("/uebersicht/").text
    # 3 unanswered invitations to coming meetings: the second member of each of the three groups meeting soon
    assert '<span class="figure__value">3</span> <span class="figure__label">offene Einladungen' in page
    # the 7 demo partners were entered just now: none is due to confirm its profile for a year
    assert '<span class="figure__value">0</span> <span class="figure__label"><a href="#partnerprofile">' in page
    assert "Alle Partnerprofile sind aktuell." in page
    assert "Arbeitskreis Metropolregion und Mobilität</a>: zuletzt am" in page
    assert page.count('role="img"') >= 6  # field, balance ×2, map, attendance, projects
    assert "Akteure nach Kommune" in page and ">Landshut</text>" in page
    assert "25 %" in page  # AK Fachkräfte's attendance


def test_city_county_balance_and_tile_map(app, make_actor):
    with app.app_context():
        city = db.session.scalar(select(Municipality).where(Municipality.ags == "09261000"))
        velden = db.session.scalar(select(Municipality).where(Municipality.name == "Velden"))
        city_id, velden_id = city.id, velden.id
    for n in range(2):
        make_actor(name=f"Stadtfirma {n}", municipality_id=city_id)
    for n in range(5):
        make_actor(name=f"Veldener Firma {n}", municipality_id=velden_id)
    with app.app_context():
        db.session.scalar(select(Actor).where(Actor.name == "Veldener Firma 4")).archived_at = clock.now()
        db.session.commit()
        figures, balance = by_municipality()
        shown = {f.municipality.name: f for f in figures}
    assert (balance.city_actors, balance.county_actors) == (2, 4)  # the archived actor does not count
    assert shown["Velden"].shade == 4 and shown["Landshut"].shade == 3 and shown["Aham"].shade == 0
    assert all(f.tile for f in figures), "every municipality has a tile"
    assert len({f.tile for f in figures}) == 36


def test_quarters():
    assert last_quarters(4, date(2026, 2, 10)) == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    assert next_quarter("2026-Q4") == "2027-Q1" and next_quarter("2026-Q1") == "2026-Q2"


def test_the_annual_report_counts_the_demo_year(app, manager):
    with app.test_request_context():
        report = build_report(YEAR_AGO, TODAY)
        assert report.meetings_held == 8
        # attended 2 + 2 + 1 + 1 + 2 + 2 of 8 + 4 + 3 + 2 + 5 + 6 recorded invitations
        assert round(report.attendance_rate, 3) == round(10 / 28, 3)
        assert [p.project.title for p in report.projects] == sorted(p.project.title for p in report.projects)
        flughafen = next(p for p in report.partners if p.partnership.actor.name == "Flughafen München GmbH")
        # lena.bauer (Flughafen) is the second member of AK Metropolregion: no answer, so not present
        assert flughafen.meetings_attended == 0
    page = manager.get(f"/uebersicht/jahresbericht?von={YEAR_AGO}&bis={TODAY}").text
    assert "Abgehaltene Sitzungen" in page and "36 %" in page and "Neue Akteure je Kommune" in page
    assert "Auftakt Ausbildungsmesse 2027" not in page  # the meetings one by one are the spreadsheet's annex


def test_report_as_pdf_and_spreadsheet(app, manager):
    query = f"?von={YEAR_AGO}&bis={TODAY}"
    pdf = manager.get("/uebersicht/jahresbericht.pdf" + query)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    from pypdf import PdfReader  # the funding notice and page numbers on every page

    pages = PdfReader(BytesIO(pdf.data)).pages
    assert all("Förderrichtlinie Landesentwicklung (FöRLa)" in page.extract_text() for page in pages)
    assert f"Seite {len(pages)} von {len(pages)}" in pages[-1].extract_text()
    assert f"jahresbericht-{YEAR_AGO}-bis-{TODAY}.pdf" in pdf.headers["Content-Disposition"]
    xlsx = manager.get("/uebersicht/jahresbericht.xlsx" + query)
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.data))
    assert "Sitzungen je Arbeitskreis" in book.sheetnames and "Aktivitäten der Partner" in book.sheetnames
    rows = {row[0]: row[1:] for row in book["Sitzungen je Arbeitskreis"].iter_rows(min_row=2, values_only=True)}
    assert rows["Arbeitskreis Fachkräftesicherung"] == (2, 8, 2, 0.25)  # a number, shown as a percentage
    rate = next(row[4] for row in book["Sitzungen je Arbeitskreis"].iter_rows(min_row=2) if row[4].value == 0.25)
    assert rate.number_format == "0 %"
    held = list(book["Anhang Sitzungen"].iter_rows(min_row=2, values_only=True))
    assert len(held) == 8 and isinstance(held[0][0], datetime)
    assert "Auftakt Ausbildungsmesse 2027" in [row[2] for row in held]


def test_new_actors_are_counted_per_field_and_municipality_and_listed_only_in_the_annex(app, manager, make_actor):
    with app.app_context():
        velden = db.session.scalar(select(Municipality).where(Municipality.name == "Velden"))
        velden_id, velden_ags = velden.id, velden.ags
    with app.test_request_context():
        before = {t.label: t.count for t in build_report(TODAY, TODAY).new_actors_by_municipality}
        annexed = len(new_actors(build_report(TODAY, TODAY)))
    for n in range(40):
        make_actor(name=f"Veldener Neugründung {n}", municipality_id=velden_id)
    query = f"?von={TODAY}&bis={TODAY}"
    page = manager.get("/uebersicht/jahresbericht" + query).text
    assert "Veldener Neugründung" not in page
    velden_row = rf"<th scope=\"row\">Velden</th>\s*<td[^>]*>{before.get('Velden', 0) + 40}</td>"
    assert re.search(velden_row, page), page
    book = load_workbook(BytesIO(manager.get("/uebersicht/jahresbericht.xlsx" + query).data))
    annex = [row for row in book["Anhang Neue Akteure"].iter_rows(min_row=2, values_only=True)]
    assert len(annex) == annexed + 40
    assert [row for row in annex if row[0] == "Veldener Neugründung 0"] == [
        ("Veldener Neugründung 0", "Unternehmen", "Velden", velden_ags, None)  # no field: an empty cell
    ]
    counts = {row[0]: row[1] for row in book["Neue Akteure je Kommune"].iter_rows(min_row=2, values_only=True)}
    assert counts["Velden"] == before.get("Velden", 0) + 40 and list(counts)[0] == "Velden"  # the largest first


def test_with_many_groups_the_report_sums_them_per_field_and_lists_them_in_the_annex(app, manager, monkeypatch):
    from netzwerk.overview import report_files

    monkeypatch.setattr(report_files, "GROUPS_LISTED", 3)  # the demo's six groups met this year
    query = f"?von={YEAR_AGO}&bis={TODAY}"
    page = manager.get("/uebersicht/jahresbericht" + query).text
    assert "Sitzungen je Handlungsfeld" in page and '<th scope="row">Arbeitskreis Fachkräftesicherung</th>' not in page
    book = load_workbook(BytesIO(manager.get("/uebersicht/jahresbericht.xlsx" + query).data))
    per_field = list(book["Sitzungen je Handlungsfeld"].iter_rows(min_row=2, values_only=True))
    assert sum(row[1] for row in per_field) == 6 and sum(row[2] for row in per_field) == 8  # groups, meetings
    groups = {row[0] for row in book["Anhang Arbeitskreise"].iter_rows(min_row=2, values_only=True)}
    assert "Arbeitskreis Fachkräftesicherung" in groups and len(groups) == 6


def test_report_cells_never_become_formulas(app, manager, make_actor):
    make_actor(name='=HYPERLINK("https://example.org","klick")')
    xlsx = manager.get(f"/uebersicht/jahresbericht.xlsx?von={TODAY}&bis={TODAY}")
    sheet = load_workbook(BytesIO(xlsx.data))["Anhang Neue Akteure"]
    cell = next(c for c in sheet["A"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s"


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("von=gestern&bis=2026-12-31", "von", "Bitte ein Datum zwischen 2000 und"),
        ("von=2026-01-01&bis=2026-13-45", "bis", "Bitte ein Datum zwischen 2000 und"),
        ("von=2026-06-01&bis=2026-01-01", "bis", "Das Ende liegt vor dem Beginn."),
        ("von=2000-01-01&bis=2026-01-01", "bis", "höchstens fünf Jahre"),
        ("von=2026-01-01%00&bis=2026-12-31", "von", "Bitte ein Datum zwischen 2000 und"),
    ],
)
def test_a_bad_period_is_named_and_the_input_kept(as_role, query, field, message):
    client, _ = as_role("admin")
    for path in ("/uebersicht/jahresbericht", "/uebersicht/jahresbericht.pdf"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422
        assert message in response.text and f'id="{field}-error"' in response.text


def test_only_the_manager_sees_overview_and_report(as_role, client):
    for role in ("member", "partner"):
        other, _ = as_role(role)
        for url in ("/uebersicht/", "/uebersicht/jahresbericht", "/uebersicht/jahresbericht.xlsx"):
            assert other.get(url).status_code == 403
    assert "/login" in client.get("/uebersicht/").headers["Location"]


def grow_network(app, times: int) -> None:
    """Add `times` × the demo's size of groups, people, memberships, past meetings with attendance, actors,
    partners and projects (the same kinds of rows the overview and report read)."""
    with app.app_context():
        municipalities = db.session.scalars(select(Municipality.id)).all()
        for n in range(times):
            with factories.batch():
                actors = [
                    factories.actor(name=f"Generiert {n}-{i}", kind="other", municipality_id=municipalities[i % 36])
                    for i in range(100)
                ]
                users = [
                    factories.user(name=f"Person {n}-{i}", email=f"gen{n}-{i}@example.org", acknowledged=False)
                    for i in range(10)
                ]
                for g in range(4):
                    group = factories.group(
                        name=f"Generierter AK {n}-{g}", short_name=f"AK {n}-{g}", field_of_action_id=g + 1
                    )
                    members = users[g : g + 4]
                    for i, person in enumerate(members):
                        factories.membership(group, person, actor=actors[i])
                    for days in (30, 120):
                        start = clock.local_midnight(TODAY - timedelta(days=days + n))
                        meeting = factories.meeting(group, title="Sitzung", starts_at=start)
                        for person in members:
                            factories.invitation(meeting, person, attendance=Attendance.PRESENT)
                for i in range(7):
                    factories.partnership(actors[50 + i])
                factories.project(
                    title=f"Generiertes Vorhaben {n}",
                    milestones=[("Meilenstein", TODAY + timedelta(days=d)) for d in (5, 50)],
                )
        db.session.commit()


def test_overview_and_report_queries_do_not_grow_with_the_data(app, manager):
    urls = ("/uebersicht/", f"/uebersicht/jahresbericht?von={YEAR_AGO}&bis={TODAY}")
    with_demo = [count_queries(app, manager, url) for url in urls]
    grow_network(app, 9)  # the demo's data and nine times as much again
    assert [count_queries(app, manager, url) for url in urls] == with_demo
    assert "Generierter AK 8-3" not in manager.get(urls[0]).text  # 42 groups: 25 on the first page
    second = manager.get(urls[0] + "?arbeitskreise=2").text
    assert "Generierter AK 8-3" in second and "Nächste Seite" not in second and "Vorherige Seite" in second


def test_the_dormant_and_pending_lists_are_counted_in_full_and_shown_in_part(app, manager):
    with app.app_context():
        long_ago = clock.now() - timedelta(days=400)
        for n in range(12):
            factories.group(name=f"AK Still {n:02}", created_at=long_ago)
        for n in range(15):
            factories.user(name=f"Eingeladene {n}", status="invited")
        db.session.commit()
    page = manager.get("/uebersicht/").text
    assert '<span class="figure__value">14</span> <span class="figure__label"><a href="#ruhende">' in page
    assert "und 4 weitere Arbeitskreise" in page  # 14 dormant (12 + the demo's 2), 10 listed
    assert "und 6 weitere Einladungen" in page  # 15 invited and the demo's Lukas Hofmann, 10 listed


def test_quarters_follow_the_berlin_calendar(app):
    from zoneinfo import ZoneInfo

    from netzwerk.overview.services import quarter_of

    with app.app_context():  # 31 March 22:30 UTC is already 1 April in Landshut
        assert quarter_of(datetime(2026, 3, 31, 22, 30, tzinfo=ZoneInfo("UTC"))) == "2026-Q2"
        group = factories.group(name="AK Quartalswechsel")
        for hour in (21, 22):  # 23:30 on 31 March in Landshut (Q1), then 00:30 on 1 April (Q2)
            factories.meeting(group, starts_at=datetime(2026, 3, 31, hour, 30, tzinfo=ZoneInfo("UTC")), hours=1)
        db.session.commit()
        (entry,) = group_activity(date(2026, 1, 1), date(2026, 7, 1), groups=[group])
        assert entry.by_quarter == {"2026-Q1": 1, "2026-Q2": 1} and entry.meetings == 2


@pytest.mark.parametrize("query", ["von=9999-01-01&bis=9999-12-31", "von=0001-01-01&bis=0001-12-31"])
def test_report_years_out_of_range_are_named(as_role, query):
    client, _ = as_role("admin")
    response = client.get(f"/uebersicht/jahresbericht?{query}")
    assert response.status_code == 422 and "zwischen 2000 und" in response.text


def test_a_new_group_is_not_dormant_and_a_closed_group_still_counts_in_the_report(app):
    from netzwerk.groups.models import GroupStatus

    with app.app_context():
        start = clock.local_midnight(TODAY - timedelta(days=20))
        factories.group(name="AK Neu")
        factories.group(name="AK Alt", created_at=clock.now() - timedelta(days=400))
        closed = factories.group(name="AK Beendet", status=GroupStatus.CLOSED)
        factories.meeting(closed, title="Letzte Sitzung", starts_at=start, hours=0)
        db.session.commit()
        activity = group_activity(YEAR_AGO, TOMORROW)
        count, dormant = dormant_groups()
        assert count == 1 and [e.group.name for e in dormant] == ["AK Alt"]
        assert "AK Beendet" not in [e.group.name for e in activity]  # the overview shows working groups
        report = build_report(YEAR_AGO, TODAY)
        assert [g.group.name for g in report.groups] == ["AK Beendet"] and report.meetings_held == 1


def test_the_city_tile_is_marked(manager):
    page = manager.get("/uebersicht/").text
    assert page.count("tile--city") == 1  # Landshut, the only kreisfreie Stadt


def test_figures_of_one_are_in_the_singular(app, as_role, make_user):
    """ "1 offene Einladungen" read wrong: every figure's label goes through ngettext."""
    make_user(status="invited", password=None, email="eine@example.org")
    manager, _user = as_role("admin")
    overview = " ".join(manager.get("/uebersicht/").text.split())
    assert "Einladung ins Werkzeug, noch nicht angenommen" in overview
    assert "Einladungen ins Werkzeug" not in overview
    assert "fehlgeschlagene E-Mails" in overview  # none: the plural, as German says "0 E-Mails"
    start = " ".join(manager.get("/").text.split())
    assert "offene Einladung</span>" in start and "offene Einladungen</span>" not in start


def test_the_report_sorts_the_german_way(app, manager, make_actor):
    """Bäckerei before Brauerei, Öttl among the O, Straßenbau as Strassenbau (Python and SQLite put umlauts
    after z)."""
    from netzwerk.overview.report import build_report, new_actors
    from netzwerk.vocabulary import german_key

    names = ["Zimmerei Zorn", "Brauerei Wittmann", "Öttl Kanzlei", "Bäckerei Huber", "Straßenbau Ott", "Ostbau"]
    for name in names:
        make_actor(name=name)
    assert sorted(["Brauerei", "Bäckerei", "Zorn"], key=german_key) == ["Bäckerei", "Brauerei", "Zorn"]
    with app.test_request_context():
        report = build_report(date(2000, 1, 1), clock.today() + timedelta(days=1))
        found = [actor.name for actor in new_actors(report) if actor.name in names]
    assert found == ["Bäckerei Huber", "Brauerei Wittmann", "Ostbau", "Öttl Kanzlei", "Straßenbau Ott", "Zimmerei Zorn"]
