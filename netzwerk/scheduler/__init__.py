"""The scheduler process: ``flask --app wsgi scheduler run``.

APScheduler runs here, in its own process, never inside the web workers (several gunicorn workers would each
run every job). Durable state lives in the database, not in APScheduler's job store."""

import signal

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.mail.services import deliver_queued
from netzwerk.partners.services import yearly_reminder_job
from netzwerk.scheduler.services import beat

scheduler_cli = AppGroup("scheduler", help="Der Hintergrundprozess für Erinnerungen und Wartung.")


def run_job(app, job, *args) -> None:
    """Run a job in an app context; a failure is logged and must not end the scheduler (the next run retries)."""
    with app.app_context():
        try:
            job(*args)
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("Scheduler job %s failed", job.__name__)
        finally:
            db.session.remove()


def build_scheduler(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=app.config["TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    started_at = utcnow()
    scheduler.add_job(
        run_job,
        "interval",
        seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
        args=(app, beat, started_at),
        id="heartbeat",
        next_run_time=started_at,  # beat once right at start
    )
    scheduler.add_job(
        run_job,
        "interval",
        seconds=app.config["MAIL_QUEUE_SECONDS"],
        args=(app, deliver_queued),
        id="outbox",
        next_run_time=started_at,
    )
    # once a day, well clear of the 02:00–03:00 DST gap: partners whose profile is older than a year
    scheduler.add_job(run_job, "cron", hour=7, minute=30, args=(app, yearly_reminder_job), id="partner_reminders")
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
