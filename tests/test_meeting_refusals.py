"""The meetings' rules live in the services (netzwerk/meetings/services/): they refuse with a domain error and
the German reason, the pages show that reason, and a refused or crossed save leaves nothing saved or sent."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from netzwerk import clock
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus
from netzwerk.meetings.services.minutes import save_minutes
from netzwerk.meetings.services.scheduling import (
    MeetingData,
    answer,
    cancel_meeting,
    change_meeting,
    register_guest,
    remind_unanswered,
)
from tests import factories
from tests.answers import add_meeting
from tests.conftest import csrf_token_from, login, post_form


@pytest.fixture
def crowd(app, make_user):
    """A group of four members, none of them leads."""
    people = [make_user(name=f"Person {n}") for n in range(4)]
    return factories.create(app, factories.group, name="AK Innovation", is_public=True, members=people), people


@pytest.fixture
def lead(app, make_user, crowd):
    group_id, _people = crowd
    lead = make_user(name="Lea Leitung")
    factories.create(app, factories.membership, group_id, lead, role="lead")
    return lead


def cancelled(app, meeting_id: int) -> int:
    with app.app_context():
        db.session.get(Meeting, meeting_id).status = MeetingStatus.CANCELLED
        db.session.commit()
    return meeting_id


def data_of(meeting: Meeting, **changes) -> MeetingData:
    names = MeetingData.__dataclass_fields__
    return MeetingData(**({name: getattr(meeting, name) for name in names} | changes))


def outbox_size() -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail))


def first_invitation(meeting: Meeting) -> Invitation:
    return db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting.id).order_by(Invitation.id))


REFUSALS = {
    "answer, cancelled": (
        "cancelled",
        lambda meeting, user: answer(first_invitation(meeting), Answer.YES),
        Finished,
        "abgesagt; Antworten sind nicht mehr möglich",
    ),
    "answer, begun": (
        "begun",
        lambda meeting, user: answer(first_invitation(meeting), Answer.YES),
        Finished,
        "begonnen; Antworten sind nicht mehr möglich",
    ),
    "reminder, cancelled": ("cancelled", lambda meeting, user: remind_unanswered(meeting), Finished, "abgesagt"),
    "reminder, begun": ("begun", lambda meeting, user: remind_unanswered(meeting), Finished, "bereits begonnen"),
    "guest, not open to guests": (
        "ahead",
        lambda meeting, user: register_guest(meeting, user),
        NotAllowed,
        "keine Anmeldung als Gast vorgesehen",
    ),
    "guest, cancelled": (
        "cancelled guests",
        lambda meeting, user: register_guest(meeting, user),
        Finished,
        "Anmeldung als Gast ist nicht mehr möglich",
    ),
    "change, cancelled": (
        "cancelled",
        lambda meeting, user: change_meeting(meeting, data_of(meeting, title="Neu")),
        Finished,
        "kann nicht mehr geändert werden",
    ),
    "cancel, cancelled": ("cancelled", lambda meeting, user: cancel_meeting(meeting), Finished, "bereits abgesagt"),
    "minutes, ahead": (
        "ahead",
        lambda meeting, user: save_minutes(meeting, {}, "Protokoll", "", [], publish=True),
        NotAllowed,
        "ab Beginn der Sitzung",
    ),
}


@pytest.mark.parametrize(("state", "step", "error", "reason"), REFUSALS.values(), ids=REFUSALS.keys())
def test_the_services_refuse_what_the_meetings_state_no_longer_allows(
    app, crowd, make_user, state, step, error, reason
):
    group_id, people = crowd
    guest = make_user(name="Gerda Gast", role="partner")
    meeting_id = add_meeting(
        app, group_id, people, guests_allowed="guests" in state, days=-1 if state == "begun" else 7
    )
    if state.startswith("cancelled"):
        cancelled(app, meeting_id)
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        meeting = db.session.get(Meeting, meeting_id)
        with pytest.raises(error, match=reason):
            step(meeting, db.session.get(type(guest), guest.id))
        assert first_invitation(meeting).answer is None and outbox_size() == 0
        assert meeting.title == "Werkstattgespräch" and meeting.minutes == ""


def other_save_of(meeting: Meeting) -> None:
    """Someone else saved the meeting since it was read here: its version in the database moved on."""
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(version=Meeting.version + 1)
        .execution_options(synchronize_session=False)
    )


CROSSED = {
    "change": lambda meeting: change_meeting(meeting, data_of(meeting, title="Neu", place="Rathaus")),
    "cancel": lambda meeting: cancel_meeting(meeting, "Krankheit"),
    "minutes": lambda meeting: save_minutes(meeting, {}, "Meine Fassung", "", [], publish=True),
}


@pytest.mark.parametrize("save", CROSSED.values(), ids=CROSSED.keys())
def test_a_crossed_save_is_a_conflict_before_any_mail_is_queued(app, crowd, save):
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people, days=-1 if save is CROSSED["minutes"] else 7)
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        meeting = db.session.get(Meeting, meeting_id)
        other_save_of(meeting)
        with pytest.raises(Conflict, match="gleichzeitig von jemand anderem geändert"):
            save(meeting)
        assert outbox_size() == 0  # rolled back: the session works on
        stored = db.session.get(Meeting, meeting_id)
        assert (stored.title, stored.status, stored.minutes) == ("Werkstattgespräch", MeetingStatus.SCHEDULED, "")


def test_a_second_guest_registration_of_the_same_person_is_a_conflict(app, crowd, make_user):
    group_id, people = crowd
    guest = make_user(name="Gerda Doppelklick", role="partner")
    meeting_id = add_meeting(app, group_id, people, guests_allowed=True)
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        meeting, user = db.session.get(Meeting, meeting_id), db.session.get(type(guest), guest.id)
        register_guest(meeting, user)
        with pytest.raises(Conflict, match="Sie sind bereits angemeldet"):
            register_guest(meeting, user)


def detail_token(client, meeting_id: int) -> str:
    return csrf_token_from(client.get(f"/termine/{meeting_id}").text)


def test_an_answer_in_the_app_after_the_start_shows_why_it_is_refused(app, crowd):
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people, days=-1)
    client = app.test_client()
    login(client, people[0].email)
    token = detail_token(client, meeting_id)
    response = client.post(f"/termine/{meeting_id}/antwort", data={"answer": "yes", "csrf_token": token})
    assert response.status_code == 409 and "Die Sitzung hat bereits begonnen; Antworten" in response.text


def test_the_lead_sees_why_a_cancelled_meeting_cannot_be_changed_or_reminded(app, crowd, lead, mailbox):
    group_id, people = crowd
    meeting_id = cancelled(app, add_meeting(app, group_id, people))
    client = app.test_client()
    login(client, lead.email)
    page = client.get(f"/termine/{meeting_id}/bearbeiten")
    assert page.status_code == 409 and "abgesagt und kann nicht mehr geändert werden" in page.text
    token = detail_token(client, meeting_id)
    reminded = client.post(f"/termine/{meeting_id}/erinnern", data={"csrf_token": token})
    assert reminded.status_code == 409 and "es gibt nichts mehr zu erinnern" in reminded.text
    again = client.get(f"/termine/{meeting_id}/absagen", follow_redirects=True)
    assert "Diese Sitzung ist bereits abgesagt." in again.text
    assert mailbox.messages == []


def test_a_reminder_after_the_start_is_refused_with_the_reason(app, crowd, lead, mailbox):
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people, days=-1)
    client = app.test_client()
    login(client, lead.email)
    token = detail_token(client, meeting_id)
    response = client.post(f"/termine/{meeting_id}/erinnern", data={"csrf_token": token})
    assert response.status_code == 409 and "an die Antwort kann nicht mehr erinnert werden" in response.text
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("guests", "cancel", "status", "reason"),
    [
        (False, False, 403, "keine Anmeldung als Gast vorgesehen"),
        (True, True, 409, "abgesagt; eine Anmeldung als Gast ist nicht mehr möglich"),
    ],
    ids=["not open to guests", "cancelled"],
)
def test_a_guest_registration_that_is_refused_says_why(app, crowd, mailbox, guests, cancel, status, reason):
    """A member who joined after the meeting was scheduled sees it, uninvited, and may try to register."""
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, [], guests_allowed=guests)
    if cancel:
        cancelled(app, meeting_id)
    client = app.test_client()
    login(client, people[0].email)
    response = post_form(client, f"/termine/{meeting_id}/gast", {}, get_url=f"/termine/{meeting_id}")
    assert response.status_code == status and reason in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert mailbox.messages == []


def test_a_waiting_list_place_given_up_mails_the_next_one_after_the_save(app, crowd, mailbox):
    """The moved-up mail is queued by the service and leaves with the request's commit, not before."""
    group_id, people = crowd
    meeting_id = add_meeting(app, group_id, people[:2], capacity=1)
    for person in people[:2]:
        client = app.test_client()
        login(client, person.email)
        post_form(client, f"/termine/{meeting_id}/antwort", {"answer": "yes"}, get_url=f"/termine/{meeting_id}")
    mailbox.messages.clear()
    client = app.test_client()
    login(client, people[0].email)
    post_form(client, f"/termine/{meeting_id}/antwort", {"answer": "no"}, get_url=f"/termine/{meeting_id}")
    assert [message["To"] for message in mailbox.messages] == [people[1].email]
    with app.app_context():
        mail = db.session.scalar(select(OutgoingMail).where(OutgoingMail.kind == "waitlist_moved_up"))
        assert mail.status == MailStatus.SENT and clock.now() - mail.created_at < timedelta(minutes=1)
