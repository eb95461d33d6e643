"""Security headers and no assets from other hosts."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_personal_pages_are_not_cached(as_role):
    client, _ = as_role("member")
    assert client.get("/profil").headers["Cache-Control"] == "no-store"


def test_no_asset_comes_from_another_host():
    pattern = re.compile(r"""<(script|link|img)[^>]+(src|href)=["'](https?:)?//""", re.I)
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("netzwerk/static/**/*.css")]
        if pattern.search(path.read_text()) or "@import url(http" in path.read_text()
    ]
    assert offenders == []


# --- Every route, every answer: the headers are always there ----------------------------------------------


def assert_secure_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    script_src = next((part for part in csp.split(";") if part.strip().startswith("script-src")), "")
    assert script_src and "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, where
    assert "frame-ancestors 'none'" in csp and headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_every_route_answers_with_the_security_headers(app, make_user, make_actor, role):
    from tests.test_access import sample_url
    from tests.world import build_world, client_as

    people, ids = build_world(app)
    client = client_as(app, people, role)
    checked = 0
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")  # logout last
    for rule in rules:
        url = sample_url(rule, ids)
        for method in sorted(rule.methods - {"OPTIONS"}):
            response = client.open(url, method=method)  # POSTs without a token: the refusal page counts too
            assert_secure_headers(response, f"{method} {url} as {role}: {response.status_code}")
            checked += 1
    for url in ("/gibt-es-nicht", "/akteure/2147483648", "/static/gibt-es-nicht.css"):
        assert_secure_headers(client.get(url), url)
    assert_secure_headers(client.delete("/login"), "405")
    static = client.get("/static/css/app.css")
    again = client.get("/static/css/app.css", headers={"If-None-Match": static.headers["ETag"]})
    assert again.status_code == 304
    assert_secure_headers(again, "304")
    assert checked > 100


def test_production_sends_hsts_and_safe_cookies(tmp_path, migrated):
    from netzwerk import create_app
    from tests.conftest import csrf_token_from

    app = create_app(
        "production",
        {
            "SECRET_KEY": "k" * 48,
            "SQLALCHEMY_DATABASE_URI": migrated,
            "BASE_URL": "https://netzwerk.example.de",
        },
    )
    client = app.test_client()
    page = client.get("/login", base_url="https://netzwerk.example.de")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_secure_headers(page, "production /login")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    refused = client.post(
        "/login",
        data={"csrf_token": csrf_token_from(page.text), "email": "x@example.org", "password": "falsch"},
        base_url="https://netzwerk.example.de",
    )
    assert "Strict-Transport-Security" in refused.headers
    redirect = client.get("/profil", base_url="https://netzwerk.example.de")
    assert redirect.status_code == 302 and "Strict-Transport-Security" in redirect.headers
