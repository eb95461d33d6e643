"""Password reset by email: the same answer for every address, a single-use link valid for one hour."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from netzwerk.auth.models import UserToken
from netzwerk.extensions import db
from tests.conftest import PASSWORD, login, post_form, run_outbox

NEW_PASSWORD = "frisch gesetztes passwort"
ANSWER = "Wenn zu dieser Adresse ein Konto besteht, haben wir Ihnen eine E-Mail"


def request_reset(client, email):
    response = post_form(client, "/passwort-vergessen", {"email": email}, follow_redirects=True)
    run_outbox(client.application)  # the scheduler sends reset mails
    return response


def test_reset_for_an_existing_account(app, client, make_user, mailbox):
    user = make_user(email="vergesslich@example.org")
    assert ANSWER in request_reset(client, user.email).text
    (message,) = mailbox.messages
    assert message["Subject"] == "Neues Passwort für das Netzwerk Landshut"
    link = mailbox.link_in(message, "/passwort-zuruecksetzen/")
    with app.app_context():
        token = db.session.scalar(select(UserToken))
        assert token.expires_at - token.created_at == timedelta(hours=1)
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(app.test_client(), user.email, PASSWORD).status_code == 422
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    replay = app.test_client().get(link)
    assert replay.status_code == 400 and "bereits verwendet" in replay.text


def test_reset_for_an_unknown_or_inactive_account_sends_nothing_and_says_the_same(client, make_user, mailbox):
    invited = make_user(status="invited", password=None)
    for email in ("niemand@example.org", invited.email):
        assert ANSWER in request_reset(client, email).text
    assert mailbox.messages == []


def test_an_expired_reset_link_is_refused(app, client, make_user, mailbox):
    user = make_user()
    request_reset(client, user.email)
    link = mailbox.link_in(mailbox.messages[0], "/passwort-zuruecksetzen/")
    with app.app_context():
        token = db.session.scalar(select(UserToken))
        token.expires_at = token.created_at
        db.session.commit()
    response = client.get(link)
    assert response.status_code == 400 and "abgelaufen" in response.text


def test_a_new_reset_link_replaces_the_older_one(app, client, make_user, mailbox):
    user = make_user()
    request_reset(client, user.email)
    request_reset(client, user.email)
    first, second = (mailbox.link_in(m, "/passwort-zuruecksetzen/") for m in mailbox.messages)
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


def test_reset_requests_are_throttled(client, make_user, mailbox):
    user = make_user()
    for _ in range(5):
        request_reset(client, user.email)
    response = post_form(client, "/passwort-vergessen", {"email": user.email})
    assert response.status_code == 429
    assert "Zu viele Versuche. Bitte warten Sie 15 Minuten" in response.text
    assert len(mailbox.messages) == 5


def test_a_reset_ends_existing_sessions(app, make_user, mailbox):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user.email)
    client = app.test_client()
    request_reset(client, user.email)
    link = mailbox.link_in(mailbox.messages[0], "/passwort-zuruecksetzen/")
    post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert other_device.get("/profil").status_code == 302


@pytest.mark.parametrize("app", [{"WTF_CSRF_ENABLED": False}], indirect=True)
def test_reset_links_ignore_the_host_header(client, make_user, mailbox):
    user = make_user()
    response = client.post("/passwort-vergessen", data={"email": user.email}, headers={"Host": "evil.example"})
    assert response.status_code == 302
    run_outbox(client.application)
    link = mailbox.link_in(mailbox.messages[0], "/passwort-zuruecksetzen/")
    assert link.startswith("http://localhost/passwort-zuruecksetzen/"), link


def test_the_reset_request_itself_sends_nothing(client, make_user, mailbox):
    user = make_user()
    post_form(client, "/passwort-vergessen", {"email": user.email})
    assert mailbox.messages == []  # the same work for existing and unknown addresses; the scheduler sends
    run_outbox(client.application)
    assert len(mailbox.messages) == 1
