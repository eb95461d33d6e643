"""One-click unsubscribe (RFC 8058 + RFC 2369): reminders and digests carry List-Unsubscribe; a POST to the link,
without login or CSRF token, turns that one kind of mail off for that one person; forged links change nothing."""

from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, update

from netzwerk import clock
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import deliver_queued
from tests import factories
from tests.conftest import login, post_form
from tests.test_reminders import add_meeting, local, sweep

RECURRING = ("meeting_reminder", "meeting_answer_reminder", "poll_reminder", "weekly_digest")
PREFERENCES = ("reminder_days", "answer_reminders", "poll_reminders", "weekly_digest", "notify_by_email")


@pytest.fixture
def world(app, make_user):
    people = {"anna": make_user(name="Anna Abmelden", weekly_digest=True), "bert": make_user(name="Bert Bleibt")}
    return factories.create(
        app, factories.group, name="AK Abmelden", short_name="AK A", members=people.values()
    ), people


def add_poll(app, group_id, deadline):
    slots = [(deadline + timedelta(days=9), deadline + timedelta(days=9, hours=2))]
    factories.create(
        app,
        factories.poll,
        group_id,
        title="Sommertreffen",
        deadline=deadline,
        slots=slots,
        created_at=deadline - timedelta(days=20),
    )


def send_everything(app) -> None:
    """The planned mails are due in 2027; send them now."""
    with app.app_context():
        db.session.execute(update(OutgoingMail).values(due_at=clock.now(), expires_at=None))
        db.session.commit()
        deliver_queued()


def preferences(app, user_id) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        return {name: getattr(user, name) for name in PREFERENCES}


def plan_every_kind(app, group_id, people, mailbox) -> dict:
    """A meeting reminder, an answer reminder, a poll reminder and the Monday digest for Anna (2027-06-07 is a
    Monday); returns {kind: message} of the mails she received."""
    add_meeting(app, group_id, people, local("2027-06-10 18:00"), answers={})
    add_poll(app, group_id, local("2027-06-10 12:00"))
    sweep(app, local("2027-06-03 09:00"))  # 7 days before the meeting
    sweep(app, local("2027-06-07 07:00"))  # the digest
    sweep(app, local("2027-06-07 09:00"))  # 3 days before: answer and poll reminders
    send_everything(app)
    return {kind_of(m): m for m in mailbox.messages if m["To"] == people["anna"].email}


def kind_of(message) -> str:
    subject = message["Subject"]
    if subject.startswith("Erinnerung: Bitte antworten"):
        return "meeting_answer_reminder"
    if subject.startswith("Erinnerung an die Terminumfrage"):
        return "poll_reminder"
    if subject.startswith("Erinnerung:"):
        return "meeting_reminder"
    if subject.startswith("Ihre Termine"):
        return "weekly_digest"
    return subject


def test_reminders_and_digests_carry_one_click_unsubscribe_and_say_so_in_the_footer(app, world, mailbox):
    group_id, people = world
    received = plan_every_kind(app, group_id, people, mailbox)
    assert sorted(received) == sorted(RECURRING)
    links = set()
    for kind, message in received.items():
        header = message["List-Unsubscribe"]
        assert header.startswith("<http://localhost/abmelden/") and header.endswith(">"), kind
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click", kind
        url = header[1:-1]
        assert f"Diese Art von E-Mail abbestellen (ohne Anmeldung): {url}" in mailbox.text_of(message), kind
        assert f'href="{url}"' in mailbox.html_of(message), kind
        links.add(url)
    assert len(links) == 4  # one link per kind


def test_the_link_is_built_from_base_url(app, world, mailbox):
    group_id, people = world
    app.config["BASE_URL"] = "https://netzwerk.region-landshut.example/"
    received = plan_every_kind(app, group_id, people, mailbox)
    assert received["weekly_digest"]["List-Unsubscribe"].startswith(
        "<https://netzwerk.region-landshut.example/abmelden/"
    )


def test_a_one_click_post_without_login_turns_off_only_that_kind(app, world, mailbox):
    group_id, people = world
    anna, bert = people["anna"], people["bert"]
    received = plan_every_kind(app, group_id, people, mailbox)
    url = received["meeting_answer_reminder"]["List-Unsubscribe"][1:-1]
    before = preferences(app, anna.id)
    client = app.test_client()  # a mail client: no session, no CSRF token
    page = client.get(url)  # a GET (a link scanner) only asks
    assert page.status_code == 200 and "Erinnerungen an die Antwort auf Einladungen" in page.text
    assert "Abbestellen" in page.text and "/erinnerungen/meine" in page.text
    assert preferences(app, anna.id) == before
    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "erhält Erinnerungen an die Antwort auf Einladungen nicht mehr" in (
        response.text
    )
    assert preferences(app, anna.id) == {**before, "answer_reminders": False}
    assert preferences(app, bert.id)["answer_reminders"] is True
    assert "bereits nicht mehr" in client.get(url).text
    assert client.post(url).status_code == 200  # again: nothing more changes
    with app.app_context():
        (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.unsubscribed"))
        assert entry.actor_id == anna.id and entry.target_id == anna.id
        assert entry.changes == {"answer_reminders": [True, False]}
    # the next meeting: no answer reminder for Anna, but her other mails and Bert's answer reminder still come
    mailbox.messages.clear()
    add_meeting(app, group_id, people, local("2027-07-08 18:00"), answers={})
    planned = sweep(app, local("2027-07-01 09:00")) + sweep(app, local("2027-07-05 09:00"))
    assert ("meeting_answer_reminder", anna.email) not in planned
    assert ("meeting_answer_reminder", bert.email) in planned
    assert ("meeting_reminder", anna.email) in planned
    assert ("weekly_digest", anna.email) in planned  # 2027-07-05 is a Monday too


def test_each_kind_can_be_turned_off_and_the_sweep_honours_it(app, world, mailbox):
    group_id, people = world
    anna = people["anna"]
    received = plan_every_kind(app, group_id, people, mailbox)
    client = app.test_client()
    for kind in ("meeting_reminder", "poll_reminder", "weekly_digest"):
        assert client.post(received[kind]["List-Unsubscribe"][1:-1]).status_code == 200
    prefs = preferences(app, anna.id)
    assert (prefs["reminder_days"], prefs["poll_reminders"], prefs["weekly_digest"]) == ("-", False, False)
    assert prefs["answer_reminders"] is True and prefs["notify_by_email"] is True
    add_meeting(app, group_id, people, local("2027-07-08 18:00"), answers={})
    add_poll(app, group_id, local("2027-07-08 12:00"))
    planned = sweep(app, local("2027-07-01 09:00")) + sweep(app, local("2027-07-05 07:00"))
    planned += sweep(app, local("2027-07-05 09:00"))
    mine = sorted(kind for kind, email in planned if email == anna.email)
    assert mine == ["meeting_answer_reminder"]
    assert ("poll_reminder", people["bert"].email) in planned


def test_manual_reminders_of_a_lead_respect_the_choice(app, world, mailbox):
    from netzwerk.meetings.models import Meeting
    from netzwerk.meetings.services.scheduling import remind_unanswered

    group_id, people = world
    meeting_id = add_meeting(app, group_id, people, clock.now() + timedelta(days=5), answers={})
    with app.app_context():
        db.session.get(User, people["anna"].id).answer_reminders = False
        db.session.commit()
    with app.test_request_context():
        reminded = remind_unanswered(db.session.get(Meeting, meeting_id))
        assert [user.email for user in reminded] == [people["bert"].email]


def forge(app, payload, salt="one-click-unsubscribe", key=None) -> str:
    return URLSafeSerializer(key or app.config["SECRET_KEY"], salt=salt).dumps(payload)


def test_forged_foreign_and_altered_links_are_refused_and_change_nothing(app, world, mailbox):
    group_id, people = world
    anna, bert = people["anna"], people["bert"]
    received = plan_every_kind(app, group_id, people, mailbox)
    token = received["weekly_digest"]["List-Unsubscribe"][1:-1].rsplit("/", 1)[1]
    payload, _, signature = token.partition(".")
    with app.app_context():
        from netzwerk.meetings.models import Invitation
        from netzwerk.meetings.services.tokens import answer_token

        answer_link = answer_token(db.session.scalar(select(Invitation).where(Invitation.user_id == anna.id)))
    bad_tokens = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature altered
        forge(app, {"u": bert.id, "k": "wochenuebersicht"}, key="x" * 48),  # Bert, signed with another key
        forge(app, {"u": bert.id, "k": "wochenuebersicht"}, salt="meeting-answer"),  # another purpose's salt
        forge(app, {"u": anna.id, "k": "alles"}),  # a category that does not exist
        forge(app, {"u": str(anna.id), "k": "wochenuebersicht"}),
        forge(app, [anna.id, "wochenuebersicht"]),
        forge(app, {"u": 999_999, "k": "wochenuebersicht"}),
        answer_link,  # the answer link's token is no unsubscribe link
        "x" * 40,
        "%00",
        ".".join([payload, signature, "x"]),
    ]
    # Anna's digest link with Bert's id or another kind in the payload: the signature no longer fits
    import base64
    import json

    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for changed in ({**decoded, "u": bert.id}, {**decoded, "k": "antwort"}):
        raw = base64.urlsafe_b64encode(json.dumps(changed, separators=(",", ":")).encode()).rstrip(b"=").decode()
        bad_tokens.append(f"{raw}.{signature}")
    before = {person.id: preferences(app, person.id) for person in (anna, bert)}
    client = app.test_client()
    for bad in bad_tokens:
        for method in ("GET", "POST"):
            response = client.open(f"/abmelden/{bad}", method=method, data="List-Unsubscribe=One-Click")
            assert response.status_code in (400, 404), (bad, method)
            if response.status_code == 400:
                assert "Dieser Abmelde-Link ist ungültig; es wurde nichts geändert." in response.text
    assert {person.id: preferences(app, person.id) for person in (anna, bert)} == before
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.unsubscribed")) is None


def test_only_this_route_skips_the_csrf_check(app, world, as_role):
    client, user = as_role("member")
    response = client.post("/erinnerungen/meine", data={"version": "1", "weekly_digest": "y"})
    assert response.status_code == 400 and "Sicherheitsmerkmal fehlt" in response.text
    with app.app_context():
        assert db.session.get(User, user.id).weekly_digest is False


def test_people_turn_the_switches_back_on_in_their_settings(app, world):
    anna = world[1]["anna"]
    with app.app_context():
        user = db.session.get(User, anna.id)
        user.answer_reminders = user.poll_reminders = False
        db.session.commit()
        version = user.version
    client = app.test_client()
    login(client, anna.email)
    page = client.get("/erinnerungen/meine").text
    assert "An die Antwort erinnern" in page and "An Terminumfragen erinnern" in page
    data = {"version": str(version), "reminder_days": ["7", "1"], "answer_reminders": "y", "poll_reminders": "y"}
    assert post_form(client, "/erinnerungen/meine", data).status_code == 302
    prefs = preferences(app, anna.id)
    assert prefs["answer_reminders"] is True and prefs["poll_reminders"] is True and prefs["weekly_digest"] is False
