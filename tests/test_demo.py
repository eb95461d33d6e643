"""`flask demo` loads the demo data once; the documented logins work; the registry is filled for trying it."""

import pytest
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.actors.models import Actor, Area, ContactPerson, FieldOfAction, Municipality, actor_field_of_action
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import User
from netzwerk.demo import DEMO_PASSWORD
from netzwerk.extensions import db
from netzwerk.reference import reference_organisations
from tests.conftest import login

METROPOLREGION = "Europäische Metropolregion München e.V."


def snapshot() -> tuple:
    """What a second `flask demo` must leave alone."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (User, Actor, ContactPerson, AuditEntry)
    )


def test_demo_loads_once(app, runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "Demo-Daten geladen" in first.output
    with app.app_context():
        before = snapshot()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "bereits geladen" in second.output
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize(
    "email, heading",
    [
        ("manager@example.org", "Übersicht des Regionalmanagements"),
        ("mitglied@example.org", "Meine nächsten Termine"),
        ("partner@example.org", "Europäische Metropolregion München e.V."),
    ],
)
def test_demo_logins(app, runner, email, heading):
    runner.invoke(args=["demo"])
    client = app.test_client()
    assert login(client, email, DEMO_PASSWORD).status_code == 302
    assert heading in client.get("/").text


def test_demo_actors_cover_the_region_and_the_fields_of_action(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        assert 90 <= db.session.scalar(select(func.count(Actor.id))) <= 130
        per_field = dict(
            db.session.execute(
                select(FieldOfAction.name, func.count(actor_field_of_action.c.actor_id))
                .outerjoin(actor_field_of_action, actor_field_of_action.c.field_of_action_id == FieldOfAction.id)
                .group_by(FieldOfAction.name)
            ).all()
        )
        assert len(per_field) == 7 and min(per_field.values()) >= 5, per_field
        per_area = dict(
            db.session.execute(
                select(Municipality.area, func.count(Actor.id)).join(Actor.municipality).group_by(Municipality.area)
            ).all()
        )
        assert per_area.get(Area.CITY, 0) > 0 and per_area.get(Area.COUNTY, 0) > 0
        assert db.session.scalar(select(func.count(func.distinct(Actor.municipality_id)))) >= 15
        names = set(db.session.scalars(select(Actor.name)))
        assert set(reference_organisations()) <= names
        assert {"Markt Ergolding", "Stadt Vilsbiburg"} <= names
        # the search document and the duplicate key are filled as the form would fill them
        assert (
            db.session.scalar(
                select(func.count(Actor.id)).where((Actor.search_document == "") | (Actor.name_key == ""))
            )
            == 0
        )
        # every change is in the audit log, by the demo manager
        created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "actor.created")).all()
        assert len(created) == len(names) and {entry.actor.email for entry in created} == {"manager@example.org"}


def test_demo_contacts_are_invented_and_linked_to_the_demo_accounts(app, runner):
    runner.invoke(args=["demo"])
    with app.app_context():
        emails = db.session.scalars(select(ContactPerson.email).where(ContactPerson.email != "")).all()
        assert emails and {email.rsplit("@", 1)[1] for email in emails} <= {"example.org", "example.de", "example.com"}
        linked = dict(
            db.session.execute(select(User.email, Actor.name).join(ContactPerson.user).join(ContactPerson.actor)).all()
        )
        assert linked["partner@example.org"] == METROPOLREGION
        assert linked["mitglied@example.org"] == "Hochschule Landshut"


def test_the_demo_partner_sees_its_own_entry(app, runner):
    runner.invoke(args=["demo"])
    client = app.test_client()
    assert login(client, "partner@example.org", DEMO_PASSWORD).status_code == 302
    assert METROPOLREGION in client.get("/akteure/", query_string={"q": "Metropolregion"}).text
    with app.app_context():  # also when the entry is not public: the partner is its contact person
        actor = db.session.scalar(select(Actor).where(Actor.name == METROPOLREGION))
        actor.is_public = False
        db.session.commit()
        actor_id = actor.id
    assert METROPOLREGION in client.get("/akteure/", query_string={"q": "Metropolregion"}).text
    assert client.get(f"/akteure/{actor_id}").status_code == 200


def test_demo_working_groups(app, runner):
    from netzwerk.demo import DEMO_PASSWORD
    from tests.conftest import login

    runner.invoke(args=["demo"])
    member = app.test_client()
    login(member, "mitglied@example.org", DEMO_PASSWORD)
    page = member.get("/arbeitskreise/").text
    assert "Arbeitskreis Fachkräftesicherung" in page and "Lenkungskreis" not in page
    visitor = app.test_client().get("/arbeitskreise/").text
    assert "Arbeitskreis Fachkräftesicherung" in visitor and "Lenkungskreis" not in visitor
    manager = app.test_client()
    login(manager, "manager@example.org", DEMO_PASSWORD)
    assert "Lenkungskreis Regionalmanagement" in manager.get("/arbeitskreise/").text


def test_demo_meetings(app, runner):
    from netzwerk.demo import DEMO_PASSWORD
    from tests.conftest import login

    runner.invoke(args=["demo"])
    member = app.test_client()
    login(member, "mitglied@example.org", DEMO_PASSWORD)
    page = member.get("/termine/").text
    assert "Sitzung Ausbildungsmesse" in page and "Transfertag mit der Hochschule" in page
    assert "Sitzung Ausbildungsmesse" in member.get("/").text
    upcoming, past = page.split("Vergangene Sitzungen")
    assert "Werkstattgespräch Willkommenskultur" in upcoming and "abgesagt" in upcoming
    assert "Auftakt Ausbildungsmesse 2027" in past and "#protokoll" in past
    from sqlalchemy import select

    from netzwerk.extensions import db
    from netzwerk.meetings.models import Meeting

    with app.app_context():
        held = db.session.scalar(select(Meeting).where(Meeting.title == "Auftakt Ausbildungsmesse 2027"))
        tomorrow = db.session.scalar(select(Meeting).where(Meeting.title == "Sitzung Ausbildungsmesse"))
    minutes = member.get(f"/termine/{held.id}").text
    assert "Sparkassen-Arena" in minutes and "Angebot Busshuttle einholen" in minutes and "(anwesend)" in minutes
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    assert tomorrow.starts_at.astimezone(ZoneInfo("Europe/Berlin")).date() == clock.today() + timedelta(days=1)
