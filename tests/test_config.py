"""Configuration from the environment; production refuses unsafe settings."""

import sqlite3

import pytest

from config import database_url
from netzwerk import create_app
from netzwerk.factory import ConfigurationError

GOOD_KEY = "k" * 48


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"SECRET_KEY": None}, "SECRET_KEY fehlt"),
        ({"SECRET_KEY": "kurz"}, "SECRET_KEY fehlt oder ist kürzer"),
        ({"DEBUG": True}, "DEBUG ist eingeschaltet"),
        ({"WTF_CSRF_ENABLED": False}, "CSRF"),
        ({"SESSION_COOKIE_SECURE": False}, "Secure"),
    ],
)
def test_production_refuses_to_start_unsafely(tmp_path, overrides, reason):
    config = {
        "SECRET_KEY": GOOD_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
        "BASE_URL": "https://netzwerk.example.de",
        **overrides,
    }
    with pytest.raises(ConfigurationError, match=reason):
        create_app("production", config)


def test_production_is_the_default_and_starts_when_safe(monkeypatch, tmp_path):
    monkeypatch.delenv("NETZWERK_CONFIG", raising=False)
    app = create_app(
        None,
        {
            "SECRET_KEY": GOOD_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
            "BASE_URL": "https://netzwerk.example.de",
        },
    )
    assert app.config["NAME"] == "production" and not app.debug


def test_unknown_configuration_name(tmp_path):
    with pytest.raises(ConfigurationError, match="Unbekannte Konfiguration"):
        create_app("staging")


def test_database_url_forms(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/netzwerk")
    assert database_url() == "postgresql+psycopg://u:p@db/netzwerk"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/n")
    assert database_url() == "postgresql+psycopg://u@db/n"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url() is None


def test_development_defaults_to_sqlite_in_instance_with_a_kept_secret_key(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    import config

    monkeypatch.setattr(config.DevelopmentConfig, "SQLALCHEMY_DATABASE_URI", None)
    monkeypatch.setattr(config.DevelopmentConfig, "SECRET_KEY", None)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/netzwerk.sqlite")
    assert len(app.config["SECRET_KEY"]) >= 32
    assert create_app("development").config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    from sqlalchemy import text

    from netzwerk.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/wal.sqlite"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
    assert sqlite3.connect(tmp_path / "wal.sqlite").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_production_requires_base_url_and_answers_only_to_its_host(tmp_path):
    database = f"sqlite:///{tmp_path}/x.sqlite"
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        create_app("production", {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": database, "BASE_URL": None})
    app = create_app(
        "production",
        {"SECRET_KEY": GOOD_KEY, "SQLALCHEMY_DATABASE_URI": database, "BASE_URL": "https://netzwerk.example.de"},
    )
    client = app.test_client()
    assert client.get("/login", base_url="https://netzwerk.example.de").status_code == 200
    assert client.get("/login", base_url="https://evil.example").status_code == 400


def test_demo_data_is_refused_in_production(tmp_path):
    app = create_app(
        "production",
        {
            "SECRET_KEY": GOOD_KEY,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite",
            "BASE_URL": "https://netzwerk.example.de",
        },
    )
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "Produktionsbetrieb" in result.output
