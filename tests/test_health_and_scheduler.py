"""/healthz and the scheduler process with its heartbeat."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.scheduler.models import SchedulerHeartbeat
from netzwerk.scheduler.services import beat

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_database_and_a_scheduler_that_never_ran(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "database": "ok",
        "scheduler": {"state": "never", "last_heartbeat": None, "age_seconds": None, "jobs": {}},
        "mail": {"waiting": 0, "failed": 0, "last_error": None, "last_error_at": None},
    }


def test_healthz_shows_a_fresh_and_a_stale_heartbeat(app, client):
    with app.app_context():
        beat("test")
        db.session.commit()
    assert client.get("/healthz").json["scheduler"]["state"] == "ok"
    with app.app_context():
        heartbeat = db.session.scalar(select(SchedulerHeartbeat))
        heartbeat.beat_at = clock.now() - timedelta(minutes=10)
        db.session.commit()
    scheduler = client.get("/healthz").json["scheduler"]
    assert scheduler["state"] == "stale" and scheduler["age_seconds"] >= 600


def test_healthz_answers_503_when_the_database_is_gone(migrated, smtp_server, tmp_path):
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite", smtp_server.port)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "error"


def test_manager_sees_the_scheduler_state(app, as_role):
    manager, _ = as_role("admin")
    assert "noch nie gestartet" in manager.get("/").text
    with app.app_context():
        beat("test")
        db.session.commit()
    assert "läuft" in manager.get("/").text


def test_the_scheduler_process_beats_sends_the_outbox_and_stops_on_sigterm(app, make_user, tmp_path):
    """`flask --app wsgi scheduler run` as its own process, against the suite's database."""
    user = make_user()
    with app.test_request_context():
        recipient = db.session.get(User, user.id)
        queue_mail(recipient.email, "password_reset", user=recipient, link="http://localhost/passwort-zuruecksetzen/x")
        db.session.commit()
    env = {
        **os.environ,
        "NETZWERK_CONFIG": "testing",
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
        "MAIL_QUEUE_SECONDS": "1",
        "MAIL_FOLDER": str(tmp_path),
    }
    flask = Path(sys.executable).parent / "flask"
    process = subprocess.Popen(
        [str(flask), "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        beats = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(set(beats)) < 2:
            with app.app_context():
                value = db.session.scalar(select(SchedulerHeartbeat.beat_at))
                db.session.remove()
            if value is not None:
                beats.append(value)
            time.sleep(0.3)
        assert len(set(beats)) >= 2, "the scheduler did not beat twice"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "Scheduler beendet." in output
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail.status)) == MailStatus.SENT
    (eml,) = tmp_path.glob("*.eml")
    assert b"/passwort-zuruecksetzen/x" in eml.read_bytes()


def test_apscheduler_traps_are_set_in_job_defaults(app):
    """coalesce and misfire_grace_time only take effect in job_defaults; interval jobs only, so no run falls
    into the daylight-saving gap; one instance per job."""
    from netzwerk.scheduler import build_scheduler

    scheduler = build_scheduler(app)
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    jobs = scheduler.get_jobs()
    assert {job.id for job in jobs} >= {"heartbeat", "outbox", "partner_reminders"}
    assert all(type(job.trigger).__name__ == "IntervalTrigger" for job in jobs)
