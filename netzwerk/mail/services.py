"""The one way the app sends mail: render (text + HTML, in the recipient's language), record, deliver.

``queue_mail`` adds the rendered mail to the session; the caller commits, then calls ``deliver`` so no mail
leaves for a change that was rolled back. With MAIL_SERVER set mails go over SMTP, otherwise into
MAIL_FOLDER as .eml files (development and demo). Either way the Postausgang shows them."""

import smtplib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import cast

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, func, select, update

from netzwerk import clock, unit_of_work
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail

LINK_PLACEHOLDER = "https://link.invalid/persoenlicher-link"
UNSUBSCRIBE_LINKS = "netzwerk.mail.unsubscribe_link"  # app.extensions key: (user_id, kind) -> URL or None


def register_unsubscribe_link(app, build) -> None:
    """Let a higher layer (the unsubscribe blueprint, at app start) say which mails carry an unsubscribe link:
    mail sends them but knows nothing of notification categories, so it never imports that package."""
    app.extensions[UNSUBSCRIBE_LINKS] = build


def unsubscribe_url(user_id: int | None, kind: str) -> str | None:
    """The List-Unsubscribe link for this person and kind of mail; None when no one registered a builder."""
    build = current_app.extensions.get(UNSUBSCRIBE_LINKS)
    return build(user_id, kind) if build is not None else None


def queue_mail(
    recipient: str,
    kind: str,
    *,
    user=None,
    language: str | None = None,
    link: str | None = None,
    calendar: tuple[str, str] | None = None,
    by_scheduler: bool = False,
    **context,
) -> OutgoingMail:
    """Render ``templates/mail/messages/<kind>.{subject,txt,html}`` and add the mail to the outbox (the session).
    The unit of work sends it right after its commit; ``by_scheduler`` leaves it to the scheduler's outbox job
    instead (a reset link: the answer must not take longer when the account exists).

    ``link`` is a personal login link: the bodies get a placeholder, the link is put in when sending."""
    language = language or (user.language if user is not None else None) or "de"
    with force_locale(language):
        unsubscribe = unsubscribe_url(user.id if user is not None else None, kind)
        context.update(recipient_user=user, link=LINK_PLACEHOLDER if link else None, unsubscribe_url=unsubscribe)
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
    if not by_scheduler:
        unit_of_work.after_commit("mail", mail, deliver)
    return mail


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, from BASE_URL: the request's Host header is chosen by the client and could
    point a reset link at someone else's site. Outside a request (the outbox job building a message) the URL
    map alone gives the path."""
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The message as the big clients expect it. With a calendar: multipart/mixed [multipart/alternative
    [text/plain, text/html, text/calendar; method=…], the .ics as an attachment] (Outlook's order: the inline
    part makes Outlook and Gmail show the invitation with its buttons, the attachment serves the others).
    Meeting mails answer to the tool's mailbox; recurring notifications carry one-click unsubscribe."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"
    if mail.calendar or mail.meeting_id:
        message["Reply-To"] = current_app.config["MAIL_INBOX_ADDRESS"]
    add_unsubscribe_headers(message, mail)
    link = mail.secret_link or ""
    message.set_content(mail.body_text.replace(LINK_PLACEHOLDER, link))
    message.add_alternative(mail.body_html.replace(LINK_PLACEHOLDER, link), subtype="html")
    if mail.calendar:
        add_calendar(message, mail.calendar.replace(LINK_PLACEHOLDER, link), mail.calendar_method or "REQUEST")
    return message


def add_calendar(message: EmailMessage, calendar: str, method: str) -> None:
    """The calendar inline as the third alternative, and again as a file (application/ics, as Google sends it,
    so no client takes the copy for a second invitation)."""
    message.add_alternative(calendar, subtype="calendar", params={"method": method})
    filename = "einladung.ics" if method == "REQUEST" else "absage.ics"
    message.add_attachment(
        calendar.encode(), maintype="application", subtype="ics", filename=filename, params={"name": filename}
    )


def add_unsubscribe_headers(message: EmailMessage, mail: OutgoingMail) -> None:
    """RFC 2369 List-Unsubscribe with RFC 8058 one-click POST on reminders and digests (computed from the
    person and the kind of mail, so nothing secret is stored)."""
    url = unsubscribe_url(mail.user_id, mail.kind)
    if url:
        message["List-Unsubscribe"] = f"<{url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


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
        name = f"{clock.now():%Y%m%d-%H%M%S}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        (self.folder / name).write_bytes(bytes(message))


@contextmanager
def transport():
    if current_app.config["MAIL_SERVER"]:
        with smtp_connection() as smtp:
            yield smtp
    else:
        yield FolderTransport(current_app.config["MAIL_FOLDER"])


def claim(mails: list[OutgoingMail]) -> list[OutgoingMail]:
    """Take queued mails for sending; the ones another process (the scheduler, another worker) has are left."""
    if not mails:
        return []
    claimed = set(
        db.session.scalars(
            update(OutgoingMail)
            .where(
                OutgoingMail.id.in_([mail.id for mail in mails]),
                OutgoingMail.status == MailStatus.QUEUED,
                OutgoingMail.due_at <= clock.now(),  # a reminder planned for later waits for its time
            )
            .values(status=MailStatus.SENDING, claimed_at=clock.now())
            .returning(OutgoingMail.id)
        )
    )
    db.session.commit()
    return [mail for mail in mails if mail.id in claimed]


def claim_due(limit: int) -> list[OutgoingMail]:
    """Claim up to ``limit`` due mails in one statement: row locks with SKIP LOCKED on PostgreSQL, the single
    writer on SQLite, so two senders never take the same mail."""
    now = clock.now()
    due = (
        select(OutgoingMail.id)
        .where(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.due_at <= now)
        .order_by(OutgoingMail.due_at, OutgoingMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(
        db.session.scalars(
            update(OutgoingMail)
            .where(OutgoingMail.id.in_(due.scalar_subquery()), OutgoingMail.status == MailStatus.QUEUED)
            .values(status=MailStatus.SENDING, claimed_at=now)
            .returning(OutgoingMail.id)
        )
    )
    db.session.commit()
    return list(db.session.scalars(select(OutgoingMail).where(OutgoingMail.id.in_(ids)).order_by(OutgoingMail.id)))


def release_dead_claims() -> int:
    """Mails claimed by a process that died mid-batch go back to the queue (one of them may have reached the
    server just before the crash; its stable Message-ID lets the receiver tell the repeat)."""
    limit = clock.now() - timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"])
    result = cast(
        CursorResult,
        db.session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.status == MailStatus.SENDING, OutgoingMail.claimed_at < limit)
            .values(status=MailStatus.QUEUED, claimed_at=None)
        ),
    )
    db.session.commit()
    return result.rowcount


def drop_expired() -> int:
    """A reminder whose meeting has begun is not sent any more."""
    result = cast(
        CursorResult,
        db.session.execute(
            update(OutgoingMail)
            .where(OutgoingMail.status == MailStatus.QUEUED, OutgoingMail.expires_at <= clock.now())
            .values(status=MailStatus.CANCELLED, last_error="abgelaufen")
        ),
    )
    db.session.commit()
    return result.rowcount


def record_sent(mail_id: int, attempts: int) -> None:
    """Sent; an earlier failure stays in last_error (with attempts) as the record of what happened. Outside
    development the personal link is forgotten now."""
    now = clock.now()
    values = {"status": MailStatus.SENT, "sent_at": now, "attempted_at": now, "claimed_at": None, "attempts": attempts}
    if current_app.config["NAME"] != "development":
        values["secret_link"] = None
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))


def is_permanent(error: Exception) -> bool:
    """5xx answers for this mail (unknown recipient, refused) will not change on a retry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def record_failure(mail_id: int, attempts: int, error: Exception) -> None:
    """Queue the mail again after a pause, or give up after the last attempt or a permanent refusal."""
    pauses = current_app.config["MAIL_RETRY_MINUTES"]
    values = {
        "attempts": attempts,
        "claimed_at": None,
        "attempted_at": clock.now(),
        "last_error": str(error)[:2000] or type(error).__name__,
    }
    if is_permanent(error) or attempts > len(pauses):
        values["status"] = MailStatus.FAILED
    else:
        values |= {"status": MailStatus.QUEUED, "due_at": clock.now() + timedelta(minutes=pauses[attempts - 1])}
    db.session.execute(update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values))


def send_claimed(mails: list[OutgoingMail]) -> int:
    """Send claimed mails over one connection. Each result is committed as soon as the server answers (one
    short UPDATE, so a crash repeats at most the mail in flight); the messages are built first."""
    batch = [(mail.id, mail.attempts + 1, build_message(mail)) for mail in mails]
    db.session.commit()  # no transaction open while talking to the mail server (on SQLite it holds the lock)
    done: set[int] = set()
    sent = 0
    try:
        with transport() as connection:
            for mail_id, attempts, message in batch:
                try:
                    connection.send_message(message)
                except (smtplib.SMTPException, OSError) as error:
                    record_failure(mail_id, attempts, error)
                else:
                    record_sent(mail_id, attempts)
                    sent += 1
                db.session.commit()
                done.add(mail_id)
    except (smtplib.SMTPException, OSError) as error:
        current_app.logger.warning("Mail server unreachable: %s", error)
        for mail_id, attempts, _message in batch:
            if mail_id not in done:
                record_failure(mail_id, attempts, error)
        db.session.commit()
    return sent


def deliver(mails: list[OutgoingMail]) -> int:
    """Send committed mails now (after the request's commit); returns how many went out. A failure is
    recorded on the mail, retried by the scheduler, and never breaks the request."""
    return send_claimed(claim(mails))


def deliver_queued(limit: int | None = None) -> int:
    """The scheduler's outbox job: drop expired mails, free dead claims, send what is due, batch by batch."""
    drop_expired()
    release_dead_claims()
    batch_size = limit or current_app.config["MAIL_BATCH_SIZE"]
    total = 0
    while batch := claim_due(batch_size):
        total += send_claimed(batch)
        if limit:
            break
    return total


def drop_waiting(meeting_id: int, kinds: tuple[str, ...]) -> None:
    """Reminders for a meeting that moved or was cancelled are not sent (new ones follow for a new time)."""
    db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.meeting_id == meeting_id,
            OutgoingMail.kind.in_(kinds),
            OutgoingMail.status == MailStatus.QUEUED,
        )
        .values(status=MailStatus.CANCELLED, last_error="Sitzung geändert oder abgesagt")
    )


NOT_TO_RESEND = _l("Diese E-Mail wartet bereits auf den Versand oder ist verschickt; sie wird nicht erneut gesendet.")


def resend(mail: OutgoingMail) -> None:
    """The manager sends a failed or cancelled mail again (after fixing the address, say); the outbox job sends
    it. Conflict for a mail that waits or went out (a second click, or the job was quicker)."""
    if mail.status not in (MailStatus.FAILED, MailStatus.CANCELLED):
        raise Conflict(NOT_TO_RESEND)
    mail.status, mail.due_at, mail.attempts, mail.claimed_at = MailStatus.QUEUED, clock.now(), 0, None


@dataclass(frozen=True)
class OutboxHealth:
    """For /healthz and the manager's overview: what waits (queued, being sent), what failed for good, and the
    mail server's last refusal or silence (nothing while the last attempt went through)."""

    waiting: int
    failed: int
    last_error: str | None
    last_error_at: datetime | None

    def as_json(self) -> dict:
        return {
            "waiting": self.waiting,
            "failed": self.failed,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
        }


def outbox_health() -> OutboxHealth:
    counts = dict(
        db.session.execute(
            select(OutgoingMail.status, func.count(OutgoingMail.id))
            .where(OutgoingMail.status.in_([MailStatus.QUEUED, MailStatus.SENDING, MailStatus.FAILED]))
            .group_by(OutgoingMail.status)
        ).all()
    )
    last = db.session.execute(
        select(OutgoingMail.status, OutgoingMail.last_error, OutgoingMail.attempted_at)
        .where(OutgoingMail.attempted_at.is_not(None))
        .order_by(OutgoingMail.attempted_at.desc(), OutgoingMail.id.desc())
        .limit(1)
    ).first()
    failing = last if last is not None and last.status != MailStatus.SENT and last.last_error else None
    return OutboxHealth(
        waiting=counts.get(MailStatus.QUEUED, 0) + counts.get(MailStatus.SENDING, 0),
        failed=counts.get(MailStatus.FAILED, 0),
        last_error=failing.last_error if failing else None,
        last_error_at=failing.attempted_at if failing else None,
    )
