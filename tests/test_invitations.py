"""The manager invites by email; the single-use link expires after 7 days and sets the password."""

from datetime import timedelta

from sqlalchemy import select

from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import AccountStatus, User, UserToken
from netzwerk.extensions import db
from tests.conftest import login, post_form

NEW_PASSWORD = "regionale zusammenarbeit zählt"


def invite(client, **fields):
    data = {"name": "Eva Neu", "email": "eva.neu@example.org", "role": "member", "organisation": "LINK e.V."}
    data.update(fields)
    return post_form(client, "/benutzer/einladen", data)


def test_manager_invites_and_the_invitee_sets_a_password(app, as_role, mailbox):
    manager, manager_user = as_role("admin")
    response = invite(manager)
    assert response.status_code == 302
    assert "Die Einladung an eva.neu@example.org ist verschickt" in manager.get("/benutzer/").text

    (message,) = mailbox.messages
    assert message["To"] == "eva.neu@example.org"
    assert message["Subject"] == "Einladung in das Netzwerk Landshut"
    assert message["Message-ID"]
    text, html = mailbox.text_of(message), mailbox.html_of(message)
    assert "Guten Tag Eva Neu," in text and manager_user.name in text
    assert "Passwort festlegen" in html
    link = mailbox.link_in(message, "/einladung/")

    invitee = app.test_client()
    page = invitee.get(link)
    assert page.status_code == 200 and "Willkommen, Eva Neu" in page.text
    response = post_form(invitee, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    # first the privacy notice (netzwerk/privacy), then the tool
    assert "/datenschutz/bestaetigen" in invitee.get("/").headers["Location"]
    post_form(invitee, "/datenschutz/bestaetigen", {"acknowledged": "y"})
    assert "Meine nächsten Termine" in invitee.get("/").text

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "eva.neu@example.org"))
        assert user.status == AccountStatus.ACTIVE and user.organisation == "LINK e.V."
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "user.invited" in actions and "user.invitation_accepted" in actions
    assert login(app.test_client(), "eva.neu@example.org", NEW_PASSWORD).status_code == 302


def test_an_invitation_link_works_only_once(app, as_role, mailbox):
    manager, _ = as_role("admin")
    invite(manager)
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    first = app.test_client()
    assert post_form(first, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    replay = app.test_client().get(link)
    assert replay.status_code == 400
    assert "Dieser Link wurde bereits verwendet" in replay.text


def test_an_expired_invitation_is_refused(app, as_role, mailbox):
    manager, _ = as_role("admin")
    invite(manager)
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    with app.app_context():
        token = db.session.scalar(select(UserToken))
        assert token.expires_at - token.created_at == timedelta(days=7)
        token.expires_at = token.created_at - timedelta(seconds=1)
        db.session.commit()
    response = app.test_client().get(link)
    assert response.status_code == 400
    assert "Dieser Link ist abgelaufen." in response.text


def test_a_blocked_invitee_is_told_so(app, as_role, make_user, mailbox):
    manager, _ = as_role("admin")
    invite(manager)
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "eva.neu@example.org")).status = AccountStatus.DEACTIVATED
        db.session.commit()
    response = app.test_client().get(link)
    assert response.status_code == 400 and "Dieses Konto ist gesperrt." in response.text


def test_a_wrong_token_is_refused(client):
    for token in ("x" * 43, "kurz", "a" * 500, "%00" * 30):
        response = client.get(f"/einladung/{token}")
        assert response.status_code in (400, 404)
        if response.status_code == 400:
            assert "Dieser Link ist ungültig" in response.text


def test_resending_replaces_the_old_link(app, as_role, mailbox):
    manager, _ = as_role("admin")
    invite(manager)
    old_link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "eva.neu@example.org"))
    response = post_form(manager, f"/benutzer/{user_id}/einladung-erneut", {}, get_url="/benutzer/")
    assert response.status_code == 302
    new_link = mailbox.link_in(mailbox.messages[1], "/einladung/")
    assert new_link != old_link
    assert app.test_client().get(old_link).status_code == 400
    assert app.test_client().get(new_link).status_code == 200


def test_invite_refuses_an_existing_address_and_keeps_the_input(as_role, make_user, mailbox):
    manager, _ = as_role("admin")
    make_user(email="schon.da@example.org")
    response = invite(manager, email="Schon.Da@example.org", name="Zweiter Versuch")
    assert response.status_code == 422
    assert "Für diese E-Mail-Adresse gibt es bereits ein Konto." in response.text
    assert 'value="Zweiter Versuch"' in response.text
    assert mailbox.messages == []


def test_invitation_password_rules(app, as_role, mailbox):
    manager, _ = as_role("admin")
    invite(manager)
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    invitee = app.test_client()
    cases = {
        "kurz": "mindestens 12 Zeichen",
        "qwerty123456": "häufig verwendeten Passwörtern",
        "passwordpassword": "leicht zu erraten",
        "eva.neu@example.org": "leicht zu erraten",
        "aaaaaaaaaaaaaaaa": "leicht zu erraten",
    }
    for password, message in cases.items():
        response = post_form(invitee, link, {"password": password, "confirm": password})
        assert response.status_code == 422, password
        assert message in response.text, password
    mismatch = post_form(invitee, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "Die beiden Passwörter stimmen nicht überein." in mismatch.text
    # a long passphrase without digits or capitals is fine: no composition rules
    assert post_form(invitee, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
