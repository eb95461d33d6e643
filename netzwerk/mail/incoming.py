"""Incoming mail to the tool's own address (MAIL_INBOX_ADDRESS): answers from mail clients count.

Invitations carry ORGANIZER = the tool's mailbox and RSVP=TRUE, so "Annehmen" in Outlook, Thunderbird or Apple
Mail sends an iTIP REPLY (RFC 5546, carried by mail as in RFC 6047) here. ``receive`` takes one RFC 5322 message:

- a calendar REPLY from an invited person sets their answer (as the answer buttons would, waiting list included);
- a written reply ("ich komme etwas später") goes on to the meeting's organiser through the outbox;
- anything else changes nothing and is listed for the manager with the reason.

Every mail is recorded once by its Message-ID (the same mail twice changes nothing). Services never commit: the
caller (``flask mail receive``, the IMAP poll) runs each mail as a unit of work, which sends the mails queued
here once it is saved."""

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from typing import cast

import nh3
from flask import current_app
from icalendar import Calendar, vCalAddress
from sqlalchemy import func, select

from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.models import IncomingMail, IncomingOutcome, OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Answer, Invitation, Meeting
from netzwerk.meetings.services.minutes import has_started
from netzwerk.meetings.services.scheduling import answer

VIA_MAIL = "per E-Mail-Antwort"
PARTSTATS = {"ACCEPTED": Answer.YES, "DECLINED": Answer.NO, "TENTATIVE": Answer.MAYBE}
IN_GERMAN = {Answer.YES: "Zusage", Answer.NO: "Absage", Answer.MAYBE: "Vielleicht"}  # the stored reason
CALENDAR_TYPES = ("text/calendar", "application/ics", "text/x-vcalendar")
FORWARDED_TEXT_LIMIT = 20_000
# Subjects of out-of-office notes that come without an Auto-Submitted header (older Exchange, some webmailers).
AUTO_SUBJECT = re.compile(
    r"^\s*(automatische antwort|abwesenheitsnotiz|abwesend|out of office|auto(matic)? ?reply|autoreply|auto:)",
    re.IGNORECASE,
)


@dataclass
class Handled:
    entry: IncomingMail
    duplicate: bool = False


class Refused(Exception):
    """This mail changes nothing; the message is the reason shown to the manager (German)."""


def receive(raw: bytes) -> Handled:
    """Handle one mail (see the module's docstring); adds to the session, never commits."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    message_id = clean(header(message, "Message-ID"), 300) or content_id(raw)
    existing = db.session.scalar(select(IncomingMail).where(IncomingMail.message_id == message_id))
    if existing is not None:
        return Handled(existing, duplicate=True)
    sender = clean(parseaddr(header(message, "From"))[1].lower(), 254)
    entry = IncomingMail(
        message_id=message_id,
        sender_email=sender,
        subject=clean(header(message, "Subject"), 300),
        user_id=db.session.scalar(select(User.id).where(func.lower(User.email) == sender)) if sender else None,
        outcome=IncomingOutcome.REJECTED,
    )
    db.session.add(entry)
    handled = Handled(entry)
    try:
        calendars = calendar_parts(message)
        if calendars:
            apply_reply(entry, calendars)
        elif is_automatic(message, sender):
            entry.outcome, entry.reason = IncomingOutcome.AUTO_REPLY, "Automatische Antwort, nicht weitergeleitet."
        else:
            forward(entry, message)
    except Refused as refusal:
        entry.outcome, entry.reason = IncomingOutcome.REJECTED, clean(str(refusal), 500)
    db.session.flush()
    return handled


# --- Reading the mail --------------------------------------------------------------------------------------


def clean(text: str, limit: int) -> str:
    """A header value as stored: one line, no NUL (PostgreSQL refuses it), cut to the column."""
    return " ".join(text.replace("\x00", "").split())[:limit]


def header(message: EmailMessage, name: str) -> str:
    """A header as text; a broken one (bad encoding) reads as empty rather than failing the mail."""
    try:
        return str(message.get(name) or "")
    except Exception:  # noqa: BLE001 (the email package's header parsers raise many kinds on broken input)
        return ""


def content_id(raw: bytes) -> str:
    """A stable key for a mail without Message-ID, so a redelivery is still recognised."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@ohne-message-id>"


def is_calendar(part) -> bool:
    filename = (part.get_filename() or "").lower()
    return part.get_content_type() in CALENDAR_TYPES or filename.endswith((".ics", ".ical", ".ifb"))


def calendar_parts(message: EmailMessage) -> list[str]:
    """The text of every calendar part, wherever it sits (alternative, attachment), decoded from its transfer
    encoding and charset. Thunderbird sends the same calendar twice (text/calendar and invite.ics)."""
    texts = []
    for part in message.walk():
        if part.is_multipart() or not is_calendar(part):
            continue
        payload = cast(bytes, part.get_payload(decode=True) or b"")  # decoded leaf parts are bytes
        charset = part.get_content_charset() or "utf-8"
        try:
            texts.append(payload.decode(charset, errors="replace"))
        except LookupError:  # an unknown charset name
            texts.append(payload.decode("utf-8", errors="replace"))
    return texts


def parse_calendar(texts: list[str]) -> Calendar:
    for text in texts:
        try:
            calendar = Calendar.from_ical(text.replace("\x00", ""))
        except Exception:  # noqa: BLE001, S112 (icalendar raises ValueError, KeyError… on broken input; try the next)
            continue
        if isinstance(calendar, Calendar) and calendar.walk("VEVENT"):
            return calendar
    raise Refused("Der Kalenderteil der E-Mail ist nicht lesbar.")


def is_automatic(message: EmailMessage, sender: str) -> bool:
    """Out of office, bounces, lists, the tool itself: never answered or forwarded (RFC 3834)."""
    own = {parseaddr(current_app.config[key])[1].lower() for key in ("MAIL_INBOX_ADDRESS", "MAIL_DEFAULT_SENDER")}
    auto_submitted = header(message, "Auto-Submitted").strip().lower()
    return (
        (auto_submitted not in ("", "no"))
        or any(message.get(name) for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response"))
        or header(message, "Precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply")
        or message.get_content_type() == "multipart/report"  # delivery and read reports
        or bool(AUTO_SUBJECT.match(header(message, "Subject")))
        or not sender
        or sender in own
        or sender.split("@")[0] in ("mailer-daemon", "postmaster")
    )


# --- Calendar replies ------------------------------------------------------------------------------------------


def address_of(value) -> str:
    return re.sub(r"^mailto:", "", str(value).strip(), flags=re.IGNORECASE).strip().lower()


def apply_reply(entry: IncomingMail, calendars: list[str]) -> None:
    calendar = parse_calendar(calendars)
    method = str(calendar.get("METHOD", "")).strip().upper()
    event = calendar.walk("VEVENT")[0]
    meeting = db.session.scalar(select(Meeting).where(Meeting.uid == str(event.get("UID", "")).strip()))
    if meeting is not None:
        entry.meeting_id = meeting.id
    if method == "COUNTER":
        raise Refused("Gegenvorschlag für einen anderen Termin (COUNTER): nicht übernommen, bitte direkt klären.")
    if method != "REPLY":
        raise Refused(f"Kalender-Nachricht der Art {method or 'ohne METHOD'}: nur Antworten (REPLY) zählen.")
    if meeting is None:
        raise Refused("Antwort auf einen unbekannten Termin (UID passt zu keiner Sitzung).")
    if meeting.is_cancelled:
        raise Refused("Die Sitzung ist abgesagt; die Antwort ändert nichts.")
    if has_started(meeting):
        raise Refused("Die Sitzung hat schon begonnen oder ist vorbei; die Antwort ändert nichts.")
    invitation, attendee = replying_invitation(entry, meeting, event)
    value = PARTSTATS.get(str(attendee.params.get("PARTSTAT", "")).strip().upper())
    if value is None:
        partstat = clean(str(attendee.params.get("PARTSTAT", "")), 40) or "keine"
        raise Refused(f"Unbekannte Teilnahme-Angabe (PARTSTAT {partstat}): nicht übernommen.")
    if invitation.answer == value:
        entry.outcome, entry.reason = IncomingOutcome.UNCHANGED, f"{IN_GERMAN[value]} war schon eingetragen."
        return
    comment = clean(str(event.get("COMMENT", "")), 500) or invitation.comment
    with acting_as(invitation.user):
        answer(invitation, value, comment, via=VIA_MAIL)  # its mails (a place freed for the waiting list) follow
    waiting = " (Warteliste)" if invitation.waitlisted_at else ""
    entry.outcome, entry.reason = IncomingOutcome.ANSWERED, f"{IN_GERMAN[value]}{waiting} {VIA_MAIL} übernommen."


def replying_invitation(entry: IncomingMail, meeting: Meeting, event) -> tuple[Invitation, vCalAddress]:
    """The invitation of the person answering: the ATTENDEE must be the sender and invited to this meeting.
    A reply naming someone else (a forwarded invitation, a delegate) changes nothing."""
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    if not attendees:
        raise Refused("Die Antwort nennt keinen Teilnehmer (ATTENDEE).")
    attendee = next((a for a in attendees if address_of(a) == entry.sender_email), None)
    if attendee is None:
        named = ", ".join(address_of(a) for a in attendees)[:200]
        raise Refused(f"Absender und antwortender Teilnehmer ({named}) stimmen nicht überein.")
    invitation = db.session.scalar(
        select(Invitation)
        .join(User, Invitation.user_id == User.id)
        .where(Invitation.meeting_id == meeting.id, func.lower(User.email) == entry.sender_email)
    )
    if invitation is None:
        raise Refused(f"{entry.sender_email} ist zu dieser Sitzung nicht eingeladen.")
    if not invitation.user.is_active:
        raise Refused("Das Konto der antwortenden Person ist nicht aktiv.")
    return invitation, attendee


# --- Written replies ------------------------------------------------------------------------------------------


def referenced_ids(message: EmailMessage) -> list[str]:
    text = " ".join((header(message, "In-Reply-To"), header(message, "References")))
    return re.findall(r"<[^<>\s]+>", text)[:50]


def meeting_replied_to(message: EmailMessage, sender: str) -> tuple[Meeting | None, str]:
    """The meeting a written reply is about: the mail it answers (In-Reply-To/References), else the newest
    meeting mail the tool sent to this address."""
    ids = referenced_ids(message)
    if ids:
        mail = db.session.scalar(
            select(OutgoingMail)
            .where(OutgoingMail.message_id.in_(ids), OutgoingMail.meeting_id.is_not(None))
            .order_by(OutgoingMail.id.desc())
            .limit(1)
        )
        if mail is not None:
            return db.session.get(Meeting, mail.meeting_id), "Antwort auf eine E-Mail zur Sitzung"
    if sender:
        mail = db.session.scalar(
            select(OutgoingMail)
            .where(func.lower(OutgoingMail.recipient) == sender, OutgoingMail.meeting_id.is_not(None))
            .order_by(OutgoingMail.id.desc())
            .limit(1)
        )
        if mail is not None:
            return db.session.get(Meeting, mail.meeting_id), "zugeordnet über die letzte Einladung an den Absender"
    return None, ""


def body_text(message: EmailMessage) -> str:
    """The written text of a reply (plain text, else the HTML without its tags)."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        if part is not None and part.get_content_type() == "text/html":
            text = nh3.clean(text, tags=set())
    except (LookupError, ValueError, AttributeError, KeyError):
        text = ""
    return text.replace("\x00", "").strip()[:FORWARDED_TEXT_LIMIT]


def forward(entry: IncomingMail, message: EmailMessage) -> None:
    meeting, how = meeting_replied_to(message, entry.sender_email)
    if meeting is None:
        raise Refused("Keiner Sitzung zuzuordnen; nicht weitergeleitet.")
    entry.meeting_id = meeting.id
    organizer = meeting.organizer
    if organizer is None or not organizer.is_active:
        raise Refused("Die Sitzung hat keine aktive Sitzungsleitung; nicht weitergeleitet.")
    sender_name = clean(parseaddr(header(message, "From"))[0], 120)
    mail = queue_mail(
        organizer.email,
        "forwarded_reply",
        user=organizer,
        meeting=meeting,
        sender_name=sender_name,
        sender_email=entry.sender_email,
        original_subject=entry.subject,
        text=body_text(message),
    )
    mail.meeting_id = meeting.id
    entry.outcome = IncomingOutcome.FORWARDED
    entry.reason = f"Weitergeleitet an die Sitzungsleitung ({how})."
