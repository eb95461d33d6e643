"""The scheduler as its own process against a real SMTP server: killed with SIGKILL mid-batch again and again,
restarted, and still every due reminder arrives, and none twice except at most one per kill (the mail the
server accepted just before the kill could be recorded); two processes by mistake send nothing twice."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.meetings.models import Invitation, Meeting
from tests.conftest import free_port

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


@pytest.fixture
def slow_smtp():
    handler = SlowCounter(pause=0.01)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def due_reminders(app, meetings: int, members: int, make_user, group_name="AK Dauerlauf") -> int:
    """Meetings in two days, invited a month ago, everyone said yes: the 7-day reminder of each is due now."""
    people = [make_user() for _ in range(members)]
    start = clock.now().replace(second=0, microsecond=0) + timedelta(days=2)
    with app.app_context():
        group = WorkingGroup(name=group_name)
        db.session.add(group)
        db.session.add_all(Membership(group=group, user_id=p.id) for p in people)
        for n in range(meetings):
            meeting = Meeting(
                group=group,
                title=f"Sitzung {n}",
                starts_at=start + timedelta(minutes=n),
                ends_at=start + timedelta(minutes=n, hours=1),
                place="Rathaus",
                announced_at=start - timedelta(days=30),
            )
            db.session.add(meeting)
            db.session.add_all(Invitation(meeting=meeting, user_id=p.id, answer="yes") for p in people)
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


def test_killed_again_and_again_no_reminder_is_lost_and_few_doubled(app, make_user, slow_smtp, tmp_path):
    port, smtp = slow_smtp
    expected = due_reminders(app, meetings=30, members=10, make_user=make_user)
    log = tmp_path / "scheduler.log"
    kills = 0
    for threshold in (20, 80, 140, 200):
        process = start_scheduler(app, port, log)
        wait_for(lambda t=threshold: len(smtp.received) >= t, 60, f"{threshold} mails")
        process.send_signal(signal.SIGKILL)  # in the middle of a batch
        process.wait(timeout=10)
        kills += 1
    process = start_scheduler(app, port, log)
    try:
        wait_for(lambda: len(set(smtp.received)) >= expected and sent_count(app) == expected, 90, "every reminder")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert len(set(smtp.received)) == expected, log.read_text()
    doubled = len(smtp.received) - expected
    assert 0 <= doubled <= kills, f"{doubled} mails twice after {kills} kills"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == expected  # planned once each


def test_two_schedulers_by_mistake_send_nothing_twice(app, make_user, slow_smtp, tmp_path):
    port, smtp = slow_smtp
    expected = due_reminders(app, meetings=10, members=10, make_user=make_user)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    processes = [start_scheduler(app, port, log) for log in logs]
    try:
        wait_for(lambda: sent_count(app) == expected, 60, "every reminder")
        time.sleep(1.5)  # give a second sender the chance to misbehave
        outputs = [log.read_text() for log in logs]
        assert sum("steht in Bereitschaft" in output for output in outputs) == 1, outputs
        assert len(smtp.received) == len(set(smtp.received)) == expected
        # the active one dies: the one standing by takes over
        active = next(p for p, output in zip(processes, outputs, strict=True) if "Bereitschaft" not in output)
        active.send_signal(signal.SIGKILL)
        active.wait(timeout=10)
        more = due_reminders(app, meetings=2, members=5, make_user=make_user, group_name="AK Nachschub")
        wait_for(lambda: sent_count(app) == expected + more, 60, "the standby to take over")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
    assert len(smtp.received) == len(set(smtp.received)) == expected + more
