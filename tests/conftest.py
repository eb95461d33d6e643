"""Fixtures: the app on SQLite or a real PostgreSQL cluster (``--db``), a real SMTP server, factories, login."""

import copy
import email
import email.policy
import os
import pickle
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Column, exists, func, literal, select, union_all

from netzwerk import create_app
from netzwerk.actors.models import Actor
from netzwerk.extensions import db
from tests import factories
from tests.calendar_clients import CalendarCollector, compare
from tests.factories import PASSWORD
from tests.postgres import postgres_cluster

OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
CALENDARS = CalendarCollector()  # every calendar object of the run, checked with ical.js at the end


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite", help="database for the suite")


def pytest_configure(config):
    """Each run, and each xdist worker of a run, keeps its instance folder (staged uploads, mail files, keys) to
    itself, so the SQLite and the PostgreSQL run can go side by side and neither touches the developer's
    instance/. Processes the tests start inherit it."""
    if is_xdist_worker(config) or not os.environ.get("NETZWERK_INSTANCE_PATH"):
        config.own_instance = tempfile.mkdtemp(prefix="netzwerk-test-")
        os.environ["NETZWERK_INSTANCE_PATH"] = os.path.join(config.own_instance, "instance")


def pytest_unconfigure(config):
    if getattr(config, "own_instance", None):
        shutil.rmtree(config.own_instance, ignore_errors=True)


def is_xdist_worker(config) -> bool:
    return hasattr(config, "workeroutput")


def pytest_sessionfinish(session):
    """An xdist worker hands what its tests collected for the summary (calendars, counts) to the controller."""
    if is_xdist_worker(session.config):
        session.config.workeroutput["findings"] = pickle.dumps(findings())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller side of pytest_sessionfinish: one summary over all workers."""
    if "findings" in getattr(node, "workeroutput", {}):
        merge_findings(pickle.loads(node.workeroutput["findings"]))  # noqa: S301 (our own worker's bytes)


def findings() -> dict:
    from tests import ops_report, property_stats

    return {
        "calendars": CALENDARS.objects,
        "lines": ops_report.LINES,
        "tried": property_stats.tried,
        "answers": property_stats.answers,
        "reached": property_stats.reached,
    }


def merge_findings(more: dict) -> None:
    from tests import ops_report, property_stats

    CALENDARS.objects.extend(more["calendars"])
    ops_report.LINES.extend(more["lines"])
    property_stats.tried.update(more["tried"])
    property_stats.answers.update(more["answers"])
    property_stats.reached.update(more["reached"])


def pytest_report_header(config):
    return f"database: {config.getoption('--db')}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Database -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.config.getoption("--db") == "postgresql":
        with postgres_cluster(free_port()) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'netzwerk-test.sqlite'}"


# Loaded by the migrations; each test starts from these rows as the migrations left them.
REFERENCE_TABLES = ("municipality", "field_of_action", "legal_page")
_reference_rows: dict[str, list[dict]] = {}
_id_sequences: list[tuple[str, Column]] = []


@pytest.fixture(scope="session")
def migrated(database_url):
    """The schema comes from the migrations (flask db upgrade on an empty database), never from create_all.
    Calendars are compared with the meetings stored here (not in the broken apps some tests make)."""
    CALENDARS.database_url = database_url
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        for name in REFERENCE_TABLES:
            table = db.metadata.tables[name]
            _reference_rows[name] = reference_rows(db.session, table)
        if db.engine.dialect.name == "postgresql":
            _id_sequences.extend(id_sequences())
        db.session.remove()
        db.engine.dispose()
    return database_url


def reference_rows(connection, table) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(table.select().order_by(*table.primary_key))]


def id_sequences() -> list[tuple[str, Column]]:
    """Every PostgreSQL id sequence with its column, for wipe() to start them again."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.primary_key.columns:
            sequence = db.session.scalar(select(func.pg_get_serial_sequence(table.name, column.name)))
            if sequence:
                found.append((sequence, column))
    return found


# --- Mail ---------------------------------------------------------------------------------------------


class Mailbox:
    """Collects what a real SMTP server (aiosmtpd on 127.0.0.1) received."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(message)
        CALENDARS.record_mail(message)
        return "250 Message accepted"

    def text_of(self, message) -> str:
        return message.get_body(("plain",)).get_content()

    def html_of(self, message) -> str:
        return message.get_body(("html",)).get_content()

    def calendar_of(self, message):
        """The invitation's inline text/calendar part (inside multipart/alternative, where Outlook and Gmail
        look for it)."""
        return message.get_body(("calendar",))

    def link_in(self, message, path_part: str) -> str:
        match = re.search(rf"https?://\S*{re.escape(path_part)}\S*", self.text_of(message))
        assert match, f"no link containing {path_part!r} in the mail"
        return match.group(0)


@pytest.fixture(scope="session")
def smtp_server():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.messages.clear()
    return smtp_server.handler


def run_outbox(app) -> int:
    """What the scheduler's outbox job does: send the queued mails."""
    from netzwerk.mail.services import deliver_queued

    with app.app_context():
        return deliver_queued()


# --- App ----------------------------------------------------------------------------------------------


def make_app(database_url: str, smtp_port: int, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_TIMEOUT": 5,
    }
    config.update(overrides)
    app = create_app("testing", config)
    app.after_request(CALENDARS.record_response)
    return app


def wipe(app) -> None:
    """Empty every table, then put the reference data back as the migrations loaded it; forget what was cached."""
    app.extensions.pop("netzwerk.cached", None)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                truncate_what_was_written(connection)
            else:  # SQLite: rowids start again after the highest left, so rows keep coming back in their order
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
                for name in REFERENCE_TABLES:
                    connection.execute(db.metadata.tables[name].insert(), _reference_rows[name])
                connection.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")  # the scheduler's ANALYZE


def truncate_what_was_written(connection) -> None:
    """TRUNCATE only the tables that hold rows or changed reference rows: a TRUNCATE costs some milliseconds a
    table (new files), all ~40 tables 0.15-0.25 s a test. TRUNCATE, not DELETE: a fresh table returns rows in
    the order they were written, as a test that forgot an ORDER BY expects; after DELETE and a vacuum it may not."""
    connection.exec_driver_sql("SET LOCAL lock_timeout = '20s'")  # a test's open transaction fails, not hangs
    tables = [table for table in db.metadata.sorted_tables if table.name not in REFERENCE_TABLES]
    probes = [select(literal(table.name)).where(exists().select_from(table)) for table in tables]
    written = set(connection.scalars(union_all(*probes)))
    for name in REFERENCE_TABLES:
        if reference_rows(connection, db.metadata.tables[name]) != _reference_rows[name]:
            written.add(name)
    if written:
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(f"TRUNCATE {', '.join(quote(name) for name in sorted(written))} CASCADE")
        for name in REFERENCE_TABLES:
            if name in written:
                connection.execute(db.metadata.tables[name].insert(), _reference_rows[name])
    restart_id_sequences(connection)


def restart_id_sequences(connection) -> None:
    """Each sequence continues after the highest id left (1 for an empty table), in one statement."""
    next_ids = [
        func.setval(sequence, func.coalesce(select(func.max(column)).scalar_subquery(), 0) + 1, False)
        for sequence, column in _id_sequences
    ]
    connection.execute(select(*next_ids))


def forget(app) -> None:
    """Close an app's pooled connections (an app made for one test only)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# One app per set of overrides for the whole run: a new app compiles every URL rule, template and SQL
# statement anew and opens new connections (about 0.1 s a test). Each test gets it with the configuration it
# started with and empty tables. A test that changes the app itself (adds a route or a hook) takes its own
# with @pytest.mark.own_app; Flask refuses such changes on an app that has served a request.
_shared_apps: dict[str, Flask] = {}


@pytest.fixture
def app(migrated, smtp_server, request):
    overrides = getattr(request, "param", None) or {}
    if request.node.get_closest_marker("own_app"):
        app = make_app(migrated, smtp_server.port, **overrides)
        yield app
        wipe(app)
        forget(app)
        return
    key = repr(sorted(overrides.items()))
    if key not in _shared_apps:
        _shared_apps[key] = make_app(migrated, smtp_server.port, **overrides)
    app = _shared_apps[key]
    config = copy.deepcopy(dict(app.config))
    yield app
    wipe(app)
    app.config.clear()
    app.config.update(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    with app.app_context():
        yield db.session


# --- Factories and login ------------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    """A committed user (tests/factories.py ``user``), readable outside the app context."""

    def make(**fields):
        with app.app_context():
            return factories.detached(factories.user(**fields))

    return make


@pytest.fixture
def make_actor(app):
    """Create an actor through the service (as the manager's form does)."""
    from netzwerk.actors.services import ActorData, ContactData, save_actor

    def make(name="Muster GmbH", kind="company", contacts=(), **fields):
        with app.test_request_context():
            data = ActorData(name=name, kind=kind, **fields)
            data.contacts = [ContactData(**contact) for contact in contacts]
            actor = save_actor(None, data)
            db.session.commit()
            db.session.refresh(actor)
            actor_id = actor.id
        with app.app_context():
            return db.session.get(Actor, actor_id)

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client, url: str, data: dict, get_url: str | None = None, **kwargs):
    """GET the form page for its CSRF token, then POST like a browser."""
    page = client.get(get_url or url)
    return client.post(url, data={"csrf_token": csrf_token_from(page.text), **data}, **kwargs)


def version_on(client, url: str) -> str:
    """The record's version as an edit form renders it (optimistic locking: a POST must send it back)."""
    from tests.html_forms import form_with

    return form_with(client.get(url).text, "version").data()["version"][0]


def login(client, email: str, password: str = PASSWORD, remember: bool = False, **request_kwargs):
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    return post_form(client, "/login", data, **request_kwargs)


@pytest.fixture
def as_role(app, make_user):
    """A logged-in test client for a role: ``as_role("admin")`` returns (client, user)."""

    def logged_in(role):
        user = make_user(role=role)
        client = app.test_client()
        response = login(client, user.email)
        assert response.status_code == 302, response.text
        return client, user

    return logged_in


# --- Live server for the browser ----------------------------------------------------------------------


@pytest.fixture
def live_server(app):
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # keep the test output readable
            pass

    server = make_server("127.0.0.1", free_port(), app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # links in mails point here
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=5)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """In CI nothing may be skipped: a skipped browser or PostgreSQL test is a missing install step. Also says
    how many inputs the property walk tried. Under xdist only the controller reports, for all workers."""
    if is_xdist_worker(config):
        return
    from tests.ops_report import LINES
    from tests.property_stats import answers, reached, tried

    if LINES:
        terminalreporter.write_sep("-", "Sicherheit und Betrieb")
        for line in LINES:
            terminalreporter.write_line(line)
    if tried:
        by_role = ", ".join(f"{role} {n}" for role, n in sorted(tried.items()))
        by_answer = ", ".join(f"{kind} {n}" for kind, n in sorted(answers.items()))
        terminalreporter.write_line(
            f"Hypothesis-Walk: {sum(tried.values())} Eingaben versucht ({by_role}); Antworten {by_answer}; "
            f"{len(reached)} Endpunkte mit Antwort 2xx/422"
        )
        terminalreporter.write_line("Erreicht: " + ", ".join(sorted(reached)))
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CI") == "true" and skipped:
        terminalreporter.write_line(f"CI: {len(skipped)} skipped tests are not allowed", red=True)
        terminalreporter._session.exitstatus = 1
    report_calendars(terminalreporter)


def report_calendars(terminalreporter):
    """Every calendar object of the run read by ical.js (Thunderbird, Nextcloud) as by icalendar and the page."""
    try:
        result = compare(CALENDARS.objects)
    except (RuntimeError, OSError, ValueError, subprocess.SubprocessError) as error:  # no node, or unreadable
        terminalreporter.write_line(f"ical.js check failed: {error}", red=True)
        terminalreporter._session.exitstatus = 1
        return
    terminalreporter.write_sep("-", "calendar objects read by ical.js")
    terminalreporter.write_line(
        f"ical.js: {result.objects} calendar objects, {result.events} events compared with icalendar, "
        f"{result.against_stored} of them with the stored times: "
        + (f"{len(result.problems)} disagree" if result.problems else "all agree")
    )
    for problem in result.problems[:20]:
        terminalreporter.write_line(problem, red=True)
    if result.problems:
        terminalreporter._session.exitstatus = 1


def count_queries(app, client, url) -> int:
    """How many SQL statements a GET of url runs (a page's count must not grow with the data)."""
    from sqlalchemy import event

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)
