"""The one way the app sends mail: render (text + HTML, in the recipient's language), record, deliver.

``queue_mail`` adds the rendered mail to the session; the caller commits, then calls ``deliver`` so no mail
leaves for a change that was rolled back. With MAIL_SERVER set mails go over SMTP, otherwise into
MAIL_FOLDER as .eml files (development and demo). Either way the Postausgang shows them."""

import smtplib
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select, update

from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail

LINK_PLACEHOLDER = "https://link.invalid/persoenlicher-link"


def queue_mail(
    recipient: str,
    kind: str,
    *,
    user=None,
    language: str | None = None,
    link: str | None = None,
    calendar: tuple[str, str] | None = None,
    **context,
) -> OutgoingMail:
    """Render ``templates/mail/messages/<kind>.{subject,txt,html}`` and add the mail to the session.

    ``link`` is a personal login link: the bodies get a placeholder, the link is put in when sending."""
    language = language or (user.language if user is not None else None) or "de"
    with force_locale(language):
        context.update(recipient_user=user, link=LINK_PLACEHOLDER if link else None)
        subject = render_template(f"mail/messages/{kind}.subject.txt", **context).strip()
        body_text = render_template(f"mail/messages/{kind}.txt", **context)
        body_html = render_template(f"mail/messages/{kind}.html", subject=subject, **context)
    domain = current_app.config["MAIL_DEFAULT_SENDER"].rsplit("@", 1)[-1].strip("> ")
    mail = OutgoingMail(
        kind=kind,
        recipient=recipient,
        user_id=user.id if user is not None else None,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        message_id=make_msgid(domain=domain),
        secret_link=link,
        calendar=calendar[1] if calendar else None,
        calendar_method=calendar[0] if calendar else None,
    )
    db.session.add(mail)
    return mail


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, from BASE_URL: the request's Host header is chosen by the client and could
    point a reset link at someone else's site."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def build_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    link = mail.secret_link or ""
    message.set_content(mail.body_text.replace(LINK_PLACEHOLDER, link))
    message.add_alternative(mail.body_html.replace(LINK_PLACEHOLDER, link), subtype="html")
    if mail.calendar:
        method = mail.calendar_method or "REQUEST"
        message.add_attachment(
            mail.calendar.replace(LINK_PLACEHOLDER, link).encode(),
            maintype="text",
            subtype="calendar",
            filename="einladung.ics" if method == "REQUEST" else "absage.ics",
            params={"method": method, "charset": "utf-8"},
        )
    return message


def body_for_display(mail: OutgoingMail) -> str:
    """The text as the Postausgang shows it: the personal link only while it is still stored (development)."""
    if mail.secret_link:
        return mail.body_text.replace(LINK_PLACEHOLDER, mail.secret_link)
    return mail.body_text.replace(LINK_PLACEHOLDER, "[" + gettext("persönlicher Link, nicht gespeichert") + "]")


@contextmanager
def smtp_connection():
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        yield smtp


class FolderTransport:
    """Development stand-in for SMTP: one .eml file per mail."""

    def __init__(self, folder: str):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_message(self, message: EmailMessage) -> None:
        name = f"{utcnow():%Y%m%d-%H%M%S}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        (self.folder / name).write_bytes(bytes(message))


@contextmanager
def transport():
    if current_app.config["MAIL_SERVER"]:
        with smtp_connection() as smtp:
            yield smtp
    else:
        yield FolderTransport(current_app.config["MAIL_FOLDER"])


def claim(mail: OutgoingMail) -> bool:
    """Take a queued mail for sending; False if another process (the scheduler, another worker) has it."""
    result = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail.id, OutgoingMail.status == MailStatus.QUEUED)
        .values(status=MailStatus.SENDING)
    )
    db.session.commit()
    return result.rowcount == 1


def mark_sent(mail: OutgoingMail) -> None:
    mail.status, mail.sent_at, mail.last_error = MailStatus.SENT, utcnow(), None
    if current_app.config["NAME"] != "development":
        mail.secret_link = None


def deliver(mails: list[OutgoingMail]) -> int:
    """Send committed mails over one connection, recording each result at once; returns how many went out.

    Each mail is claimed first, so no mail goes out twice. A failure is recorded on the mail (the Postausgang
    shows it) and never breaks the request."""
    pending = [mail for mail in mails if claim(mail)]
    if not pending:
        return 0
    sent = 0
    try:
        with transport() as connection:
            for mail in pending:
                mail.attempts += 1
                try:
                    connection.send_message(build_message(mail))
                except (smtplib.SMTPException, OSError) as error:
                    mail.status, mail.last_error = MailStatus.FAILED, str(error)[:2000]
                else:
                    mark_sent(mail)
                    sent += 1
                db.session.commit()
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("Mail server unreachable: %s", error)
        for mail in pending:
            if mail.status == MailStatus.SENDING:
                mail.attempts += 1
                mail.status, mail.last_error = MailStatus.FAILED, str(error)[:2000]
        db.session.commit()
    return sent


def deliver_queued(limit: int = 200) -> int:
    """Send what is waiting in the outbox (the scheduler's job; safe to run from several processes)."""
    mails = db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.status == MailStatus.QUEUED).order_by(OutgoingMail.id).limit(limit)
    ).all()
    return deliver(list(mails))
