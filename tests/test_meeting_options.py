"""Meeting options: capacity with a waiting list, guests from outside the group, reminders to answer,
documents, and series scheduled in one go."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.meetings.models import Invitation, Meeting
from tests import factories
from tests.answers import add_meeting, answer_as
from tests.conftest import csrf_token_from, login, post_form
from tests.test_meetings import group_world, meeting_form, schedule  # noqa: F401  (fixture)


def states(app, meeting_id):
    with app.app_context():
        rows = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)).all()
        return {i.user.name: ("wait" if i.waitlisted_at else i.answer) for i in rows}


@pytest.fixture
def crowd(app, make_user):
    people = [make_user(name=f"Person {n}") for n in range(4)]
    return factories.create(app, factories.group, name="AK Innovation", is_public=True, members=people), people


def test_zusagen_beyond_capacity_wait_and_move_up_when_a_place_is_free(app, crowd, mailbox):
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people, capacity=2)
    for person in people[:3]:
        assert answer_as(app, person, meeting_id, "yes").status_code == 302
    assert states(app, meeting_id) == {"Person 0": "yes", "Person 1": "yes", "Person 2": "wait", "Person 3": None}
    page = answer_as(app, people[3], meeting_id, "yes")
    client = app.test_client()
    login(client, people[3].email)
    assert "Platz 2 auf der Warteliste" in client.get(f"/termine/{meeting_id}").text
    mailbox.messages.clear()
    assert answer_as(app, people[0], meeting_id, "no").status_code == 302  # a place is free: Person 2 moves up
    assert states(app, meeting_id) == {"Person 0": "no", "Person 1": "yes", "Person 2": "yes", "Person 3": "wait"}
    (message,) = mailbox.messages
    assert message["To"] == people[2].email and message["Subject"].startswith("Ein Platz ist frei: Werkstattgespräch")
    assert page.status_code == 302


def test_raising_the_capacity_moves_people_up(app, crowd, mailbox):
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people, capacity=1)
    for person in people[:3]:
        answer_as(app, person, meeting_id, "yes")
    lead_client = app.test_client()
    with app.app_context():
        db.session.get(Membership, 1).role = "lead"
        db.session.commit()
        lead = db.session.get(Membership, 1).user
    login(lead_client, lead.email)
    form = lead_client.get(f"/termine/{meeting_id}/bearbeiten")
    assert form.status_code == 200
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        start, end = (
            meeting.starts_at.astimezone(ZoneInfo("Europe/Berlin")),
            meeting.ends_at.astimezone(ZoneInfo("Europe/Berlin")),
        )
    data = meeting_form(
        title="Werkstattgespräch",
        starts_at=start.strftime("%Y-%m-%dT%H:%M"),
        ends_at=end.strftime("%Y-%m-%dT%H:%M"),
        place="Hochschule Landshut",
        room="",
        agenda="",
        capacity="3",
        version="1",
    )
    mailbox.messages.clear()
    assert post_form(lead_client, f"/termine/{meeting_id}/bearbeiten", data).status_code == 302
    assert list(states(app, meeting_id).values()).count("yes") == 3
    assert sorted(m["Subject"].split(":")[0] for m in mailbox.messages) == ["Ein Platz ist frei"] * 2


def test_simultaneous_zusagen_never_overbook(app, make_user):
    people = [make_user(name=f"Eilig {n}") for n in range(8)]
    group_id = factories.create(app, factories.group, name="AK Andrang")
    meeting_id = add_meeting(app, group_id, people, capacity=3)
    clients = []
    for person in people:
        client = app.test_client()
        login(client, person.email)
        clients.append((client, csrf_token_from(client.get(f"/termine/{meeting_id}").text)))
    barrier = threading.Barrier(len(clients))
    results = []

    def say_yes(client, token):
        barrier.wait()
        response = client.post(f"/termine/{meeting_id}/antwort", data={"answer": "yes", "csrf_token": token})
        results.append(response.status_code)

    threads = [threading.Thread(target=say_yes, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [302] * 8
    values = list(states(app, meeting_id).values())
    assert values.count("yes") == 3 and values.count("wait") == 5


def test_guests_register_for_open_meetings_only(app, crowd, make_user, mailbox):
    group_id, people = crowd
    open_id = add_meeting(app, group_id, people, capacity=5, guests_allowed=True)
    closed_id = add_meeting(app, group_id, people)
    guest = make_user(name="Gerda Gast", role="partner")
    client = app.test_client()
    login(client, guest.email)
    page = client.get(f"/termine/{open_id}")
    assert page.status_code == 200 and "Als Gast anmelden" in page.text
    assert client.get(f"/termine/{closed_id}").status_code == 404
    response = post_form(client, f"/termine/{open_id}/gast", {}, get_url=f"/termine/{open_id}")
    assert response.status_code == 302
    assert states(app, open_id)["Gerda Gast"] == "yes"
    (message,) = mailbox.messages
    assert message["To"] == guest.email and mailbox.calendar_of(message).get_param("method") == "REQUEST"
    again = post_form(client, f"/termine/{open_id}/gast", {}, get_url=f"/termine/{open_id}")
    assert again.status_code == 302 and len(states(app, open_id)) == 5  # no second registration
    token = csrf_token_from(client.get(f"/termine/{open_id}").text)
    assert client.post(f"/termine/{closed_id}/gast", data={"csrf_token": token}).status_code == 404
    visitor = app.test_client()
    assert visitor.post(f"/termine/{open_id}/gast").status_code in (302, 400)
    with app.app_context():
        lead_view = db.session.scalar(select(Invitation).where(Invitation.user_id == guest.id)).is_guest
    assert lead_view is True


def test_guests_cannot_see_internal_groups_meetings(app, make_user):
    member = make_user()
    group_id = factories.create(app, factories.group, name="AK Vertraulich", is_public=False, members=[member])
    meeting_id = add_meeting(app, group_id, [member], guests_allowed=True)
    outsider = app.test_client()
    login(outsider, make_user().email)
    assert outsider.get(f"/termine/{meeting_id}").status_code == 404


def test_the_lead_reminds_those_who_have_not_answered(app, group_world, mailbox):  # noqa: F811
    schedule(group_world)
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    lead_client = group_world["client"]
    answer_as(app, group_world["lead"], meeting_id, "yes")
    mailbox.messages.clear()
    page = lead_client.get(f"/termine/{meeting_id}").text
    assert "1 Person ohne Antwort erinnern" in page
    response = post_form(lead_client, f"/termine/{meeting_id}/erinnern", {}, get_url=f"/termine/{meeting_id}")
    assert response.status_code == 302
    (message,) = mailbox.messages
    assert message["To"] == group_world["member"].email
    assert message["Subject"].startswith("Erinnerung: Bitte antworten Sie")
    assert "/antwort/" in mailbox.text_of(message)
    with app.app_context():
        reminded = db.session.scalar(select(Invitation).where(Invitation.user_id == group_world["member"].id))
        assert reminded.reminded_at is not None
    member = app.test_client()
    login(member, group_world["member"].email)
    token = csrf_token_from(member.get(f"/termine/{meeting_id}").text)
    assert member.post(f"/termine/{meeting_id}/erinnern", data={"csrf_token": token}).status_code == 403


def test_documents_are_links_and_bad_lines_are_named(app, group_world, mailbox):  # noqa: F811
    bad = schedule(group_world, documents="https://www.landshut.de/a.pdf Flyer\nkeine Adresse hier")
    assert bad.status_code == 422 and "Zeile 2: bitte mit einer Adresse wie https://… beginnen." in bad.text
    assert "keine Adresse hier" in bad.text
    with app.app_context():
        assert db.session.scalar(select(Meeting)) is None
    good = schedule(group_world, documents="https://www.landshut.de/a.pdf Flyer Ausbildungsmesse\n\nhttps://x.de/b")
    assert good.status_code == 302
    page = group_world["client"].get(good.headers["Location"]).text
    assert '<a href="https://www.landshut.de/a.pdf" rel="noopener">Flyer Ausbildungsmesse</a>' in page
    assert '<a href="https://x.de/b" rel="noopener">https://x.de/b</a>' in page
    assert "javascript:" not in page


def test_a_quarterly_series_is_scheduled_in_one_go_at_the_same_local_time(app, group_world, mailbox):  # noqa: F811
    first_tuesday = datetime(2027, 1, 5, 18, 0)
    response = schedule(
        group_world,
        starts_at=first_tuesday.strftime("%Y-%m-%dT%H:%M"),
        ends_at=first_tuesday.replace(hour=20).strftime("%Y-%m-%dT%H:%M"),
        repeat="quarterly",
        repeat_count="4",
    )
    assert response.status_code == 302, response.text
    berlin = ZoneInfo("Europe/Berlin")
    with app.app_context():
        meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
        local = [m.starts_at.astimezone(berlin).strftime("%a %d.%m. %H:%M") for m in meetings]
        assert len({m.series_uid for m in meetings}) == 1 and meetings[0].series_uid
        assert len({m.uid for m in meetings}) == 4
        assert [m.starts_at.astimezone(UTC).hour for m in meetings] == [17, 16, 16, 16]  # summer time from April
    assert local == ["Tue 05.01. 18:00", "Tue 06.04. 18:00", "Tue 06.07. 18:00", "Tue 05.10. 18:00"]
    assert len(mailbox.messages) == 8  # two members, four meetings, each with its own answer link


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repeat": "yearly"}, "Not a valid choice"),
        ({"repeat": "weekly", "repeat_count": "1"}, "Bitte eine Zahl zwischen 2 und 24 angeben."),
        ({"repeat": "weekly", "repeat_count": "500"}, "Bitte eine Zahl zwischen 2 und 24 angeben."),
        ({"repeat": "weekly", "repeat_count": ""}, "wie viele Termine"),
        ({"capacity": "0"}, "Bitte eine Zahl zwischen 1 und 10000 angeben."),
        ({"capacity": "viele"}, "Keine gültige, ganze Zahl."),
    ],
)
def test_bad_options_are_explained(app, group_world, mailbox, changes, message):  # noqa: F811
    response = schedule(group_world, **changes)
    assert response.status_code == 422
    assert message in response.text or message.replace("Not a valid choice", "Keine gültige Auswahl") in response.text
    with app.app_context():
        assert db.session.scalar(select(Meeting)) is None
    assert mailbox.messages == []


def test_no_answers_once_the_meeting_has_begun(app, group_world, mailbox):  # noqa: F811
    schedule(group_world)
    link = mailbox.link_in(next(m for m in mailbox.messages if m["To"] == group_world["member"].email), "/antwort/")
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        meeting.starts_at = clock.now() - timedelta(minutes=5)
        db.session.commit()
        meeting_id = meeting.id
    visitor = app.test_client()
    page = visitor.get(link)
    assert "hat bereits begonnen" in page.text and 'name="answer"' not in page.text
    post_form(visitor, link, {"answer": "yes"})
    member = app.test_client()
    login(member, group_world["member"].email)
    assert "Ihre Antwort" not in member.get(f"/termine/{meeting_id}").text
    response = post_form(member, f"/termine/{meeting_id}/antwort", {"answer": "yes"}, get_url="/termine/")
    assert response.status_code == 409
    assert states(app, meeting_id)["Max Mitglied"] is None


def test_an_expired_answer_link_is_refused_and_answers_nothing(app, group_world, mailbox, monkeypatch):  # noqa: F811
    from netzwerk.meetings.services import tokens

    schedule(group_world)
    link = mailbox.link_in(next(m for m in mailbox.messages if m["To"] == group_world["member"].email), "/antwort/")
    monkeypatch.setattr(tokens, "ANSWER_LINK_VALID_FOR", timedelta(seconds=-1))  # every link is too old now
    visitor = app.test_client()
    page = visitor.get(link)
    assert page.status_code == 400 and "Antwort-Link ist abgelaufen" in page.text
    assert visitor.post(link, data={"answer": "yes"}).status_code in (400, 403)
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == group_world["member"].id))
        assert invitation.answer is None
