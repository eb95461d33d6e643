"""The scheduler's heartbeat and how healthy it looks from the outside."""

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.scheduler.models import SchedulerHeartbeat

SCHEDULER_NAME = "scheduler"


def beat(started_at: datetime | None = None) -> SchedulerHeartbeat:
    heartbeat = db.session.scalar(select(SchedulerHeartbeat).where(SchedulerHeartbeat.name == SCHEDULER_NAME))
    if heartbeat is None:
        heartbeat = SchedulerHeartbeat(name=SCHEDULER_NAME)
        db.session.add(heartbeat)
    heartbeat.beat_at = utcnow()
    heartbeat.host, heartbeat.pid = socket.gethostname()[:255], os.getpid()
    if started_at is not None:
        heartbeat.started_at = started_at
    return heartbeat


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
    age = utcnow() - last
    fresh = age <= current_app.config["SCHEDULER_STALE_AFTER"]
    return SchedulerState("ok" if fresh else "stale", last, max(0, int(age.total_seconds())))
