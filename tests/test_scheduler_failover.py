"""Failover without gaps: the active scheduler is killed with SIGKILL three times at random points while
meeting reminders, partner-profile reminders and the retention purge are due; a standby takes over each time
and runs at once whatever is due (not an hour or a day later): after the last kill, mail never pauses for longer
than MAIL_CLAIM_TIMEOUT plus one lease period. How fast the rest is sent depends on the machine's load; a
pause is what a lost takeover would show."""

import asyncio
import email
import random
import signal
import time
from datetime import timedelta
from itertools import pairwise

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.scheduler.models import SchedulerHeartbeat, SchedulerJobRun
from tests import factories
from tests.conftest import free_port
from tests.scheduler_process import due_reminders, start_scheduler, wait_for

CLAIM_TIMEOUT = 3  # MAIL_CLAIM_TIMEOUT as start_scheduler sets it
LEASE = 3  # SCHEDULER_STALE_AFTER: three heartbeats of 1 s
SLACK = 4  # a busy 2-core machine: process start, first query, first SMTP connection
FINISH_WITHIN = 120  # seconds for all mails at any load; an interval-long wait would be an hour


class Recorder:
    """Accepts every mail after a short pause and keeps (Message-ID, recipients) and when each arrived."""

    def __init__(self, pause: float):
        self.pause, self.received, self.arrivals = pause, [], []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        await asyncio.sleep(self.pause)
        message_id = email.message_from_bytes(envelope.original_content)["Message-ID"]
        self.received.append((str(message_id), tuple(envelope.rcpt_tos)))
        self.arrivals.append(time.monotonic())
        return "250 Message accepted"


@pytest.fixture
def recording_smtp():
    handler = Recorder(pause=0.02)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def stale_partners(app, count: int) -> list[str]:
    """Partners for more than a year whose profile was never updated: each partner user is due for the yearly
    reminder."""
    with app.app_context():
        users = [factories.user(role="partner", name=f"Partnerin {n}") for n in range(count)]
        for n, user in enumerate(users):
            factories.partnership(
                factories.actor(name=f"Partner {n} e.V.", kind="partner"),
                users=[user],
                created_at=clock.now() - timedelta(days=400),
            )
        emails = [user.email for user in users]
        db.session.commit()
    return emails


def jobs_last_ran(app, partner_ago: timedelta, retention_ago: timedelta) -> None:
    """As if a scheduler had run the hourly and daily jobs a while ago, so they fall due during the test."""
    now = clock.now()
    with app.app_context():
        for name, ago in (("partner_reminders", partner_ago), ("retention", retention_ago)):
            db.session.add(SchedulerJobRun(name=name, last_started_at=now - ago, last_completed_at=now - ago))
        db.session.add(
            OutgoingMail(
                key="old-mail",
                kind="invitation",
                recipient="alt@example.org",
                subject="Alt",
                body_text="alt",
                body_html="<p>alt</p>",
                message_id="<old@example.org>",
                status=MailStatus.SENT,
                created_at=now - timedelta(days=400),
            )
        )
        db.session.commit()


def active_pid(app) -> int | None:
    with app.app_context():
        row = db.session.scalar(select(SchedulerHeartbeat))
        fresh = row is not None and clock.now() - row.beat_at < timedelta(seconds=LEASE)
        db.session.remove()
        return row.pid if fresh else None


def everything_done(app, smtp, expected_ids: int, partner_emails: list[str]) -> bool:
    partner_mails = {rcpt for _, rcpts in smtp.received for rcpt in rcpts if rcpt in partner_emails}
    with app.app_context():
        sent = db.session.scalar(select(func.count()).where(OutgoingMail.status == MailStatus.SENT))
        old_mail_gone = db.session.scalar(select(OutgoingMail.id).where(OutgoingMail.key == "old-mail")) is None
        db.session.remove()
    return (
        len({mid for mid, _ in smtp.received}) >= expected_ids
        and sent == expected_ids
        and partner_mails == set(partner_emails)
        and old_mail_gone
    )


def longest_pause_after(start: float, arrivals: list[float]) -> float:
    """The longest time without a mail from `start` until the last mail arrived."""
    times = [start, *sorted(t for t in arrivals if t > start)]
    return max((later - earlier for earlier, later in pairwise(times)), default=0.0)


def test_three_kills_of_the_active_scheduler_lose_nothing_and_delay_nothing(app, recording_smtp, tmp_path):
    port, smtp = recording_smtp
    reminders = due_reminders(app, meetings=10, members=10)
    partner_emails = stale_partners(app, 6)
    # the hourly partner job and the daily purge ran long ago by their interval's measure: both come due while
    # the schedulers are being killed, and would otherwise wait an hour and a day after a takeover
    jobs_last_ran(app, partner_ago=timedelta(hours=1) - timedelta(seconds=4), retention_ago=timedelta(hours=24))
    expected = reminders + len(partner_emails)
    log = tmp_path / "scheduler.log"
    processes = [start_scheduler(app, port, log), start_scheduler(app, port, log)]  # one active, one standby
    rng = random.Random()
    kills = 0
    try:
        for _ in range(3):
            wait_for(lambda: active_pid(app) in {p.pid for p in processes if p.poll() is None}, 30, "an active one")
            time.sleep(rng.uniform(0.3, 2.5))  # a random point: mid-batch, mid-job or between jobs
            victim = next(p for p in processes if p.pid == active_pid(app))
            victim.send_signal(signal.SIGKILL)
            last_kill = time.monotonic()
            victim.wait(timeout=10)
            kills += 1
            processes.append(start_scheduler(app, port, log))  # restarted, it stands by
            # more reminders fall due during the outage, so there is always work when the next one is killed
            expected += due_reminders(app, meetings=2, members=10, group_name=f"AK {kills}")
        try:
            wait_for(lambda: everything_done(app, smtp, expected, partner_emails), FINISH_WITHIN, "every mail and job")
        except AssertionError:
            raise AssertionError(f"{len(smtp.received)} of {expected} mails\n{log.read_text()[-3000:]}") from None
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
    longest_pause = longest_pause_after(last_kill, smtp.arrivals)
    assert longest_pause <= CLAIM_TIMEOUT + LEASE + SLACK, f"mail paused {longest_pause:.1f} s after the last kill"
    ids = [mid for mid, _ in smtp.received]
    doubled = len(ids) - len(set(ids))
    assert len(set(ids)) == expected, log.read_text()
    assert doubled <= kills, f"{doubled} mails twice after {kills} kills"
    with app.app_context():
        runs = {run.name: run for run in db.session.scalars(select(SchedulerJobRun))}
        assert {"outbox", "partner_reminders", "retention"} <= set(runs)
        assert all(run.last_completed_at and not run.last_error for run in runs.values())
    health = app.test_client().get("/healthz").json
    assert health["scheduler"]["jobs"]["retention"]["last_completed_at"]
    print(
        f"\nscheduler failover: {kills} kills survived, {expected} mails ({len(partner_emails)} partner "
        f"reminders), {doubled} doubled, longest pause after the last kill {longest_pause:.1f} s"
    )
