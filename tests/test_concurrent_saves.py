"""Two people saving the same record at the same moment lose nothing: exactly one save goes through, the other
sees the conflict page with what it typed still in the form (a version check before the save, and the
version column's check in the UPDATE when both passed it at once). Each round: both open the form, then
both submit at the same instant (threads behind a barrier)."""

import html

import pytest

from netzwerk.actors.models import Actor
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Meeting
from netzwerk.news.models import NewsItem
from netzwerk.projects.models import Project
from tests.gunicorn import at_once
from tests.html_forms import form_with
from tests.ops_report import report
from tests.world import build_world

CONFLICT = "inzwischen von jemand anderem geändert"
ROUNDS = 8

# (what, URL of the form, the field both change, the model and its id's name)
RECORDS = [
    ("Akteur", "/akteure/{actor_id}/bearbeiten", "name", Actor, "actor_id"),
    ("Sitzung", "/termine/{upcoming_meeting_id}/bearbeiten", "title", Meeting, "upcoming_meeting_id"),
    ("Konto", "/benutzer/{user_id}/bearbeiten", "name", User, "user_id"),
    ("Arbeitskreis", "/arbeitskreise/{group_id}/bearbeiten", "name", WorkingGroup, "group_id"),
    ("Vorhaben", "/vorhaben/{project_id}/bearbeiten", "title", Project, "project_id"),
    ("Meldung", "/aktuelles/{news_id}/bearbeiten", "title", NewsItem, "news_id"),
]


@pytest.fixture
def world(app):
    return build_world(app)


def two_managers(app, make_user, people):
    """The manager of the world and a second one, each signed in with a client of their own."""
    from tests.conftest import login

    clients = []
    for person in (people["manager"], make_user(role="admin", name="Martin Zweitmanager")):
        client = app.test_client()
        assert login(client, person.email).status_code == 302
        clients.append(client)
    return clients


@pytest.mark.parametrize(("what", "url", "field", "model", "id_name"), RECORDS, ids=[r[0] for r in RECORDS])
def test_two_saves_of_one_record_at_once_one_wins_the_other_keeps_its_input(
    app, world, make_user, what, url, field, model, id_name
):
    people, ids = world
    url = url.format(**ids)
    clients = two_managers(app, make_user, people)
    outcomes = {"vorab erkannt (422)": 0, "beim Speichern erkannt (409)": 0}
    for round_ in range(ROUNDS):
        forms = [form_with(client.get(url).text, "version") for client in clients]  # both open the form
        typed = [f"{what} Fassung {round_}-{n}" for n in (1, 2)]
        responses = at_once(
            [
                lambda c=client, f=form, t=value: c.post(url, data=f.data(**{field: t}))
                for client, form, value in zip(clients, forms, typed, strict=True)
            ]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes in ([302, 409], [302, 422]), [(r.status_code, r.text[:2000]) for r in responses]
        winner = next(n for n, r in enumerate(responses) if r.status_code == 302)
        loser = responses[1 - winner]
        assert CONFLICT in loser.text
        assert typed[1 - winner] in html.unescape(loser.text), "what the loser typed is still in the form"
        with app.app_context():
            assert getattr(db.session.get(model, ids[id_name]), field) == typed[winner], "the winner's save stands"
        outcomes["vorab erkannt (422)" if loser.status_code == 422 else "beim Speichern erkannt (409)"] += 1
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # POSTs start with BEGIN IMMEDIATE (netzwerk/factory.py): the second save waits for the first to
        # commit and then reads the new version, so it is refused before it writes anything
        assert outcomes["beim Speichern erkannt (409)"] == 0, outcomes
    report(
        f"Gleichzeitiges Speichern ({what}): {ROUNDS} Runden mit je 2 gleichzeitigen Speicherungen, je eine "
        f"gespeichert, die andere abgewiesen mit erhaltenen Eingaben: "
        + ", ".join(f"{n} {kind}" for kind, n in outcomes.items())
    )
