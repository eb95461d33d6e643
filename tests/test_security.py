"""Security headers and no assets from other hosts."""

import re
from pathlib import Path

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
