"""Caching what is costly and rarely changes (netzwerk/caching): the network picture is built once per change of
the registry, every change through the ORM or in bulk starts a new generation with its commit (not on a
rollback), other workers see it, and changes the picture is not made of keep it."""

from datetime import timedelta

import pytest

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.auth.models import User
from netzwerk.caching.services import generation
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.meetings.models import Invitation
from netzwerk.network_picture.services import TOPIC, network_picture
from netzwerk.privacy.services.erasure import end_participation
from tests import factories
from tests.conftest import count_queries, make_app

URL = "/uebersicht/netzwerkbild.json"


@pytest.fixture
def network(app, make_user):
    person = make_user(name="Vera Vernetzt")
    with app.app_context():
        actor = factories.actor(name="Isar Werkstatt GmbH")
        group = factories.group(name="AK Zwischenspeicher")
        factories.membership(group, person, actor=actor)
        meeting = factories.meeting(group, starts_at=clock.now() + timedelta(days=9))
        factories.invitation(meeting, person)
        db.session.commit()
        return {"actor": actor.id, "group": group.id, "user": person.id, "meeting": meeting.id}


def labels(client) -> set[str]:
    return {node["data"]["label"] for node in client.get(URL).get_json()["nodes"]}


def current_generation(app) -> str:
    with app.app_context():
        return generation(TOPIC)


def test_the_picture_is_built_once_and_a_change_shows_with_its_commit(app, network, as_role):
    manager, _ = as_role("admin")
    built = count_queries(app, manager, URL)
    assert "Isar Werkstatt GmbH" in labels(manager)
    assert count_queries(app, manager, URL) < built - 5  # the registry is not read again
    with app.app_context():
        db.session.get(Actor, network["actor"]).name = "Isar Werkstatt eG"
        db.session.commit()
    assert "Isar Werkstatt eG" in labels(manager) and "Isar Werkstatt GmbH" not in labels(manager)


def test_a_rolled_back_change_keeps_the_generation(app, network):
    before = current_generation(app)
    with app.app_context():
        db.session.get(Actor, network["actor"]).name = "Nie gespeichert"
        db.session.flush()
        db.session.rollback()
    assert current_generation(app) == before != ""


def test_an_answer_or_a_look_keeps_the_picture(app, network):
    before = current_generation(app)
    with app.app_context():
        invitation = db.session.query(Invitation).filter_by(meeting_id=network["meeting"]).one()
        invitation.answer = "yes"
        db.session.get(Actor, network["actor"]).name = "Isar Werkstatt GmbH"  # the same value again
        db.session.commit()
    assert current_generation(app) == before


def test_a_membership_ended_in_bulk_starts_a_new_generation(app, network):
    with app.app_context():
        assert any(n.name == "AK Zwischenspeicher" and n.neighbours for n in network_picture().nodes)
    before = current_generation(app)
    with app.app_context():
        end_participation(db.session.get(User, network["user"]))  # one UPDATE, no ORM object
        db.session.commit()
        assert db.session.query(Membership).one().end_date == clock.today()
        group = next(n for n in network_picture().nodes if n.name == "AK Zwischenspeicher")
    assert current_generation(app) != before and not group.neighbours


def test_a_second_worker_sees_a_change_made_by_the_first(app, network, smtp_server):
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server.port)  # another process, same database
    with other.app_context():
        assert "Isar Werkstatt GmbH" in {n.name for n in network_picture().nodes}
    with app.app_context():
        db.session.get(Actor, network["actor"]).name = "Isar Werkstatt AG"
        db.session.commit()
    with other.app_context():
        assert "Isar Werkstatt AG" in {n.name for n in network_picture().nodes}
        db.session.remove()
    with other.app_context():
        db.engine.dispose()
