"""The scheduler process: ``flask --app wsgi scheduler run``.

APScheduler runs here, in its own process, never inside the web workers (several gunicorn workers would each
run every job). Durable state lives in the database, not in APScheduler's job store."""

import os
import signal
import socket
import uuid
from datetime import timedelta

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.mail.imap import poll_mailbox
from netzwerk.mail.services import deliver_queued
from netzwerk.partners.services import yearly_reminder_job
from netzwerk.privacy.services import purge_expired
from netzwerk.reminders.services import plan_reminders
from netzwerk.scheduler.services import active_holder, beat

scheduler_cli = AppGroup("scheduler", help="Der Hintergrundprozess für Erinnerungen und Wartung.")


def run_job(app, job, *args) -> None:
    """Run a job as if in a request to BASE_URL (mails render links with url_for); a failure is logged and must
    not end the scheduler (the next run retries)."""
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        try:
            job(*args)
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("Scheduler job %s failed", job.__name__)
        finally:
            db.session.remove()


def send_due_mail() -> None:
    """The outbox job: add the reminders due by now, then send whatever is due."""
    plan_reminders()
    db.session.commit()
    deliver_queued()


class Lease:
    """Whether this process is the active scheduler; a second process started by mistake stands by and takes
    over when the first stops beating."""

    def __init__(self):
        self.holder = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = utcnow()
        self.active: bool | None = None

    def renew(self) -> None:
        active = beat(self.holder, self.started_at)
        if active != self.active:
            message = (
                "Scheduler: aktiv."
                if active
                else f"Scheduler: ein anderer Prozess ist aktiv ({active_holder()}); dieser steht in Bereitschaft."
            )
            click.echo(message)
            self.active = active

    def when_active(self, job):
        def guarded(*args):
            if self.active:
                job(*args)

        guarded.__name__ = job.__name__
        return guarded


def build_scheduler(app) -> BlockingScheduler:
    """APScheduler's traps handled: coalesce and misfire_grace_time in job_defaults (a late run happens once, not
    never and not many times), one instance per job; interval jobs only, so no cron time falls into the
    daylight-saving gap. Jobs keep no state of their own: what to send, and what was sent, is in the database."""
    scheduler = BlockingScheduler(
        timezone=app.config["TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    lease = Lease()
    started_at = lease.started_at
    scheduler.add_job(
        run_job,
        "interval",
        seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
        args=(app, lease.renew),
        id="heartbeat",
        next_run_time=started_at,  # beat once right at start
    )
    scheduler.add_job(
        run_job,
        "interval",
        seconds=app.config["MAIL_QUEUE_SECONDS"],
        args=(app, lease.when_active(send_due_mail)),
        id="outbox",
        next_run_time=started_at + timedelta(seconds=0.5),
    )
    if app.config["MAIL_IMAP_HOST"]:  # replies to invitations, from the tool's own mailbox
        scheduler.add_job(
            run_job,
            "interval",
            seconds=app.config["MAIL_IMAP_SECONDS"],
            args=(app, lease.when_active(poll_mailbox)),
            id="imap",
            next_run_time=started_at + timedelta(seconds=2),
        )
    # hourly (the job itself keeps each partner to one reminder a year): profiles older than a year
    scheduler.add_job(
        run_job,
        "interval",
        hours=1,
        args=(app, lease.when_active(yearly_reminder_job)),
        id="partner_reminders",
        next_run_time=started_at + timedelta(seconds=5),
    )
    # daily: sent mails and audit entries past their Aufbewahrungsfrist (RETENTION_MAIL_DAYS, RETENTION_AUDIT_DAYS)
    scheduler.add_job(
        run_job,
        "interval",
        hours=24,
        args=(app, lease.when_active(purge_expired)),
        id="retention",
        next_run_time=started_at + timedelta(seconds=30),
    )
    return scheduler


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler in the foreground until SIGINT or SIGTERM."""
    app = current_app._get_current_object()
    scheduler = build_scheduler(app)

    def stop(signum, _frame):
        click.echo(f"Scheduler: Signal {signum} empfangen, beende.")
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Scheduler läuft (Herzschlag alle {app.config['SCHEDULER_HEARTBEAT_SECONDS']} s). Strg+C beendet.")
    scheduler.start()
    click.echo("Scheduler beendet.")
