"""The mail module: real SMTP delivery, the development folder, failures, the Postausgang."""

import pytest
from sqlalchemy import select

from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import deliver, queue_mail
from tests.conftest import free_port


def send_invitation_mail(app, user_id, language=None):
    with app.test_request_context():
        user = db.session.get(User, user_id)
        if language:
            user.language = language
        mail = queue_mail(user.email, "invitation", user=user, link="http://localhost/einladung/abc", invited_by=user)
        db.session.commit()
        deliver([mail])
        return mail.id, mail.status, mail.last_error


def test_mail_goes_over_smtp_as_text_and_html(app, make_user, mailbox):
    user = make_user(name="Berta Beispiel")
    mail_id, status, _error = send_invitation_mail(app, user.id)
    assert status == MailStatus.SENT
    (message,) = mailbox.messages
    assert message.get_content_type() == "multipart/alternative"
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert "Guten Tag Berta Beispiel," in mailbox.text_of(message)
    assert '<html lang="de">' in mailbox.html_of(message)
    with app.app_context():
        stored = db.session.get(OutgoingMail, mail_id)
        assert stored.message_id == message["Message-ID"] and stored.sent_at is not None


def test_mail_is_written_in_the_recipients_language(app, make_user, mailbox):
    user = make_user()
    send_invitation_mail(app, user.id, language="en")
    (message,) = mailbox.messages
    assert message["Subject"] == "Invitation to Netzwerk Landshut"
    assert '<html lang="en">' in mailbox.html_of(message)


@pytest.mark.parametrize("app", [{"MAIL_PORT": free_port()}], indirect=True)  # nothing listens there
def test_an_unreachable_mail_server_is_recorded_not_raised(app, make_user):
    mail_id, status, error = send_invitation_mail(app, make_user().id)
    assert status == MailStatus.QUEUED and "Connection refused" in error  # the scheduler tries again later
    with app.app_context():
        mail = db.session.get(OutgoingMail, mail_id)
        assert mail.attempts == 1 and mail.due_at > mail.created_at


@pytest.mark.parametrize("app", [{"MAIL_SERVER": None}], indirect=True)
def test_without_a_mail_server_mails_go_to_the_folder(app, make_user, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path)
    _id, status, _error = send_invitation_mail(app, make_user().id)
    assert status == MailStatus.SENT
    (eml,) = tmp_path.glob("*.eml")
    assert b"Subject: Einladung in das Netzwerk Landshut" in eml.read_bytes()


def test_login_links_are_sent_but_not_kept(app, as_role, make_user, mailbox):
    manager, _ = as_role("admin")
    user = make_user()
    mail_id, *_ = send_invitation_mail(app, user.id)
    assert "http://localhost/einladung/abc" in mailbox.text_of(mailbox.messages[0])
    assert 'href="http://localhost/einladung/abc"' in mailbox.html_of(mailbox.messages[0])
    with app.app_context():
        stored = db.session.get(OutgoingMail, mail_id)
        assert stored.secret_link is None
        assert "einladung/abc" not in stored.body_text + stored.body_html
    page = manager.get("/postausgang/").text
    assert "Einladung in das Netzwerk Landshut" in page and "verschickt" in page
    detail = manager.get(f"/postausgang/{mail_id}").text
    assert "persönlicher Link, nicht gespeichert" in detail and "/einladung/abc" not in detail
    assert manager.get("/postausgang/", query_string={"status": "failed"}).status_code == 200
    assert manager.get("/postausgang/424242").status_code == 404


@pytest.mark.parametrize("app", [{"MAIL_SERVER": None, "NAME": "development"}], indirect=True)
def test_postausgang_shows_links_in_development(app, as_role, make_user, tmp_path):
    app.config["MAIL_FOLDER"] = str(tmp_path)
    manager, _ = as_role("admin")
    user = make_user()
    mail_id, *_ = send_invitation_mail(app, user.id)
    assert "/einladung/abc" in manager.get(f"/postausgang/{mail_id}").text


def test_mail_rows_survive_in_the_database(app, make_user, mailbox):
    user = make_user()
    send_invitation_mail(app, user.id)
    with app.app_context():
        assert db.session.scalar(select(OutgoingMail.recipient)) == user.email


def test_a_mail_is_sent_once_even_when_two_senders_race(app, make_user, mailbox):
    from netzwerk.mail.services import deliver_queued

    user = make_user()
    with app.test_request_context():
        recipient = db.session.get(User, user.id)
        queue_mail(user.email, "invitation", user=recipient, link="x", invited_by=recipient)
        db.session.commit()
        stale = db.session.scalars(select(OutgoingMail)).all()  # a second sender loaded the same row
        assert deliver_queued() == 1
        assert deliver(list(stale)) == 0
    assert len(mailbox.messages) == 1


def test_the_outbox_and_the_audit_log_are_paged_without_counting(app, as_role, make_user):
    """A million mails: pages of 50, newest first, the filter kept in the links, and no count(*) of all rows."""
    from sqlalchemy import event

    from netzwerk.audit.services import record

    person = make_user(name="Viel Post")
    with app.app_context():
        for n in range(51):
            db.session.add(
                OutgoingMail(
                    kind="test", recipient=person.email, subject=f"Nachricht {n}.", body_text="", body_html="",
                    message_id=f"<viel-{n}@example.org>",
                )
            )  # fmt: skip
            record("test.entry", summary=f"Eintrag {n}.")
        db.session.commit()
        engine = db.engine
    manager, _ = as_role("admin")
    for url, first, last, kept in (
        ("/postausgang/?status=queued", "Nachricht 50.", "Nachricht 0.", "status=queued"),
        ("/aenderungsprotokoll/?aktion=test", "Eintrag 50.", "Eintrag 0.", "aktion=test"),
    ):
        statements: list[str] = []
        listener = lambda *args, seen=statements: seen.append(args[2].lower())  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        page = manager.get(url).text
        event.remove(engine, "before_cursor_execute", listener)
        assert first in page and last not in page and "Nächste Seite" in page and "Seite 1" in page
        assert kept in page  # the filter stays in the next page's link
        second = manager.get(f"{url}&page=2").text
        assert last in second and first not in second and "Vorherige Seite" in second
        assert not [s for s in statements if "count(" in s and "outgoing_mail" in s or "count(*)" in s], url
