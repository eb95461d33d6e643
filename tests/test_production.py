"""Production serves the same pages with the same answers as the tested configuration, and an error never shows
a traceback.

The production app (secure cookies, TRUSTED_HOSTS, BASE_URL, a real SECRET_KEY, DEBUG and TESTING off, the
production password hashing) runs against the test database over https; every GET route is walked as every
role, once with the testing app and once with the production app, and the answers compared."""

import pytest
from flask import g, request
from sqlalchemy import select

from netzwerk import create_app
from netzwerk.auth.models import ThrottleAttempt
from netzwerk.auth.permissions import public
from netzwerk.extensions import db
from tests.conftest import PASSWORD, csrf_token_from
from tests.test_access import sample_url
from tests.world import ROLES, build_world, client_as

BASE = "https://netzwerk.example.de"
HOST = "netzwerk.example.de"
SECRET = "production-like-secret-key-for-the-test-0123456789"  # noqa: S105 (tests only)
# Ends the session, or is a POST-only action: not part of a walk over pages.
NOT_PAGES = {"auth.logout"}
SECRET_TEXT = "geheimer Zustand 4711"


def production_app(database_url: str, smtp_port: int, with_broken_route: bool = False, trusted_proxies: int = 0):
    app = create_app(
        "production",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "BASE_URL": BASE,
            "TRUSTED_HOSTS": [HOST],
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "TRUSTED_PROXIES": trusted_proxies,
        },
    )
    assert not app.debug and not app.testing and app.config["SESSION_COOKIE_SECURE"]
    if with_broken_route:
        add_broken_route(app)
    return app


def add_broken_route(app) -> None:
    """A view with a bug: it writes, then fails with an exception whose text must never reach the visitor."""

    @public
    def broken():
        written = ThrottleAttempt(key="kaputt:address:test")
        g.written = written  # a strong reference: the session's identity map holds objects only weakly
        db.session.add(written)
        db.session.flush()
        raise RuntimeError(SECRET_TEXT)

    app.add_url_rule("/kaputt", "broken", broken, methods=["GET", "POST"])
    app.extensions["seen_after_error"] = []

    @app.teardown_request
    def remember_session(_error):
        # The 500 handler must have rolled back: the flushed row is no longer part of the session.
        if request.endpoint == "broken":
            app.extensions["seen_after_error"].append(g.written in db.session)


@pytest.fixture
def production(app, migrated, smtp_server):
    """The production app on the same (test) database as ``app``; disposed before ``app`` empties the tables."""
    production = production_app(migrated, smtp_server.port, with_broken_route=True)
    yield production
    with production.app_context():
        db.session.remove()
        db.engine.dispose()


def https_login(client, email: str, password: str) -> None:
    """Sign in through the real form over https (Flask-WTF checks the Referer on https)."""
    page = client.get("/login", base_url=BASE)
    response = client.post(
        "/login",
        base_url=BASE,
        data={"csrf_token": csrf_token_from(page.text), "email": email, "password": password},
        headers={"Referer": f"{BASE}/login"},
    )
    assert response.status_code == 302, response.status_code
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def answer(response) -> tuple[int, str, str]:
    """What a visitor gets: the status, the kind of content and where a redirect leads (without the host)."""
    location = response.headers.get("Location", "").removeprefix(BASE).removeprefix("http://localhost")
    return response.status_code, response.mimetype, location


def walk(app, client, ids: dict, base_url: str) -> dict[str, tuple[int, str]]:
    answers = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.endpoint == "broken":
            continue
        url = sample_url(rule, ids)
        response = client.get(url, base_url=base_url)
        assert b"Traceback" not in response.data, url
        answers[f"{rule.endpoint} {url}"] = answer(response)
    return answers


@pytest.mark.parametrize("role", ROLES)
def test_production_answers_every_page_as_the_tested_configuration(app, production, make_user, make_actor, role):
    people, ids = build_world(app)
    tested = walk(app, client_as(app, people, role), ids, "http://localhost")
    client = production.test_client()
    if role != "anonymous":
        https_login(client, people[role].email, PASSWORD)
    served = walk(production, client, ids, BASE)
    differences = {page: (tested[page], served[page]) for page in tested if tested[page] != served[page]}
    assert not differences, differences
    assert set(tested) == set(served)
    reached = sum(1 for status, _kind, _location in served.values() if status == 200)
    assert reached >= 10, f"only {reached} pages answered 200 as {role}"  # the walk saw real pages


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unexpected_exception_is_the_german_500_without_traceback_and_rolled_back(production, method):
    client = production.test_client()
    data = None
    if method == "POST":
        data = {"csrf_token": csrf_token_from(client.get("/login", base_url=BASE).text)}
    response = client.open("/kaputt", method=method, base_url=BASE, data=data, headers={"Referer": f"{BASE}/"})
    assert response.status_code == 500
    assert "Interner Fehler" in response.text and "Ihre Änderung wurde nicht gespeichert" in response.text
    for leak in ("Traceback", "RuntimeError", SECRET_TEXT, "kaputt:address", 'File "', "werkzeug"):
        assert leak not in response.text, leak
    assert response.headers["Content-Type"].startswith("text/html")
    assert production.extensions["seen_after_error"] == [False]
    with production.app_context():
        assert db.session.scalar(select(ThrottleAttempt).where(ThrottleAttempt.key == "kaputt:address:test")) is None
    assert client.get("/login", base_url=BASE).status_code == 200  # the next request works


def test_the_500_page_is_english_for_english_visitors(production):
    response = production.test_client().get("/kaputt", base_url=BASE, headers={"Accept-Language": "en"})
    assert response.status_code == 500 and "Internal error" in response.text
    assert SECRET_TEXT not in response.text and "Traceback" not in response.text
