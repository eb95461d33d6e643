"""Bad input on every form: a clear German message or 400/403/404, never a 500, nothing lost."""

import pytest
from sqlalchemy.orm.exc import StaleDataError

from netzwerk.auth.permissions import public
from tests.conftest import post_form

LONG = "x" * 5000
NUL = "Na\x00me"

# (role, form page, fields with good values)
FORMS = [
    (None, "/login", {"email": "a@example.org", "password": "ein passwort hier"}),
    (None, "/passwort-vergessen", {"email": "a@example.org"}),
    ("admin", "/benutzer/einladen", {"name": "Neu", "email": "neu@example.org", "role": "member", "organisation": ""}),
    ("member", "/profil", {"name": "Name", "phone": "", "organisation": "", "language": "de", "notify_by_email": "y"}),
    ("member", "/passwort-aendern", {"current_password": "x", "password": "y", "confirm": "y"}),
]


def client_for(role, app, as_role):
    return as_role(role)[0] if role else app.test_client()


@pytest.mark.parametrize("role, url, fields", FORMS, ids=[url for _r, url, _f in FORMS])
@pytest.mark.parametrize("kind", ["empty", "too_long", "nul", "wrong_email"])
def test_bad_field_values_give_german_messages(app, as_role, role, url, fields, kind):
    client = client_for(role, app, as_role)
    bad = {
        "empty": dict.fromkeys(fields, ""),
        "too_long": dict.fromkeys(fields, LONG),
        "nul": dict.fromkeys(fields, NUL),
        "wrong_email": {**fields, **({"email": "kein@@adresse"} if "email" in fields else {})},
    }[kind]
    if "version" not in bad and url == "/profil":
        bad["version"] = "1"
    response = post_form(client, url, bad)
    assert response.status_code in (200, 302, 400, 422, 429), response.status_code
    if response.status_code == 422:
        assert 'class="error-summary"' in response.text
        assert "Bitte prüfen Sie Ihre Angaben" in response.text


@pytest.mark.parametrize("role, url, fields", FORMS, ids=[url for _r, url, _f in FORMS])
def test_missing_csrf_token_is_refused(app, as_role, role, url, fields):
    client = client_for(role, app, as_role)
    response = client.post(url, data=fields)
    assert response.status_code == 400
    assert "Sicherheitsmerkmal fehlt" in response.text


def test_nul_characters_in_query_strings_and_paths(app, as_role):
    manager, _ = as_role("admin")
    for url in (
        "/benutzer/?suche=%00",
        "/aenderungsprotokoll/?aktion=%00",
        "/postausgang/?status=%00",
        "/einladung/%00%00",
        "/passwort-zuruecksetzen/abc%00def",
        "/benutzer/?page=%00",
    ):
        assert manager.get(url).status_code in (200, 400, 404), url


@pytest.mark.own_app  # adds a route
def test_a_crossed_save_gives_409_not_500(app, client):
    @public
    def crossing():
        raise StaleDataError("crossed")

    app.add_url_rule("/crossing", "crossing", crossing)
    response = client.get("/crossing")
    assert response.status_code == 409 and "gleichzeitig von jemand anderem geändert" in response.text


@pytest.mark.own_app  # adds a route
def test_unexpected_errors_get_a_german_500_page(app, client):
    @public
    def broken():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/broken", "broken", broken)
    response = client.get("/broken")
    assert response.status_code == 500 and "Ihre Änderung wurde nicht gespeichert" in response.text


def test_404_page_is_german(client):
    response = client.get("/gibt-es-nicht")
    assert response.status_code == 404 and "Seite nicht gefunden" in response.text


def test_huge_numbers_in_paths_and_pages_are_not_errors(as_role):
    manager, _ = as_role("admin")
    for url in ("/benutzer/9999999999/bearbeiten", "/postausgang/99999999999999999999", "/benutzer/0/bearbeiten"):
        assert manager.get(url).status_code == 404, url
    for url in ("/benutzer/?page=999999999999999999", "/aenderungsprotokoll/?page=-3", "/postausgang/?page=²"):
        assert manager.get(url).status_code == 200, url


@pytest.fixture
def token_form_urls(app, make_user):
    """The two set-password pages, each with a valid token."""
    from netzwerk.auth.models import TokenPurpose
    from netzwerk.auth.services import issue_token
    from netzwerk.extensions import db

    invited = make_user(status="invited", password=None)
    active = make_user()
    with app.test_request_context():
        invite = issue_token(db.session.merge(invited), TokenPurpose.INVITATION, app.config["INVITATION_VALID_FOR"])
        reset = issue_token(
            db.session.merge(active), TokenPurpose.PASSWORD_RESET, app.config["PASSWORD_RESET_VALID_FOR"]
        )
        db.session.commit()
    return [f"/einladung/{invite}", f"/passwort-zuruecksetzen/{reset}"]


@pytest.mark.parametrize("value", ["", LONG, NUL])
def test_bad_values_on_the_set_password_pages(app, token_form_urls, value):
    for url in token_form_urls:
        client = app.test_client()
        response = post_form(client, url, {"password": value, "confirm": value})
        assert response.status_code == 422, url
        assert "Bitte prüfen Sie Ihre Angaben" in response.text
        assert client.get(url).status_code == 200  # the token is still good after a failed try


@pytest.mark.parametrize("value", ["", LONG, NUL])
def test_bad_values_on_the_account_edit_form(app, as_role, make_user, value):
    manager, _ = as_role("admin")
    member = make_user()
    data = {"name": value, "role": value or "nope", "organisation": value, "version": value}
    response = post_form(manager, f"/benutzer/{member.id}/bearbeiten", data)
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in response.text
