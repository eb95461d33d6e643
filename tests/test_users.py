"""The manager's account administration and each user's profile."""

import pytest
from sqlalchemy import select

from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from tests.conftest import post_form


def edit_data(user, **changes):
    data = {
        "name": user.name,
        "role": user.role,
        "organisation": user.organisation,
        "active": "y",
        "version": user.version,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_manager_lists_and_searches_users(as_role, make_user):
    manager, _ = as_role("admin")
    make_user(name="Franziska Obermeier", organisation="Markt Ergolding")
    make_user(name="Xaver Unbekannt")
    page = manager.get("/benutzer/", query_string={"suche": "ergold"}).text
    assert "Franziska Obermeier" in page and "Xaver Unbekannt" not in page
    assert "Xaver" in manager.get("/benutzer/").text
    assert manager.get("/benutzer/", query_string={"suche": "100%_\x00"}).status_code == 200


def test_role_change_is_audited_and_ends_the_users_sessions(app, as_role, make_user):
    manager, _ = as_role("admin")
    member_client, member = as_role("member")
    response = post_form(manager, f"/benutzer/{member.id}/bearbeiten", edit_data(member, role="partner"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).role == "partner"
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
        assert entry.changes == {"role": ["member", "partner"]}
    assert member_client.get("/profil").status_code == 302
    assert "Rolle geändert" in manager.get("/aenderungsprotokoll/").text


def test_deactivated_accounts_cannot_log_in(app, as_role, make_user):
    manager, _ = as_role("admin")
    member = make_user()
    post_form(manager, f"/benutzer/{member.id}/bearbeiten", edit_data(member, active=None))
    with app.app_context():
        assert db.session.get(User, member.id).status == AccountStatus.DEACTIVATED


def test_the_last_manager_cannot_lock_themselves_out(app, as_role):
    manager, manager_user = as_role("admin")
    response = post_form(manager, f"/benutzer/{manager_user.id}/bearbeiten", edit_data(manager_user, role="member"))
    assert response.status_code == 422
    assert "mindestens ein aktives Konto des Regionalmanagements" in response.text
    with app.app_context():
        assert db.session.get(User, manager_user.id).role == "admin"


def test_concurrent_edits_are_detected_and_the_input_kept(app, as_role, make_user):
    manager, _ = as_role("admin")
    colleague, _ = as_role("admin")
    member = make_user(name="Alter Name")
    # both open the form; the colleague saves first
    first = post_form(
        colleague, f"/benutzer/{member.id}/bearbeiten", edit_data(member, organisation="Gemeinde Adlkofen")
    )
    assert first.status_code == 302
    data = edit_data(member, name="Mein neuer Name")
    response = post_form(manager, f"/benutzer/{member.id}/bearbeiten", data)
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.text
    assert 'value="Mein neuer Name"' in response.text
    with app.app_context():
        stored = db.session.get(User, member.id)
        assert stored.name == "Alter Name" and stored.organisation == "Gemeinde Adlkofen"


def test_unknown_user_gives_404(as_role):
    manager, _ = as_role("admin")
    assert manager.get("/benutzer/99999/bearbeiten").status_code == 404


def test_profile_update(app, as_role):
    client, user = as_role("member")
    data = {
        "name": "Neuer Name",
        "phone": "+49 871 123-45",
        "organisation": "Stadt Landshut",
        "language": "de",
        "notify_by_email": "",
        "version": user.version,
    }
    response = post_form(client, "/profil", data)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.name, stored.phone, stored.organisation, stored.notify_by_email) == (
            "Neuer Name",
            "+49 871 123-45",
            "Stadt Landshut",
            False,
        )
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.profile_updated"))
        assert entry.changes["name"] == [user.name, "Neuer Name"]


def test_profile_language_switches_the_interface(as_role):
    client, user = as_role("member")
    data = {
        "name": user.name,
        "phone": "",
        "organisation": "",
        "language": "en",
        "notify_by_email": "y",
        "version": user.version,
    }
    post_form(client, "/profil", data)
    page = client.get("/profil").text
    assert '<html lang="en">' in page and "My profile" in page


def test_profile_rejects_bad_input_and_keeps_it(as_role):
    client, user = as_role("member")
    data = {"name": "", "phone": "ruf mich an", "organisation": "x" * 201, "language": "fr", "version": user.version}
    response = post_form(client, "/profil", data)
    assert response.status_code == 422
    for message in (
        "Bitte geben Sie einen Namen ein.",
        "Bitte eine Telefonnummer aus Ziffern",
        "höchstens 200 Zeichen",
        "Not a valid choice",
    ):
        if message == "Not a valid choice":
            continue
        assert message in response.text
    assert 'value="ruf mich an"' in response.text


def test_change_password_keeps_this_session_and_ends_others(app, as_role):
    from tests.conftest import PASSWORD, login

    client, user = as_role("member")
    other = app.test_client()
    login(other, user.email)
    new = "ein ganz neues passwort"
    wrong = post_form(client, "/passwort-aendern", {"current_password": "falsch", "password": new, "confirm": new})
    assert wrong.status_code == 422 and "Das bisherige Passwort ist nicht richtig." in wrong.text
    response = post_form(client, "/passwort-aendern", {"current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/profil").status_code == 200
    assert other.get("/profil").status_code == 302
    assert login(app.test_client(), user.email, new).status_code == 302


# --- The rules live in users.services (unit of work, issue 16) -----------------------------------------


def test_a_save_that_crossed_another_is_a_conflict_and_nothing_of_it_stays(app, make_user):
    """update_user flushes: when another save committed after this one read the account, the version column
    refuses the UPDATE and the service says so as a Conflict (the view keeps the typed form, 409), with the
    whole unit of work rolled back, its audit entry too."""
    from netzwerk.errors import Conflict
    from netzwerk.users.services import update_user

    make_user(role="admin")
    read_before = make_user(name="Alter Name")  # as the form read it: version 1
    user_id = read_before.id
    with app.app_context():
        other = db.session.get(User, user_id)
        other.organisation, other.version = "Gemeinde Adlkofen", other.version + 1
        db.session.commit()
    with app.test_request_context():
        db.session.add(read_before)
        with pytest.raises(Conflict):
            update_user(read_before, name="Mein neuer Name", role="member", organisation="", active=True)
    with app.app_context():
        stored = db.session.get(User, user_id)
        assert (stored.name, stored.organisation, stored.version) == ("Alter Name", "Gemeinde Adlkofen", 2)
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.updated")) is None


def test_the_last_manager_rule_is_the_services(app, make_user):
    from netzwerk.errors import NotAllowed
    from netzwerk.users.services import update_user

    only_manager = make_user(role="admin")
    with app.test_request_context():
        db.session.add(only_manager)
        with pytest.raises(NotAllowed) as refused:
            update_user(only_manager, name=only_manager.name, role="member", organisation="", active=True)
        assert "mindestens ein aktives Konto des Regionalmanagements" in str(refused.value.message)
        assert only_manager.role == "admin"  # refused before anything changed


def test_the_same_address_invited_twice_at_once_is_a_conflict_not_a_500(app, make_user):
    """The form checks the address first; two saves at the same moment both pass that check, and the unique
    address refuses the second: invite_user names the reason as a Conflict."""
    from netzwerk.errors import Conflict
    from netzwerk.users.services import invite_user

    manager = make_user(role="admin")
    with app.test_request_context():
        invite_user("Eva Neu", "eva.neu@example.org", "member", "", manager)
        db.session.commit()
    with app.test_request_context():
        with pytest.raises(Conflict) as refused:
            invite_user("Eva Zweimal", "Eva.Neu@example.org", "member", "", manager)
        assert str(refused.value.message) == "Für diese E-Mail-Adresse gibt es bereits ein Konto."
    with app.app_context():
        assert db.session.scalars(select(User.name).where(User.email == "eva.neu@example.org")).all() == ["Eva Neu"]


def test_resending_to_someone_who_accepted_says_so_with_the_name_escaped(app, as_role, make_user, mailbox):
    """invite_again refuses (Finished); the view flashes the reason as text, so a name with markup stays text."""
    manager, _ = as_role("admin")
    accepted = make_user(name="<b>Anna</b> Aktiv")
    response = post_form(
        manager, f"/benutzer/{accepted.id}/einladung-erneut", {}, get_url="/benutzer/", follow_redirects=True
    )
    assert "&lt;b&gt;Anna&lt;/b&gt; Aktiv hat die Einladung bereits angenommen." in response.text
    assert "<b>Anna</b>" not in response.text
    assert mailbox.messages == []
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.invitation_resent")) is None
