"""A small network with one record of each kind, and a signed-in client per role (anonymous, member, lead,
partner, manager): what the input tests walk over."""

from datetime import date, timedelta

from netzwerk import clock
from netzwerk.extensions import db
from tests import factories
from tests.conftest import login

ROLES = ("anonymous", "member", "lead", "partner", "manager")


def build_world(app) -> tuple[dict, dict]:
    """(people by role, ids by URL argument name)."""
    with app.app_context():
        people = {
            "manager": factories.user(role="admin", name="Maria Manager"),
            "lead": factories.user(name="Lea Leitung"),
            "member": factories.user(name="Max Mitglied"),
            "partner": factories.user(role="partner", name="Paula Partner"),
        }
        actor = factories.actor(
            name="Muster GmbH",
            is_public=True,
            website="https://muster.example.org",
            sectors=["Logistik", "KI"],
            field_of_action_ids=[1],
            contacts=[{"name": "Greta Kontakt", "email": "greta@muster.example.org", "source": "Messe"}],
        )
        partner_actor = factories.actor(name="Partner e.V.", kind="partner", is_public=True, description="Partner")
        group = factories.group(
            name="AK Fachkräfte", is_public=True, description="Beschreibung", leads=[people["lead"]]
        )
        membership = factories.membership(group, people["member"])
        factories.group(name="AK Intern", is_public=False, members=[people["member"]])
        now = clock.now().replace(microsecond=0)  # calendars carry whole seconds; the ical.js check compares
        held = factories.meeting(
            group,
            title="Gestern",
            starts_at=now - timedelta(days=1),
            answers={people["lead"]: "yes", people["member"]: "no"},
        )
        soon = now + timedelta(days=7)
        upcoming = factories.meeting(
            group, title="Bald", starts_at=soon, place="Rathaus", guests_allowed=True, invite=[people["member"]]
        )
        partnership = factories.partnership(
            partner_actor, type="metropolitan_region", offers="Angebote", users=[people["partner"]]
        )
        link = factories.partner_link(partnership, group=group, about="Pendler", since=date(2024, 1, 1))
        slots = [(soon + timedelta(days=d), soon + timedelta(days=d, hours=1)) for d in (0, 1)]
        poll = factories.poll(group, title="Wann?", slots=slots)
        project = factories.project(title="Projekt", is_public=True, milestones=[("Start", date(2027, 1, 1))])
        news = factories.news(title="Neu", body="Text")
        ids = {
            "actor_id": actor.id,
            "mail_id": 1,
            "field_id": 1,
            "group_id": group.id,
            "meeting_id": held.id,
            "upcoming_meeting_id": upcoming.id,
            "poll_id": poll.id,
            "project_id": project.id,
            "news_id": news.id,
            "partnership_id": partnership.id,
            "user_id": people["member"].id,
            "membership_id": membership.id,
            "contact_id": actor.contacts[0].id,
            "link_id": link.id,
        }
        db.session.commit()
        people = {role: factories.detached(person) for role, person in people.items()}
    return people, ids


def client_as(app, people: dict, role: str):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, people[role].email).status_code == 302
    return client
