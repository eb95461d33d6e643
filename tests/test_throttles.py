"""Abuse of the public forms: guest registration, accessibility feedback, password reset, the answer links and
the one-click unsubscribe links are throttled per client address through the real routes, like the login.

Each: the limit's uses pass, the next one is a 429 with Retry-After and the shared German message on the page
(with what was typed); another address is not affected; once the stored uses are older than the window (moved
back, not slept), the address is allowed again."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.auth.models import ThrottleAttempt
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from tests import factories
from tests.conftest import csrf_token_from, login, post_form

LIMIT = 2
LIMITS = {
    "GUEST_MAX_PER_ADDRESS": LIMIT,
    "FEEDBACK_MAX_PER_ADDRESS": LIMIT,
    "RESET_MAX_PER_ADDRESS": LIMIT,
    "ANSWER_LINK_MAX_PER_ADDRESS": LIMIT,
    "UNSUBSCRIBE_MAX_PER_ADDRESS": LIMIT,
}
ATTACKER, NEIGHBOUR = "198.51.100.7", "203.0.113.9"
MESSAGE = "Zu viele Versuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut."

pytestmark = pytest.mark.parametrize("app", [LIMITS], indirect=True)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_throttled(app, response) -> None:
    assert response.status_code == 429, response.status_code
    assert MESSAGE in response.text
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= app.config["THROTTLE_WINDOW"].total_seconds()
    assert "Traceback" not in response.text


def let_the_window_pass(app, kind: str) -> None:
    """Move this kind's stored uses back by one window (instead of waiting 15 minutes)."""
    with app.app_context():
        for attempt in db.session.scalars(select(ThrottleAttempt).where(ThrottleAttempt.key.startswith(f"{kind}:"))):
            attempt.created_at = attempt.created_at - app.config["THROTTLE_WINDOW"] - timedelta(seconds=1)
        db.session.commit()


def stored_keys(app, kind: str) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(ThrottleAttempt.key).where(ThrottleAttempt.key.startswith(f"{kind}:"))))


def open_meetings(app, count: int, invited=()) -> list[int]:
    start = (clock.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    with app.app_context():
        group = factories.group(name="AK Offen", is_public=True)
        meetings = [
            factories.meeting(group, title=f"Werkstatt {n}", starts_at=start, guests_allowed=True) for n in range(count)
        ]
        for user in invited:
            factories.invitation(meetings[0], user)
        db.session.commit()
        return [meeting.id for meeting in meetings]


def test_guest_registration(app, make_user, mailbox):
    meetings = open_meetings(app, LIMIT + 1)
    guest = make_user(role="partner")
    attacker = client_at(app, ATTACKER)
    login(attacker, guest.email)
    for meeting_id in meetings[:LIMIT]:
        response = post_form(attacker, f"/termine/{meeting_id}/gast", {}, get_url=f"/termine/{meeting_id}")
        assert response.status_code == 302
    last = meetings[LIMIT]
    response = post_form(attacker, f"/termine/{last}/gast", {}, get_url=f"/termine/{last}")
    assert_throttled(app, response)
    assert "Als Gast anmelden" in response.text  # the button is shown again
    with app.app_context():
        assert db.session.scalar(select(Invitation).where(Invitation.meeting_id == last)) is None
    neighbour = client_at(app, NEIGHBOUR)
    login(neighbour, make_user(role="partner").email)
    assert post_form(neighbour, f"/termine/{last}/gast", {}, get_url=f"/termine/{last}").status_code == 302
    let_the_window_pass(app, "guest")
    assert post_form(attacker, f"/termine/{last}/gast", {}, get_url=f"/termine/{last}").status_code == 302
    assert stored_keys(app, "guest") == {f"guest:address:{ATTACKER}", f"guest:address:{NEIGHBOUR}"}


def test_accessibility_feedback(app, as_role, mailbox):
    as_role("admin")  # someone receives the feedback
    attacker = client_at(app, ATTACKER)
    for n in range(LIMIT):
        assert post_form(attacker, "/barrierefreiheit", {"message": f"Barriere {n}"}).status_code == 302
    response = post_form(attacker, "/barrierefreiheit", {"message": "Der Kontrast ist zu schwach", "name": "Eva"})
    assert_throttled(app, response)
    assert "Der Kontrast ist zu schwach" in response.text and 'value="Eva"' in response.text
    assert post_form(client_at(app, NEIGHBOUR), "/barrierefreiheit", {"message": "andere"}).status_code == 302
    let_the_window_pass(app, "feedback")
    assert post_form(attacker, "/barrierefreiheit", {"message": "wieder"}).status_code == 302


def test_password_reset_request(app, make_user, mailbox):
    attacker = client_at(app, ATTACKER)
    for n in range(LIMIT):  # different addresses each time: the address limit, not the account's, applies
        response = post_form(attacker, "/passwort-vergessen", {"email": f"probe{n}@example.org"})
        assert response.status_code == 302
    response = post_form(attacker, "/passwort-vergessen", {"email": "opfer@example.org"})
    assert_throttled(app, response)
    assert 'value="opfer@example.org"' in response.text
    user = make_user()
    assert post_form(client_at(app, NEIGHBOUR), "/passwort-vergessen", {"email": user.email}).status_code == 302
    let_the_window_pass(app, "reset")
    assert post_form(attacker, "/passwort-vergessen", {"email": user.email}).status_code == 302


def test_answer_links(app, make_user, mailbox):
    from netzwerk.meetings.services.tokens import answer_token

    member = make_user()
    (meeting_id,) = open_meetings(app, 1, invited=[member])
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.meeting_id == meeting_id))
        link = f"/antwort/{answer_token(invitation)}"
    attacker = client_at(app, ATTACKER)
    page = attacker.get(link)  # reading the page is never counted
    guessed = "/antwort/geraten-" + "x" * 30, {"csrf_token": csrf_token_from(page.text), "answer": "yes"}
    assert attacker.post(guessed[0], data=guessed[1]).status_code == 400  # a guessed link counts
    assert post_form(attacker, link, {"answer": "yes"}).status_code == 302
    response = post_form(attacker, link, {"answer": "no", "comment": "Bin krank"})
    assert_throttled(app, response)
    assert 'value="Bin krank"' in response.text
    assert_throttled(app, attacker.post(guessed[0], data=guessed[1]))
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).answer == "yes"  # the throttled answer changed nothing
    assert post_form(client_at(app, NEIGHBOUR), link, {"answer": "maybe"}).status_code == 302
    let_the_window_pass(app, "answer")
    assert post_form(attacker, link, {"answer": "no"}).status_code == 302
    with app.app_context():
        assert db.session.get(Invitation, invitation.id).answer == "no"


def test_one_click_unsubscribe_links(app, make_user):
    from netzwerk.auth.models import User
    from netzwerk.unsubscribe.services import CATEGORIES, unsubscribe_token

    member = make_user(weekly_digest=True, poll_reminders=True)
    with app.app_context():
        digest = f"/abmelden/{unsubscribe_token(member.id, CATEGORIES['wochenuebersicht'])}"
        polls = f"/abmelden/{unsubscribe_token(member.id, CATEGORIES['umfrage'])}"
    attacker = client_at(app, ATTACKER)
    assert attacker.get(polls).status_code == 200  # not counted
    for _ in range(LIMIT):
        assert attacker.post(digest, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    response = attacker.post(polls, data={"List-Unsubscribe": "One-Click"})
    assert_throttled(app, response)
    assert "Abbestellen" in response.text  # the button again
    with app.app_context():
        assert db.session.get(User, member.id).poll_reminders is True
    assert_throttled(app, attacker.post("/abmelden/falsch"))
    assert client_at(app, NEIGHBOUR).post(polls, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert db.session.get(User, member.id).poll_reminders is False
    let_the_window_pass(app, "unsubscribe")
    assert attacker.post(digest, data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_login_shows_the_same_message_with_retry_after(app, make_user):
    user = make_user()
    attacker = client_at(app, ATTACKER)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert login(attacker, user.email, "falsches passwort 123").status_code == 422
    response = login(attacker, user.email)
    assert_throttled(app, response)
    assert f'value="{user.email}"' in response.text
    let_the_window_pass(app, "login")
    assert login(attacker, user.email).status_code == 302


def test_retry_after_counts_down_from_the_oldest_use_that_still_counts(app, make_user):
    """Moved 10 minutes back, the uses leave the 15-minute window in about 5 minutes."""
    attacker = client_at(app, ATTACKER)
    for n in range(LIMIT):
        post_form(attacker, "/passwort-vergessen", {"email": f"probe{n}@example.org"})
    with app.app_context():
        for attempt in db.session.scalars(select(ThrottleAttempt).where(ThrottleAttempt.key.startswith("reset:"))):
            attempt.created_at -= timedelta(minutes=10)
        db.session.commit()
    page = attacker.get("/passwort-vergessen")
    response = attacker.post(
        "/passwort-vergessen", data={"csrf_token": csrf_token_from(page.text), "email": "x@example.org"}
    )
    assert response.status_code == 429
    assert 4 * 60 < int(response.headers["Retry-After"]) <= 5 * 60
    assert "Bitte warten Sie 5 Minuten" in response.text
