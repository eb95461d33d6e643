"""The scheduler as its own process against a real SMTP server: killed with SIGKILL mid-batch again and again,
restarted, and still every due reminder arrives, and none twice except at most one per kill (the mail the
server accepted just before the kill could be recorded); two processes by mistake send nothing twice."""

import signal
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from netzwerk.extensions import db
from netzwerk.mail.models import OutgoingMail
from tests.conftest import free_port
from tests.scheduler_process import SlowCounter, due_reminders, sent_count, start_scheduler, wait_for


@pytest.fixture
def slow_smtp():
    handler = SlowCounter(pause=0.01)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def test_killed_again_and_again_no_reminder_is_lost_and_few_doubled(app, slow_smtp, tmp_path):
    port, smtp = slow_smtp
    expected = due_reminders(app, meetings=20, members=10)
    log = tmp_path / "scheduler.log"
    kills = 0
    for threshold in (20, 80, 140):  # three kills mid-batch; each restart first waits out the lease (3 s)
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


def test_two_schedulers_by_mistake_send_nothing_twice(app, slow_smtp, tmp_path):
    port, smtp = slow_smtp
    expected = due_reminders(app, meetings=10, members=10)
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
        more = due_reminders(app, meetings=2, members=5, group_name="AK Nachschub")
        wait_for(lambda: sent_count(app) == expected + more, 60, "the standby to take over")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
    assert len(smtp.received) == len(set(smtp.received)) == expected + more
