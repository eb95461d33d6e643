"""The steps of ``create_app``: configuration, extensions, blueprints, commands."""

import os
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import CONFIGS
from netzwerk.extensions import babel, csrf, db, login_manager, migrate
from netzwerk.mail.services import external_url
from netzwerk.markdown import render_markdown
from netzwerk.public_holidays import day_off_at

MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The app refuses to start with an unsafe production configuration."""


def configure(app: Flask, config_name_or_object, overrides: dict | None) -> None:
    config = config_name_or_object or os.environ.get("NETZWERK_CONFIG", "production")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise ConfigurationError(f"Unbekannte Konfiguration {config!r}; erlaubt: {', '.join(CONFIGS)}")
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'netzwerk.sqlite'}"
    if not app.config.get("MAIL_FOLDER"):
        app.config["MAIL_FOLDER"] = str(Path(app.instance_path) / "mail")
    if app.config["NAME"] == "production":
        check_production_config(app.config)
        if not app.config.get("TRUSTED_HOSTS"):
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]
    elif not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def check_production_config(config) -> None:
    problems = []
    if config.get("DEBUG"):
        problems.append("DEBUG ist eingeschaltet")
    if len(config.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY fehlt oder ist kürzer als {MIN_SECRET_KEY_LENGTH} Zeichen")
    if not (config.get("BASE_URL") or "").startswith(("https://", "http://")):
        problems.append("BASE_URL (die öffentliche Adresse, z. B. https://netzwerk.region-landshut.de) fehlt")
    if not config.get("WTF_CSRF_ENABLED"):
        problems.append("der CSRF-Schutz (WTF_CSRF_ENABLED) ist ausgeschaltet")
    if not (config.get("SESSION_COOKIE_SECURE") and config.get("REMEMBER_COOKIE_SECURE")):
        problems.append("Cookies sind nicht als Secure markiert")
    if problems:
        raise ConfigurationError(
            "Start im Produktionsbetrieb verweigert: " + "; ".join(problems) + ". "
            'Einen Schlüssel erzeugt: python3 -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


def development_secret_key(instance: Path) -> str:
    """A random key kept in instance/ so development sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def tune_sqlite(dbapi_connection, _record) -> None:
    """WAL lets readers and one writer work at once; the busy timeout makes writers wait instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # with WAL: durable across a process crash, fsync at checkpoints
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def begin_sqlite(connection) -> None:
    """SQLite: a transaction that may write starts with BEGIN IMMEDIATE, taking the write lock before its
    first read. With a plain (deferred) BEGIN, a transaction that read first and then writes while another
    process committed gets "database is locked" at once, busy_timeout or not; and pysqlite's own way (BEGIN
    just before the first INSERT/UPDATE) leaves the reads before it (a version check, a count of free places)
    outside the transaction. Page views (GET, HEAD) keep pysqlite's way, so readers never wait for the lock;
    POSTs, the scheduler and commands take it (SQLAlchemy's "pysqlite serializable isolation" recipe)."""
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if has_request_context() and request.method in READ_ONLY_METHODS:
        dbapi_connection.isolation_level = ""  # pysqlite: deferred BEGIN right before the first write
        return
    dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own; this one is explicit
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def select_locale() -> str:
    """The user's setting, else the visitor's choice in this session, else the browser's Accept-Language."""
    supported = list(current_app.config["LANGUAGES"])
    if current_user and current_user.is_authenticated and current_user.language in supported:
        return current_user.language
    if session.get("language") in supported:
        return session["language"]
    return request.accept_languages.best_match(supported) or supported[0]


def audit_value(value) -> str:
    """A value in the audit log as people read it."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, list):  # e.g. contact persons kept as rows, so a change can be undone
        return "; ".join(audit_value(item) for item in value) or "–"
    if isinstance(value, dict):
        return ", ".join(str(v) for k, v in value.items() if k != "id" and v) or "–"
    return str(value)


class IdConverter(IntegerConverter):
    """``<id:...>``: a positive database id that fits an INTEGER column (larger numbers are a 404, not a 500)."""

    regex = r"[0-9]{1,10}"  # ASCII digits only: \d would also match "²" or "٣"

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def register_extensions(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(
        current_locale=lambda: str(get_locale()),
        format_datetime=format_datetime,
        format_date=format_date,
        external_url=external_url,
        day_off_at=day_off_at,
    )
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["audit_value"] = audit_value


def register_blueprints(app: Flask) -> None:
    """The one place that loads the views: importing a domain's models or services never does."""
    from netzwerk.actors.views import bp as actors
    from netzwerk.audit.views import bp as audit
    from netzwerk.auth.views import bp as auth
    from netzwerk.groups.views import bp as groups
    from netzwerk.legal.views import bp as legal
    from netzwerk.mail.views import bp as mail
    from netzwerk.main.views import bp as main
    from netzwerk.meetings.views import bp as meetings
    from netzwerk.network_picture.views import bp as network_picture
    from netzwerk.news.views import bp as news
    from netzwerk.overview.views import bp as overview
    from netzwerk.partners.views import bp as partners
    from netzwerk.polls.views import bp as polls
    from netzwerk.privacy.views import bp as privacy
    from netzwerk.projects.views import bp as projects
    from netzwerk.reminders.views import bp as reminders
    from netzwerk.tasks.views import bp as tasks
    from netzwerk.unsubscribe.views import bp as unsubscribe
    from netzwerk.users.views import bp as users

    for blueprint in (
        main,
        auth,
        users,
        actors,
        groups,
        meetings,
        tasks,
        polls,
        partners,
        projects,
        reminders,
        unsubscribe,
        news,
        legal,
        overview,
        privacy,
        network_picture,
        audit,
        mail,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from netzwerk.backup.cli import backup_cli
    from netzwerk.demo import demo_command
    from netzwerk.mail.cli import mail_cli
    from netzwerk.scheduler import scheduler_cli

    app.cli.add_command(backup_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(scheduler_cli)
