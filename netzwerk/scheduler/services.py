"""The scheduler's heartbeat and how healthy it looks from the outside."""

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.scheduler.models import SchedulerHeartbeat, SchedulerJobRun

SCHEDULER_NAME = "scheduler"


def beat(holder: str, started_at: datetime | None = None) -> bool:
    """Renew this process's lease as the active scheduler, or take it over once the holder stopped beating;
    True if this process is (still) the active one. Works the same on PostgreSQL and SQLite: one UPDATE decides,
    the unique name decides the very first time."""
    now = clock.now()
    stale = now - current_app.config["SCHEDULER_STALE_AFTER"]
    values = {"holder": holder, "beat_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()}
    if started_at is not None:
        values["started_at"] = started_at
    taken = db.session.execute(
        update(SchedulerHeartbeat)
        .where(
            SchedulerHeartbeat.name == SCHEDULER_NAME,
            or_(SchedulerHeartbeat.holder == holder, SchedulerHeartbeat.beat_at < stale),
        )
        .values(**values)
    ).rowcount
    if taken:
        db.session.commit()
        return True
    if db.session.scalar(select(SchedulerHeartbeat.id).where(SchedulerHeartbeat.name == SCHEDULER_NAME)):
        db.session.rollback()
        return False  # another process holds the lease
    db.session.add(SchedulerHeartbeat(name=SCHEDULER_NAME, **values))
    try:
        db.session.commit()
    except IntegrityError:  # another process started at the same moment and won
        db.session.rollback()
        return False
    return True


def active_holder() -> str:
    row = db.session.scalar(select(SchedulerHeartbeat).where(SchedulerHeartbeat.name == SCHEDULER_NAME))
    return f"{row.host} (PID {row.pid})" if row else "?"


@dataclass(frozen=True)
class SchedulerState:
    state: str  # "ok", "stale" (no beat for a while) or "never" (never ran)
    last_heartbeat: datetime | None
    age_seconds: int | None

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            "age_seconds": self.age_seconds,
        }


def scheduler_state() -> SchedulerState:
    last = db.session.scalar(select(SchedulerHeartbeat.beat_at).where(SchedulerHeartbeat.name == SCHEDULER_NAME))
    if last is None:
        return SchedulerState("never", None, None)
    age = clock.now() - last
    fresh = age <= current_app.config["SCHEDULER_STALE_AFTER"]
    return SchedulerState("ok" if fresh else "stale", last, max(0, int(age.total_seconds())))


# --- Periodic jobs: the last completed run of each, kept in the database ---------------------------------

# After a failed run, the job is tried again after this pause (or its interval, if shorter), not every tick.
RETRY_AFTER_FAILURE = timedelta(minutes=5)


def job_is_due(name: str, every: timedelta, now: datetime | None = None) -> bool:
    """Due when ``every`` has passed since the last completed run, or it never completed. A run that started
    and never completed (its process was killed) leaves the job due; one that failed is retried after
    ``every`` or RETRY_AFTER_FAILURE, whichever is shorter, not at every tick."""
    now = now or clock.now()
    run = db.session.get(SchedulerJobRun, name)
    if run is None:
        return True
    failed = run.last_error and (run.last_completed_at is None or run.last_started_at > run.last_completed_at)
    if failed:
        return now - run.last_started_at >= min(every, RETRY_AFTER_FAILURE)
    return run.last_completed_at is None or now - run.last_completed_at >= every


def _job_run(name: str) -> SchedulerJobRun:
    run = db.session.get(SchedulerJobRun, name)
    if run is None:
        run = SchedulerJobRun(name=name, last_error="")
        db.session.add(run)
    return run


def job_started(name: str) -> None:
    _job_run(name).last_started_at = clock.now()


def job_completed(name: str) -> None:
    run = _job_run(name)
    run.last_completed_at, run.last_error = clock.now(), ""


def job_failed(name: str, error: BaseException) -> None:
    run = _job_run(name)
    run.last_started_at = run.last_started_at or clock.now()
    run.last_error = f"{type(error).__name__}: {error}"[:500]


def job_runs() -> dict[str, dict]:
    """For /healthz: each job's last started and completed run and its last error."""
    return {
        run.name: {
            "last_started_at": run.last_started_at.isoformat() if run.last_started_at else None,
            "last_completed_at": run.last_completed_at.isoformat() if run.last_completed_at else None,
            "last_error": run.last_error or None,
        }
        for run in db.session.scalars(select(SchedulerJobRun).order_by(SchedulerJobRun.name))
    }
