"""The outbox: due mails claimed once, retried with back-off after temporary failures, given up on permanent
ones, taken up again after a sender died, dropped when their meeting has begun."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import deliver_queued, queue_mail
from tests.conftest import post_form
from tests.test_meetings import group_world, schedule  # noqa: F401  (group_world is a fixture)


def queue(app, user_id, n=1, **fields):
    with app.test_request_context():
        user = db.session.get(User, user_id)
        for _ in range(n):
            mail = queue_mail(user.email, "password_reset", user=user, link="http://localhost/passwort/x")
            for name, value in fields.items():
                setattr(mail, name, value)
        db.session.commit()


def rows(app):
    with app.app_context():
        return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def make_due_again(app):
    """Time passes: every pause is over."""
    with app.app_context():
        db.session.execute(update(OutgoingMail).values(due_at=clock.now() - timedelta(seconds=1)))
        db.session.commit()


def run(app, **kwargs):
    with app.app_context():
        return deliver_queued(**kwargs)


class Moody:
    """An SMTP handler that answers 451 to the first ``refusals`` deliveries of each message, then accepts."""

    def __init__(self, mailbox, refusals, code="451 4.3.0 Bitte später erneut versuchen"):
        self.mailbox, self.refusals, self.code, self.seen = mailbox, refusals, code, {}

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message_id = next(
            line for line in envelope.original_content.decode().splitlines() if line.startswith("Message-ID")
        )
        self.seen[message_id] = self.seen.get(message_id, 0) + 1
        if self.seen[message_id] <= self.refusals:
            return self.code
        return await self.mailbox.handle_DATA(server, session, envelope)


@pytest.fixture
def moody(smtp_server, mailbox):
    def install(refusals, code="451 4.3.0 Bitte später erneut versuchen"):
        smtp_server.handler = Moody(mailbox, refusals, code)
        return smtp_server.handler

    original = smtp_server.handler
    yield install
    smtp_server.handler = original


def test_a_refusing_server_gets_every_mail_once_in_the_end(app, make_user, mailbox, moody):
    moody(refusals=2)
    user = make_user()
    queue(app, user.id, n=5)
    assert run(app) == 0
    assert {(m.status, m.attempts) for m in rows(app)} == {(MailStatus.QUEUED, 1)}
    assert all(m.due_at > clock.now() + timedelta(seconds=30) for m in rows(app))  # back-off: not before a minute
    assert run(app) == 0  # nothing due yet
    make_due_again(app)
    run(app)
    make_due_again(app)
    assert run(app) == 5
    sent = rows(app)
    assert {(m.status, m.attempts) for m in sent} == {(MailStatus.SENT, 3)}
    assert all("451" in m.last_error for m in sent)  # the failures stay on record
    assert len(mailbox.messages) == 5 and len({m["Message-ID"] for m in mailbox.messages}) == 5


def test_a_mail_that_keeps_failing_ends_as_failed_and_can_be_resent(app, make_user, mailbox, moody, as_role):
    moody(refusals=99)
    queue(app, make_user().id)
    for _ in range(6):
        make_due_again(app)
        run(app)
    (mail,) = rows(app)
    assert mail.status == MailStatus.FAILED and mail.attempts == 5
    manager, _ = as_role("admin")
    page = manager.get(f"/postausgang/{mail.id}")
    assert "451" in page.text and "Erneut senden" in page.text
    moody(refusals=0)
    assert (
        post_form(manager, f"/postausgang/{mail.id}/erneut", {}, get_url=f"/postausgang/{mail.id}").status_code == 302
    )
    run(app)
    assert rows(app)[0].status == MailStatus.SENT and len(mailbox.messages) == 1
    again = post_form(manager, f"/postausgang/{mail.id}/erneut", {}, get_url=f"/postausgang/{mail.id}")
    assert again.status_code == 302  # a sent mail is not sent again; the page says why
    assert "wird nicht erneut gesendet" in manager.get(f"/postausgang/{mail.id}").text
    run(app)
    assert rows(app)[0].status == MailStatus.SENT and len(mailbox.messages) == 1


def test_a_permanent_refusal_is_not_retried(app, make_user, mailbox, moody):
    moody(refusals=99, code="550 5.1.1 Unbekannter Empfänger")
    queue(app, make_user().id)
    run(app)
    (mail,) = rows(app)
    assert mail.status == MailStatus.FAILED and mail.attempts == 1 and "550" in mail.last_error


def test_a_claim_of_a_dead_sender_is_taken_up_again(app, make_user, mailbox):
    queue(app, make_user().id, n=2)
    with app.app_context():  # a sender claimed both and died
        db.session.execute(update(OutgoingMail).values(status=MailStatus.SENDING, claimed_at=clock.now()))
        db.session.commit()
    assert run(app) == 0  # a fresh claim is respected
    with app.app_context():
        old = clock.now() - timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"] + 1)
        db.session.execute(update(OutgoingMail).values(claimed_at=old))
        db.session.commit()
    assert run(app) == 2
    assert len(mailbox.messages) == 2


def test_a_mail_past_its_expiry_is_dropped(app, make_user, mailbox):
    queue(app, make_user().id, expires_at=clock.now() - timedelta(minutes=1))
    assert run(app) == 0
    assert rows(app)[0].status == MailStatus.CANCELLED and mailbox.messages == []


def test_parallel_senders_send_each_mail_once(app, make_user, mailbox):
    queue(app, make_user().id, n=40)
    barrier = threading.Barrier(4)

    def sender():
        barrier.wait()
        run(app, limit=5)
        while run(app, limit=5):
            pass

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mailbox.messages) == 40
    assert len({m["Message-ID"] for m in mailbox.messages}) == 40
    assert {m.status for m in rows(app)} == {MailStatus.SENT}


def test_mails_due_later_wait(app, make_user, mailbox):
    queue(app, make_user().id, due_at=clock.now() + timedelta(hours=1))
    assert run(app) == 0 and rows(app)[0].status == MailStatus.QUEUED


def test_meeting_mails_carry_a_key_per_person_and_calendar_version(app, group_world, mailbox):  # noqa: F811
    schedule(group_world)
    with app.app_context():
        keys = sorted(db.session.scalars(select(OutgoingMail.key)))
        meeting_id = db.session.scalar(select(OutgoingMail.meeting_id))
    lead, member = group_world["lead"].id, group_world["member"].id
    assert keys == sorted(f"meeting_invitation:{meeting_id}:{uid}:0" for uid in (lead, member))
