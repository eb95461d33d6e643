"""Benchmark: 10,000 due reminders through the outbox (planned by the sweep, claimed in batches, sent over one
SMTP connection per batch, each recorded as sent) against plain smtplib sending the same messages to the same
local SMTP server in the same run. Run with ``make bench``; prints mails per second for both.

    python -m bench.mail_outbox [--reminders 10000] [--database-url URL]
"""

import argparse
import smtplib
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netzwerk import create_app  # noqa: E402
from netzwerk.extensions import db  # noqa: E402
from netzwerk.mail.models import MailStatus, OutgoingMail  # noqa: E402
from netzwerk.mail.services import build_message, deliver_queued  # noqa: E402
from netzwerk.reminders.services import plan_reminders  # noqa: E402
from tests import factories  # noqa: E402


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.count += 1
        return "250 Message accepted"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(reminders: int) -> None:
    """100 members, reminders/100 meetings in two days, invited a month ago: one 7-day reminder each is due."""
    members = 100
    meetings = max(1, reminders // members)
    with factories.batch():
        users = [
            factories.user(email=f"bench{n}@example.org", name=f"Bench {n}", acknowledged=False) for n in range(members)
        ]
        group = factories.group(name="AK Benchmark", members=users)
        factories.meetings_due_for_reminder(group, users, meetings, place="Rathaus Landshut")
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='netzwerk-bench-')}/bench.sqlite"

    counter = Counter()
    port = free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
    try:
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            upgrade()
            seed(args.reminders)

            began = time.perf_counter()
            planned = len(plan_reminders())
            db.session.commit()
            planning = time.perf_counter() - began

            began = time.perf_counter()
            sent = deliver_queued()
            sending = time.perf_counter() - began
            recorded = db.session.scalar(select(func.count()).where(OutgoingMail.status == MailStatus.SENT))

            messages = [build_message(mail) for mail in db.session.scalars(select(OutgoingMail))]
            received_by_outbox = counter.count
            began = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as connection:
                for message in messages:
                    connection.send_message(message)
            plain = time.perf_counter() - began
    finally:
        smtp.stop()

    outbox_rate, plain_rate = sent / sending, len(messages) / plain
    print(f"Datenbank: {url.split('://')[0]}, Erinnerungen geplant: {planned} in {planning:.1f} s")
    print(
        f"Outbox (Batches, jede Mail als verschickt vermerkt): {sent} in {sending:.1f} s = {outbox_rate:,.0f} Mails/s"
    )
    print(
        f"smtplib allein (eine Verbindung, ohne Vermerk): {len(messages)} in {plain:.1f} s = {plain_rate:,.0f} Mails/s"
    )
    print(f"Verhältnis Outbox/smtplib: {outbox_rate / plain_rate:.2f}")
    assert sent == recorded == planned == received_by_outbox == args.reminders, "not every reminder went out once"


if __name__ == "__main__":
    main()
