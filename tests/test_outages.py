"""Outages: the database stops during requests. Visitors get a German 503 with Retry-After (no traceback, no
English "Internal Server Error"), and the app recovers without a restart once the database is back.
PostgreSQL: a cluster of its own is stopped and started. SQLite: the database's directory becomes
unreadable, then readable again."""

import os
import signal
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import select, text, update

from netzwerk import clock, create_app
from netzwerk.extensions import db
from tests.conftest import free_port
from tests.ops_report import report
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
        if db.engine.dialect.name == "postgresql":
            # the test cluster runs with synchronous_commit=off and stops with -m immediate: without a
            # checkpoint the last commits (the newest migration) may be gone after the first outage
            db.session.execute(text("CHECKPOINT"))
            db.session.commit()
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
    report(f"Datenbankausfälle im Webbetrieb: {survived} überlebt (deutsche 503 mit Retry-After, dann wieder 200)")


# --- The scheduler process through database outages --------------------------------------------------------


@pytest.fixture
def outage_database(request, tmp_path):
    """(URL, stop, start) of a database of its own. SQLite: the file is moved away, and a folder takes its
    place, so a new connection fails instead of creating an empty database (whose journal would clobber the
    real one's); an open connection cannot write either (SQLite notices the moved file). Then back."""
    if request.config.getoption("--db") == "postgresql":
        control = []
        with postgres_cluster(free_port(), control) as url:
            yield url, control[0].stop, control[0].start
    else:
        path = tmp_path / "scheduler-outage.sqlite"

        def stop():
            os.rename(path, f"{path}.away")
            path.mkdir()

        def start():
            path.rmdir()
            os.rename(f"{path}.away", path)

        yield f"sqlite:///{path}", stop, start


def test_the_scheduler_survives_database_outages_and_sends_what_falls_due_after(outage_database, tmp_path):
    from tests.scheduler_process import SlowCounter, due_reminders, start_scheduler, wait_for

    url, stop, start = outage_database
    app = migrated_app(url)
    smtp = SlowCounter(pause=0)
    controller = Controller(smtp, hostname="127.0.0.1", port=free_port())
    controller.start()
    log = tmp_path / "scheduler.log"
    process = start_scheduler(app, controller.port, log)
    survived, expected = 0, 0
    try:
        wait_for(lambda: "Scheduler: aktiv." in log.read_text(), 30, "the scheduler to become active")
        for outage in range(2):
            with app.app_context():
                db.engine.dispose()
            stop()
            time.sleep(4)  # longer than the lease (3 heartbeats of 1 s)
            start()
            assert process.poll() is None, log.read_text()[-3000:]
            # reminders that fall due after the outage still go out, without a restart
            expected += due_reminders(app, meetings=1, members=3, group_name=f"AK {outage}")
            wait_for(lambda e=expected: len(set(smtp.received)) >= e, 30, "the reminders due after the outage")
            survived += 1
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        controller.stop()
    output = log.read_text()
    if url.startswith("postgresql"):
        # each failed job is logged, not fatal; on SQLite a process that keeps its open file may not notice
        assert "failed" in output, "the outage reached the scheduler"
    assert len(set(smtp.received)) == expected
    report(
        f"Scheduler-Prozess: {survived} Datenbankausfälle von je 4 s überlebt, danach {expected} fällige "
        f"Erinnerungen verschickt, Prozess läuft weiter"
    )


# --- The mail server down ------------------------------------------------------------------------------------


class Refusing:
    """A mail server that accepts everyone but one address (550: a permanent failure)."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd)
        if address.startswith("gibtsnicht@"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted"


def test_a_mail_server_outage_loses_no_mail_and_shows_on_healthz_and_the_overview(app, make_user):
    from netzwerk.mail.models import MailStatus, OutgoingMail
    from netzwerk.mail.services import deliver_queued, queue_mail
    from tests.conftest import login

    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)  # nothing listens there yet: the server is down
    manager = make_user(role="admin")
    recipients = [f"person{n}@example.org" for n in range(5)] + ["gibtsnicht@example.org"]
    with app.test_request_context():
        for address in recipients:
            queue_mail(address, "password_reset", user=manager, link="http://localhost/passwort/x")
        db.session.commit()
        assert deliver_queued() == 0
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200  # the app itself is up
    mail = health.json["mail"]
    assert mail["waiting"] == 6 and mail["failed"] == 0 and "Connection refused" in mail["last_error"], mail
    login(client, manager.email)
    overview = client.get("/uebersicht/").text
    assert "E-Mails warten auf den Versand" in overview and "letzter Fehler des Mailservers" in overview
    assert "Connection refused" in overview
    with app.app_context():
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert {m.status for m in mails} == {MailStatus.QUEUED} and {m.attempts for m in mails} == {1}
        pause = app.config["MAIL_RETRY_MINUTES"][0]
        assert all(m.due_at - m.attempted_at >= timedelta(minutes=pause) - timedelta(seconds=1) for m in mails)

    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()  # the server is back
    try:
        with app.test_request_context():
            assert deliver_queued() == 0, "nothing is sent before the retry pause is over"
            db.session.execute(update(OutgoingMail).values(due_at=clock.now()))  # as if the pause had passed
            db.session.commit()
            assert deliver_queued() == 5
    finally:
        controller.stop()
    assert sorted(handler.received) == sorted(recipients[:5])
    mail = client.get("/healthz").json["mail"]
    assert mail["waiting"] == 0 and mail["failed"] == 1 and "Mailbox unavailable" in mail["last_error"], mail
    assert "Mailbox unavailable" in client.get("/uebersicht/").text
    report(
        f"Mailserver-Ausfall: {len(recipients)} E-Mails warteten (sichtbar in /healthz und der Übersicht), nach "
        f"dem Neustart {len(handler.received)} zugestellt, 1 dauerhaft abgelehnt und als fehlgeschlagen gezeigt, "
        "keine verloren"
    )
