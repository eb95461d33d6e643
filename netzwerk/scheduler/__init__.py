"""The scheduler process: ``flask --app wsgi scheduler run``.

APScheduler runs here, in its own process, never inside the web workers (several gunicorn workers would each
run every job). Durable state lives in the database, not in APScheduler's job store: what to send and what was
sent in the outbox, and each periodic job's last completed run in ``scheduler_job_run``. APScheduler only
ticks: every tick of an active scheduler asks the database whether the job is due and runs it if so. So a
scheduler that becomes active (first start, restart, a standby taking over the lease) runs at once whatever
is due, and a run killed midway is run again by the next active scheduler."""

import os
import signal
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import click
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import current_app
from flask.cli import AppGroup

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.mail.imap import poll_mailbox
from netzwerk.mail.services import deliver_queued
from netzwerk.maintenance import refresh_planner_statistics
from netzwerk.partners.services.freshness import yearly_reminder_job
from netzwerk.privacy.services.retention import purge_expired
from netzwerk.reminders.services import plan_reminders
from netzwerk.scheduler.services import active_holder, beat, job_completed, job_failed, job_is_due, job_started
from netzwerk.tasks.services import task_reminder_job
from netzwerk.unit_of_work import unit_of_work

scheduler_cli = AppGroup("scheduler", help="Der Hintergrundprozess für Erinnerungen und Wartung.")


def send_due_mail() -> None:
    """The outbox job: add the reminders and digests due by now (one unit of work), then send whatever is due
    (the outbox claims and records each batch in transactions of its own)."""
    with unit_of_work():
        plan_reminders()
    deliver_queued()


@dataclass(frozen=True)
class PeriodicJob:
    """``every``: the least time between two completed runs (0: a sweep that is safe to repeat, run at every
    tick); ``tick``: how often the active scheduler checks whether the job is due."""

    name: str
    run: Callable[[], object]
    every: timedelta
    tick: timedelta


def periodic_jobs(app) -> list[PeriodicJob]:
    """Every job the scheduler runs; a new job is one more entry here."""
    heartbeat = timedelta(seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"])
    queue = timedelta(seconds=app.config["MAIL_QUEUE_SECONDS"])
    jobs = [
        # reminders before meetings, answer reminders, weekly digests: planned into the outbox, then sent
        PeriodicJob("outbox", send_due_mail, every=timedelta(0), tick=queue),
        # partners whose profile is older than a year (the job keeps each to one reminder a year)
        PeriodicJob("partner_reminders", yearly_reminder_job, every=timedelta(hours=1), tick=heartbeat),
        # tasks from the minutes due tomorrow: one reminder each to the person named under "Wer"
        PeriodicJob("task_reminders", task_reminder_job, every=timedelta(hours=1), tick=heartbeat),
        # sent mails and audit entries past their Aufbewahrungsfrist (RETENTION_MAIL_DAYS, RETENTION_AUDIT_DAYS)
        PeriodicJob("retention", purge_expired, every=timedelta(hours=24), tick=heartbeat),
        # the statistics SQLite plans its joins from (netzwerk/maintenance.py)
        PeriodicJob("planner_statistics", refresh_planner_statistics, every=timedelta(hours=24), tick=heartbeat),
    ]
    if app.config["MAIL_IMAP_HOST"]:  # replies to invitations, read from the tool's own mailbox
        imap = timedelta(seconds=app.config["MAIL_IMAP_SECONDS"])
        jobs.append(PeriodicJob("imap", poll_mailbox, every=imap, tick=min(imap, heartbeat)))
    return jobs


def run_job(app, job, *args) -> None:
    """Run a job as if in a request to BASE_URL (mails render links with url_for); a failure is logged and must
    not end the scheduler (the next run retries)."""
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        try:
            with unit_of_work():  # rolled back on an error
                job(*args)
        except Exception:
            app.logger.exception("Scheduler job %s failed", getattr(job, "__name__", job))
        finally:
            db.session.remove()


def run_if_due(job: PeriodicJob) -> None:
    """One tick of a periodic job: if due, record the start, run the job as its own unit of work, record the
    completion. The bookkeeping commits on its own on purpose, so a kill between start and completion leaves
    the job due for the next active scheduler, and a failed run is still recorded as failed."""
    if not job_is_due(job.name, job.every):
        db.session.rollback()
        return
    job_started(job.name)
    db.session.commit()
    try:
        with unit_of_work():  # committed, then its mails sent; rolled back on an error
            job.run()
    except Exception as error:
        current_app.logger.exception("Scheduler job %s failed", job.name)
        job_failed(job.name, error)
        db.session.commit()
        return
    job_completed(job.name)
    db.session.commit()


class Lease:
    """Whether this process is the active scheduler; a second process started by mistake stands by and takes
    over when the first stops beating. A lease not renewed for SCHEDULER_STALE_AFTER (the database is gone,
    say) counts as lost, since another process may take it over meanwhile."""

    def __init__(self, stale_after: timedelta, on_activated: Callable[[], None] = lambda: None):
        self.holder = f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.started_at = clock.now()
        self.stale_seconds = stale_after.total_seconds()
        self.on_activated = on_activated
        self.won: bool | None = None
        self.renewed = 0.0  # time.monotonic() of the last successful beat

    @property
    def active(self) -> bool:
        return bool(self.won) and time.monotonic() - self.renewed < self.stale_seconds

    def renew(self) -> None:
        was_active = self.active
        try:
            won = beat(self.holder, self.started_at)
        except Exception:
            self.won = False  # cannot tell; stop running jobs until a beat succeeds again
            raise
        self.renewed = time.monotonic()
        if won != self.won:
            message = (
                "Scheduler: aktiv."
                if won
                else f"Scheduler: ein anderer Prozess ist aktiv ({active_holder()}); dieser steht in Bereitschaft."
            )
            click.echo(message)
        self.won = won
        if won and not was_active:
            self.on_activated()

    def when_active(self, job):
        def guarded(*args):
            if self.active:
                job(*args)

        guarded.__name__ = getattr(job, "__name__", "job")
        return guarded


def build_scheduler(app) -> BlockingScheduler:
    """APScheduler's traps handled: coalesce and misfire_grace_time in job_defaults (a late tick happens once,
    not never and not many times), one instance per job; interval ticks only, so no cron time falls into the
    daylight-saving gap. Whether a job is due is decided by the database (see run_if_due), not by APScheduler's
    next_run_time, which advances when a run starts and would lose a run killed midway."""
    scheduler = BlockingScheduler(
        timezone=app.config["TIMEZONE"],
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    jobs = periodic_jobs(app)

    def run_due_jobs_now() -> None:
        for job in jobs:
            scheduler.modify_job(job.name, next_run_time=clock.now())

    lease = Lease(app.config["SCHEDULER_STALE_AFTER"], on_activated=run_due_jobs_now)
    scheduler.add_job(
        run_job,
        "interval",
        seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
        args=(app, lease.renew),
        id="heartbeat",
        next_run_time=lease.started_at,  # beat once right at start
    )
    for job in jobs:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.tick.total_seconds(),
            args=(app, lease.when_active(run_if_due), job),
            id=job.name,
            next_run_time=lease.started_at + job.tick,  # and at once when this process becomes active
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
