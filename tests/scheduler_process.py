"""The scheduler as its own process, shared by the process, failover and outage tests: start it against the
test database and a local SMTP server, wait for what it does, and make reminders fall due for it."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


class SlowCounter:
    """Accepts every mail after a short pause (so a batch takes a while) and counts each Message-ID."""

    def __init__(self, pause: float):
        self.pause, self.received = pause, []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        await asyncio.sleep(self.pause)
        for line in envelope.original_content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.received.append(line.split(":", 1)[1].strip())
                break
        return "250 Message accepted"


def due_reminders(app, meetings: int, members: int, group_name="AK Dauerlauf") -> int:
    """Meetings in two days, invited a month ago, everyone said yes: the 7-day reminder of each is due now."""
    with app.app_context():
        people = [factories.user() for _ in range(members)]
        factories.meetings_due_for_reminder(factories.group(name=group_name, members=people), people, meetings)
        db.session.commit()
    return meetings * members


def start_scheduler(app, smtp_port, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "NETZWERK_CONFIG": "testing",
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TEST_MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
        "MAIL_QUEUE_SECONDS": "1",
        "MAIL_CLAIM_TIMEOUT": "3",
        "MAIL_BATCH_SIZE": "50",
    }
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen(
        [str(flask), "--app", "wsgi", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def sent_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(OutgoingMail.status == MailStatus.SENT))
        db.session.remove()
        return count
