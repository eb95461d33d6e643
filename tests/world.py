"""A small network with one record of each kind, and a signed-in client per role (anonymous, member, lead,
partner, manager): what the input tests walk over."""

from datetime import date, timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import ContactPerson
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.news.models import NewsItem
from netzwerk.partners.models import PartnerLink, Partnership, PartnerUser
from netzwerk.polls.models import Poll, PollSlot
from netzwerk.projects.models import Milestone, Project
from tests.conftest import login

ROLES = ("anonymous", "member", "lead", "partner", "manager")


def build_world(app, make_user, make_actor) -> tuple[dict, dict]:
    """(people by role, ids by URL argument name)."""
    people = {
        "manager": make_user(role="admin", name="Maria Manager"),
        "lead": make_user(name="Lea Leitung"),
        "member": make_user(name="Max Mitglied"),
        "partner": make_user(role="partner", name="Paula Partner"),
    }
    actor = make_actor(
        name="Muster GmbH",
        is_public=True,
        website="https://muster.example.org",
        sectors=["Logistik", "KI"],
        field_of_action_ids=[1],
        contacts=[{"name": "Greta Kontakt", "email": "greta@muster.example.org", "source": "Messe"}],
    )
    partner_actor = make_actor(name="Partner e.V.", kind="partner", is_public=True, description="Partner")
    with app.app_context():
        group = WorkingGroup(name="AK Fachkräfte", is_public=True, description="Beschreibung")
        internal = WorkingGroup(name="AK Intern", is_public=False)
        now = clock.now().replace(microsecond=0)  # calendars carry whole seconds; the ical.js check compares
        start = now - timedelta(days=1)
        held = Meeting(group=group, title="Gestern", starts_at=start, ends_at=start + timedelta(hours=2))
        soon = now + timedelta(days=7)
        upcoming = Meeting(
            group=group,
            title="Bald",
            starts_at=soon,
            ends_at=soon + timedelta(hours=2),
            place="Rathaus",
            guests_allowed=True,
        )
        partnership = Partnership(actor_id=partner_actor.id, type="metropolitan_region", offers="Angebote")
        poll = Poll(
            group=group,
            title="Wann?",
            slots=[
                PollSlot(starts_at=soon + timedelta(days=d), ends_at=soon + timedelta(days=d, hours=1)) for d in (0, 1)
            ],
        )
        project = Project(
            title="Projekt", is_public=True, milestones=[Milestone(title="Start", due_on=date(2027, 1, 1))]
        )
        news = NewsItem(title="Neu", body="Text", publish_at=clock.now())
        db.session.add_all([group, internal, held, upcoming, partnership, poll, project, news])
        db.session.flush()
        db.session.add_all(
            [
                Membership(group=group, user_id=people["lead"].id, role="lead"),
                Membership(group=group, user_id=people["member"].id),
                Membership(group=internal, user_id=people["member"].id),
                Invitation(meeting=held, user_id=people["lead"].id, answer="yes"),
                Invitation(meeting=held, user_id=people["member"].id, answer="no"),
                Invitation(meeting=upcoming, user_id=people["member"].id),
                PartnerUser(user_id=people["partner"].id, partnership_id=partnership.id),
                PartnerLink(partnership_id=partnership.id, group_id=group.id, about="Pendler", since=date(2024, 1, 1)),
            ]
        )
        db.session.commit()
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
            "membership_id": db.session.scalar(select(Membership.id).where(Membership.user_id == people["member"].id)),
            "contact_id": db.session.scalar(select(ContactPerson.id).where(ContactPerson.actor_id == actor.id)),
            "link_id": db.session.scalar(select(PartnerLink.id)),
        }
    return people, ids


def client_as(app, people: dict, role: str):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, people[role].email).status_code == 302
    return client
