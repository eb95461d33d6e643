"""Outages: the database stops during requests. Visitors get a German 503 with Retry-After (no traceback, no
English "Internal Server Error"), and the app recovers without a restart once the database is back.
PostgreSQL: a cluster of its own is stopped and started. SQLite: the database's directory becomes
unreadable, then readable again."""

import os

import pytest
from flask_migrate import upgrade

from netzwerk import create_app
from netzwerk.extensions import db
from tests.conftest import free_port
from tests.postgres import postgres_cluster

OUTAGES = 3


@pytest.fixture
def outage_app(request, tmp_path):
    """An app on a database of its own, and (stop, start) for it."""
    if request.config.getoption("--db") == "postgresql":
        control = []
        with postgres_cluster(free_port(), control) as url:
            yield migrated_app(url), control[0].stop, control[0].start
    else:
        folder = tmp_path / "db"
        folder.mkdir()
        app = migrated_app(f"sqlite:///{folder / 'outage.sqlite'}")
        yield app, lambda: os.chmod(folder, 0), lambda: os.chmod(folder, 0o700)
        os.chmod(folder, 0o700)


def migrated_app(url):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.session.remove()
    return app


def unavailable(app, stop) -> None:
    """Close the pooled connections (a real outage drops them too), then take the database away."""
    with app.app_context():
        db.engine.dispose()
    stop()


def test_database_outages_give_a_german_503_and_the_app_recovers(outage_app):
    app, stop, start = outage_app
    if os.geteuid() == 0 and "sqlite" in app.config["SQLALCHEMY_DATABASE_URI"]:
        # root ignores file permissions: move the database away instead of making its folder unreadable
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        stop = lambda: os.rename(path, path + ".away")  # noqa: E731
        start = lambda: os.rename(path + ".away", path)  # noqa: E731
    client = app.test_client()
    survived = 0
    for _ in range(OUTAGES):
        assert client.get("/healthz").status_code == 200
        unavailable(app, stop)
        for url in ("/datenschutz", "/impressum"):  # pages that read the database
            response = client.get(url)
            assert response.status_code == 503, (url, response.status_code, response.text[:300])
            assert response.headers["Retry-After"] == "30"
            assert "Vorübergehend nicht erreichbar" in response.text and "Traceback" not in response.text
            assert "Internal Server Error" not in response.text
        assert client.get("/healthz").status_code == 503
        start()
        assert client.get("/healthz").status_code == 200, "recovers without a restart"
        assert client.get("/datenschutz").status_code == 200
        survived += 1
    print(f"\ndatabase outages survived: {survived}")
