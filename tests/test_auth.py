"""Login, logout, sessions, throttling, passwords."""

import re

import pytest
from sqlalchemy import select

from netzwerk import create_app
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, login, post_form

START_PAGE_HEADINGS = {
    "admin": "Übersicht des Regionalmanagements",
    "member": "Meine nächsten Termine",
    "partner": "Partnerorganisation im Netzwerk Landshut",
}


@pytest.mark.parametrize("role", ["admin", "member", "partner"])
def test_each_role_logs_in_and_sees_its_start_page(client, make_user, role):
    user = make_user(role=role, organisation="Hochschule Landshut")
    response = login(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").text
    assert START_PAGE_HEADINGS[role] in page
    assert user.name in page


def test_login_is_case_insensitive_for_the_email(client, make_user):
    user = make_user(email="gross@example.org")
    assert login(client, "  GROSS@Example.org ", PASSWORD).status_code == 302
    assert user.name in client.get("/").text


def test_wrong_password_and_unknown_account_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = login(client, user.email, "falsches passwort 123")
    unknown = login(client, "niemand@example.org", "falsches passwort 123")
    assert wrong.status_code == unknown.status_code == 422
    message = "E-Mail-Adresse oder Passwort ist nicht richtig."
    assert message in wrong.text and message in unknown.text
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731 (CSRF token and typed email differ)
    assert strip(wrong.text) == strip(unknown.text)


@pytest.mark.parametrize("status", [AccountStatus.INVITED, AccountStatus.DEACTIVATED])
def test_accounts_that_are_not_active_cannot_log_in(client, make_user, status):
    user = make_user(status=status)
    response = login(client, user.email)
    assert response.status_code == 422
    assert "E-Mail-Adresse oder Passwort ist nicht richtig." in response.text


def test_login_form_errors_are_german_and_keep_the_email(client):
    response = post_form(client, "/login", {"email": "keine-adresse", "password": ""})
    assert response.status_code == 422
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein" in response.text
    assert "Bitte geben Sie Ihr Passwort ein." in response.text
    assert 'value="keine-adresse"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_failed_logins_are_throttled_per_account_even_with_the_right_password(client, make_user):
    user = make_user()
    for _ in range(5):
        assert login(client, user.email, "falsches passwort 123").status_code == 422
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Zu viele Versuche. Bitte warten Sie 15 Minuten" in response.text
    # the same answer for an account that does not exist
    for _ in range(5):
        login(client, "niemand@example.org", "falsches passwort 123")
    assert login(client, "niemand@example.org", "falsches passwort 123").status_code == 429


def test_failed_logins_are_throttled_per_address(client, make_user):
    user = make_user()
    for n in range(20):
        login(client, f"geraten{n}@example.org", "falsches passwort 123")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    other_address = client.application.test_client()
    assert login(other_address, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302


def test_throttle_counter_is_shared_between_workers(app, make_user, smtp_server):
    """Two app instances (as two gunicorn workers would be) count failures in the same place."""
    user = make_user()
    other_worker = create_app("testing", {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    for worker in (app, other_worker, app, other_worker, app):
        login(worker.test_client(), user.email, "falsches passwort 123")
    assert login(other_worker.test_client(), user.email, PASSWORD).status_code == 429
    with other_worker.app_context():
        db.engine.dispose()


def test_successful_login_resets_the_account_counter(client, make_user):
    user = make_user()
    for _ in range(4):
        login(client, user.email, "falsches passwort 123")
    assert login(client, user.email).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/profil").text)})
    for _ in range(4):
        login(client, user.email, "falsches passwort 123")
    assert login(client, user.email).status_code == 302


def test_logout_is_post_only_and_ends_the_session(client, make_user):
    user = make_user()
    login(client, user.email)
    assert client.get("/logout").status_code == 405
    token = csrf_token_from(client.get("/profil").text)
    assert client.post("/logout").status_code == 400  # without the CSRF token
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/profil").status_code == 302


def test_logout_ends_the_users_other_sessions(app, make_user):
    user = make_user()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    laptop.post("/logout", data={"csrf_token": csrf_token_from(laptop.get("/profil").text)})
    assert phone.get("/profil").status_code == 302


def test_a_stolen_session_cookie_is_useless_after_logout(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    cookie = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/profil").text)})
    attacker = app.test_client()
    attacker.set_cookie("session", cookie)
    assert attacker.get("/profil").status_code == 302


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "vom Angreifer"
    login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_cookie_flags(client, make_user):
    user = make_user()
    response = login(client, user.email, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = re.search(r"Expires=([^;]+)", remember_cookie).group(1)
    from email.utils import parsedate_to_datetime

    from netzwerk import clock

    days = (parsedate_to_datetime(expires) - clock.now()).days
    assert 29 <= days <= 30


def test_production_cookies_are_secure(smtp_server, migrated):
    app = create_app(
        "production",
        {"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": migrated, "BASE_URL": "https://netzwerk.example.de"},
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_DURATION"].days <= 30
    with app.app_context():
        db.engine.dispose()


def test_remember_me_cookie_logs_in_until_logout(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email, remember=True)
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert fresh.get("/profil").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/profil").text)})
    stale = app.test_client()
    stale.set_cookie("remember_token", remember)
    assert stale.get("/profil").status_code == 302


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/benutzer/", "/benutzer/"),
        ("/profil?tab=1", "/profil?tab=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, make_user, target, expected):
    user = make_user(role="admin")
    page = client.get("/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": csrf_token_from(page.text), "email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_passwords_are_hashed_with_argon2id(app, client, make_user):
    user = make_user(status=AccountStatus.INVITED, password=None)
    from config import CONFIGS
    from netzwerk.auth.services import hash_password, set_password

    assert CONFIGS["production"].ARGON2_PROFILE == CONFIGS["development"].ARGON2_PROFILE == "rfc9106"
    app.config["ARGON2_PROFILE"] = "rfc9106"  # what every configuration but the test suite's uses
    with app.app_context():
        stored = db.session.get(User, user.id)
        set_password(stored, "ein sehr langes passwort")
        db.session.commit()
        assert stored.password_hash.startswith("$argon2id$")
        parameters = dict(part.split("=") for part in stored.password_hash.split("$")[3].split(","))
        assert int(parameters["m"]) >= 19456 and int(parameters["t"]) >= 2
        assert "ein sehr langes passwort" not in hash_password("ein sehr langes passwort")


def test_a_weaker_hash_is_upgraded_at_the_next_login(app, client, make_user):
    """The suite's cheap hashes stand for hashes made with older, weaker parameters: a login renews them."""
    user = make_user()
    app.config["ARGON2_PROFILE"] = "rfc9106"
    assert login(client, user.email).status_code == 302
    with app.app_context():
        renewed = db.session.get(User, user.id).password_hash
    assert "m=65536,t=3,p=4" in renewed


def test_login_and_failures_are_audited(app, client, make_user):
    user = make_user()
    login(client, user.email, "falsches passwort 123")
    login(client, user.email)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["auth.login_failed", "auth.login"]


def test_deactivating_an_account_ends_its_sessions(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email)
    with app.app_context():
        db.session.get(User, user.id).status = AccountStatus.DEACTIVATED
        db.session.commit()
    assert client.get("/profil").status_code == 302


def test_parallel_wrong_logins_cannot_exceed_the_limit(app, live_server, make_user):
    """Ten guesses fired at once: no more than five are checked, the rest are refused as throttled."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    user = make_user()

    def guess(n):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        token = csrf_token_from(opener.open(f"{live_server}/login").read().decode())
        data = urllib.parse.urlencode({"csrf_token": token, "email": user.email, "password": f"falsch {n} 12345"})
        try:
            return opener.open(f"{live_server}/login", data.encode()).status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(guess, range(10)))
    assert statuses.count(422) <= 5 and set(statuses) <= {422, 429}, statuses


def test_logout_deletes_the_remember_cookie(client, make_user):
    user = make_user()
    login(client, user.email, remember=True)
    assert client.get_cookie("remember_token") is not None
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/profil").text)})
    assert client.get_cookie("remember_token") is None


def test_guessing_the_current_password_is_throttled(as_role):
    client, _user = as_role("member")
    new = "ein ganz neues passwort"
    for _ in range(5):
        data = {"current_password": "geraten", "password": new, "confirm": new}
        assert post_form(client, "/passwort-aendern", data).status_code == 422
    data = {"current_password": PASSWORD, "password": new, "confirm": new}
    response = post_form(client, "/passwort-aendern", data)
    assert response.status_code == 429 and "Zu viele Versuche" in response.text
