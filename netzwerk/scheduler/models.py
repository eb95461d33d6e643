from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from netzwerk import clock
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db


class SchedulerHeartbeat(db.Model):
    """One row per scheduler name: the last sign of life, for /healthz and the manager, and the lease that
    makes exactly one process the active scheduler (``holder``; taken over once ``beat_at`` is too old)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(default=0)
    holder: Mapped[str] = mapped_column(String(100), default="")


class SchedulerJobRun(db.Model):
    """One row per periodic job: when it last started and last COMPLETED. A job is due when its interval has
    passed since the last completed run, so a scheduler that becomes active (first start, restart, a standby
    taking over) catches up at once, and a run killed midway (started, never completed) is simply due again."""

    __tablename__ = "scheduler_job_run"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
