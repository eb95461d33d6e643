"""Data protection rules: the privacy notice and consents, the export (Art. 15), the erasure (Art. 17), deletion
requests, retention periods. Driven by the one declaration in registry.py. No request, no commit."""

import json
import re
import typing
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, CursorResult, Delete, String, Text, and_, cast, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.actors.services import refresh_search_document
from netzwerk.actors.staging import forget_old_uploads, forget_uploads_naming
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, Role, ThrottleAttempt, TokenPurpose, User, UserToken, new_session_token
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.legal.models import LegalPage
from netzwerk.mail.models import IncomingMail, MailStatus, OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.privacy.models import Consent, ConsentKind, DeletionRequest, DeletionStatus
from netzwerk.privacy.registry import (
    ANONYMISE,
    DELETE,
    PERSONAL_DATA,
    PERSONAL_FIELDS,
    TEXT_COPIES,
    UNLINK,
    PersonalData,
)
from netzwerk.users.services import would_remove_last_admin

NOTICE_SLUG = "datenschutz"
# How an erased person appears wherever the history names them (meetings, minutes, groups, audit log).
FORMER_MEMBER = "ehemaliges Mitglied"
ERASED = "[gelöscht]"


# --- Privacy notice and consents ----------------------------------------------------------------------


def notice_version() -> str:
    """The version of the Datenschutzerklärung: its page's version, raised by every edit of the text."""
    version = db.session.scalar(select(LegalPage.version).where(LegalPage.slug == NOTICE_SLUG))
    return "" if version is None else str(version)


def needs_acknowledgement(user) -> bool:
    """Whether the user still has to confirm the current Datenschutzerklärung (one query, on every request)."""
    row = db.session.execute(
        select(LegalPage.id, Consent.id)
        .outerjoin(
            Consent,
            and_(
                Consent.user_id == user.id,
                Consent.kind == ConsentKind.PRIVACY_NOTICE,
                Consent.given.is_(True),
                Consent.text_version == cast(LegalPage.version, String),
            ),
        )
        .where(LegalPage.slug == NOTICE_SLUG)
        .limit(1)
    ).first()
    return row is not None and row[1] is None


def acknowledged_at(user) -> datetime | None:
    return db.session.scalar(
        select(func.max(Consent.at)).where(
            Consent.user_id == user.id,
            Consent.kind == ConsentKind.PRIVACY_NOTICE,
            Consent.given.is_(True),
            Consent.text_version == notice_version(),
        )
    )


def record_consent(user, kind: ConsentKind, given: bool, version: str | None = None) -> Consent:
    consent = Consent(
        user_id=user.id,
        kind=kind,
        given=given,
        at=clock.now(),
        text_version=notice_version() if version is None else version,
    )
    db.session.add(consent)
    return consent


def set_contact_consent(user, given: bool) -> bool:
    """Give or withdraw the consent to show email and phone to other members; True if it changed."""
    if bool(user.share_contact_details) == given:
        return False
    user.share_contact_details = given
    user.version += 1
    record_consent(user, ConsentKind.CONTACT_DETAILS, given)
    record("privacy.contact_consent_given" if given else "privacy.contact_consent_withdrawn", user)
    return True


def acknowledge_notice(user, share_contact_details: bool) -> None:
    version = notice_version()
    record_consent(user, ConsentKind.PRIVACY_NOTICE, True, version)
    record("privacy.notice_acknowledged", user, summary=f"Fassung {version}")
    set_contact_consent(user, share_contact_details)


def consent_history(user) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.at, Consent.id)))


# --- Access (Art. 15) ---------------------------------------------------------------------------------


def table_of(entry: PersonalData):
    return db.metadata.tables[entry.table]


def condition(entry: PersonalData, user):
    table = table_of(entry)
    if entry.match == "email":
        return table.c[entry.column] == user.email
    if entry.match == "target":
        return and_(table.c.target_type == "User", table.c.target_id == user.id)
    return table.c[entry.column] == user.id


def exported_columns(entry: PersonalData) -> list[str]:
    table = table_of(entry)
    return list(entry.fields) if entry.fields else [c.name for c in table.columns if c.name not in entry.secret]


def jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_data(user) -> dict:
    """Everything the tool holds about the user, table by table, as the registry declares it. A row found by
    several declarations (e.g. an audit entry by and about the person) appears once, with all its fields."""
    tables: dict[str, dict] = {}
    for entry in PERSONAL_DATA:
        table = table_of(entry)
        section = tables.setdefault(entry.table, {"labels": [], "rows": {}})
        if str(entry.label) not in section["labels"]:
            section["labels"].append(str(entry.label))
        columns = exported_columns(entry)
        key_columns = [c.name for c in table.primary_key.columns]
        query = select(table).where(condition(entry, user)).order_by(*table.primary_key.columns)
        for row in db.session.execute(query).mappings():
            key = tuple(row[name] for name in key_columns)
            section["rows"].setdefault(key, {}).update({name: jsonable(row[name]) for name in columns})
    return {
        "erstellt_am": clock.now().isoformat(),
        "rechtsgrundlage": "Auskunft nach Art. 15 DSGVO",
        "person_id": user.id,
        "tabellen": {
            name: {"bezeichnung": "; ".join(section["labels"]), "zeilen": list(section["rows"].values())}
            for name, section in tables.items()
        },
    }


def export_json(user) -> str:
    return json.dumps(export_data(user), ensure_ascii=False, indent=2, default=str)


# --- Erasure (Art. 17) --------------------------------------------------------------------------------


class ErasureRefused(Exception):
    """The erasure would leave the network without an active manager."""


def is_last_active_manager(user) -> bool:

    return would_remove_last_admin(user, new_role=Role.MEMBER, active=False)


def personal_strings(user) -> list[tuple[str, str]]:
    """(text, replacement) for the person's name, address and phone, also earlier ones from the audit log."""
    names, others = {user.name}, {user.email, user.phone}
    about = db.session.scalars(
        select(AuditEntry.changes).where(AuditEntry.target_type == "User", AuditEntry.target_id == user.id)
    )
    for changes in about:
        for field in ("name", "email", "phone"):
            for value in (changes or {}).get(field) or []:
                if isinstance(value, str):
                    (names if field == "name" else others).add(value)
    pairs = [(text, FORMER_MEMBER) for text in names] + [(text, ERASED) for text in others]
    return [(text, replacement) for text, replacement in pairs if text and len(text.strip()) >= 3]


def scrub(value, needles: list[tuple[str, str]]):
    """The value with every needle replaced (case-insensitive, whole words only, so erasing "Max" leaves
    "Maximilian" alone), also inside JSON lists and dicts. Folded iCalendar lines are joined first, so an address
    split over two lines is found too."""
    if isinstance(value, str):
        if value.startswith("BEGIN:VCALENDAR"):
            value = value.replace("\r\n ", "")
        for needle, replacement in sorted(needles, key=lambda pair: -len(pair[0])):
            value = re.sub(rf"(?<!\w){re.escape(needle)}(?!\w)", replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub(item, needles) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, needles) for key, item in value.items()}
    return value


def redact_copies(needles: list[tuple[str, str]]) -> int:
    """Replace the person's strings wherever they were copied as text (registry.TEXT_COPIES); returns the
    number of changed rows. The database narrows the rows down, Python replaces (also in JSON)."""
    if not needles:
        return 0
    changed = 0
    for table_name, column_name in TEXT_COPIES:
        table = db.metadata.tables[table_name]
        column = table.c[column_name]
        text = cast(column, Text) if isinstance(column.type, JSON) else column
        probes = {needle for needle, _ in needles} | {json.dumps(needle)[1:-1] for needle, _ in needles}
        found = or_(
            *(text.contains(probe, autoescape=True) for probe in probes),
            *(func.lower(text).contains(probe.lower(), autoescape=True) for probe in probes),
        )
        key = list(table.primary_key.columns)[0]
        for row_id, value in db.session.execute(select(key, column).where(found)).all():
            cleaned = scrub(value, needles)
            if cleaned != value:
                db.session.execute(update(table).where(key == row_id).values({column_name: cleaned}))
                changed += 1
    return changed


def redact_audit_about(user) -> None:
    """Audit entries about the person keep what happened, not the personal values."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "User", AuditEntry.target_id == user.id)
    )
    for entry in entries:
        entry.summary = ""
        entry.changes = {
            field: ([ERASED, ERASED] if field in PERSONAL_FIELDS else values)
            for field, values in (entry.changes or {}).items()
        }


def refresh_actor_search(actor_ids) -> None:

    for actor in db.session.scalars(select(Actor).where(Actor.id.in_(actor_ids))):
        refresh_search_document(actor)


def apply_declared_erasure(user) -> set[int]:
    """Delete, unlink or clear the rows the registry declares; returns the actors whose contacts changed."""
    contacts = db.metadata.tables["contact_person"]
    touched_actors = set(
        db.session.scalars(
            select(contacts.c.actor_id).where(or_(contacts.c.user_id == user.id, contacts.c.email == user.email))
        )
    )
    for entry in PERSONAL_DATA:
        table, where = table_of(entry), condition(entry, user)
        if entry.clear:
            db.session.execute(update(table).where(where).values(dict(entry.clear)))
        if entry.erase == DELETE:
            db.session.execute(delete(table).where(where))
        elif entry.erase == UNLINK:
            db.session.execute(update(table).where(where).values({entry.column: None}))
    return touched_actors


def end_participation(user) -> None:
    """Current memberships end today (history stays); invitations to meetings still to come are withdrawn."""

    today = clock.today()
    db.session.execute(
        update(Membership)
        .where(Membership.user_id == user.id, or_(Membership.end_date.is_(None), Membership.end_date > today))
        .values(end_date=today)
    )
    upcoming = select(Meeting.id).where(Meeting.starts_at > clock.now())
    db.session.execute(delete(Invitation).where(Invitation.user_id == user.id, Invitation.meeting_id.in_(upcoming)))
    db.session.execute(delete(ThrottleAttempt).where(ThrottleAttempt.key.contains(user.email, autoescape=True)))


def anonymise_account(user) -> None:
    user.name = FORMER_MEMBER
    user.email = f"geloescht-{user.id}@geloescht.invalid"
    user.phone = ""
    user.organisation = ""
    user.password_hash = None
    user.end_all_sessions()
    user.calendar_key = new_session_token()
    user.status = AccountStatus.DEACTIVATED
    user.deleted_at = clock.now()
    user.language = "de"
    user.notify_by_email = False
    user.weekly_digest = False
    user.answer_reminders = user.poll_reminders = False
    user.reminder_days = None
    user.share_contact_details = False
    user.last_login_at = None
    user.password_changed_at = None
    user.version += 1


def erase_user(user, by=None, reason: str = "") -> None:
    """Erase a person (Art. 17 DSGVO): personal data removed or replaced, the account row kept as an anonymous
    placeholder so meetings, groups and polls keep their counts and show "ehemaliges Mitglied". ``reason``
    goes to the audit log and must not name the person."""
    assert ANONYMISE == PERSONAL_DATA[0].erase  # the account row is handled last, below
    if user.deleted_at is not None:
        return
    if is_last_active_manager(user):
        raise ErasureRefused
    needles = personal_strings(user)
    redact_audit_about(user)
    db.session.flush()
    touched_actors = apply_declared_erasure(user)
    end_participation(user)
    redact_copies(needles)
    forget_uploads_naming([text for text, _replacement in needles])
    db.session.expire_all()
    refresh_actor_search(touched_actors)
    anonymise_account(user)
    now = clock.now()
    for request in db.session.scalars(
        select(DeletionRequest).where(DeletionRequest.user_id == user.id, DeletionRequest.status == DeletionStatus.OPEN)
    ):
        request.status, request.decided_at, request.decided_by = DeletionStatus.DONE, now, by
    record("privacy.user_erased", user, summary=reason, actor=by)


# --- Deletion requests -------------------------------------------------------------------------------


def active_managers() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE)))


def open_request_of(user) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest).where(DeletionRequest.user_id == user.id, DeletionRequest.status == DeletionStatus.OPEN)
    )


def open_requests() -> list[DeletionRequest]:
    return list(
        db.session.scalars(
            select(DeletionRequest)
            .where(DeletionRequest.status == DeletionStatus.OPEN)
            .order_by(DeletionRequest.created_at)
            .options(joinedload(DeletionRequest.user))
        )
    )


def request_deletion(user, message: str) -> tuple[DeletionRequest, list[OutgoingMail]]:
    """The user asks for erasure; every active manager gets a mail. One open request per person."""
    existing = open_request_of(user)
    if existing is not None:
        return existing, []
    request = DeletionRequest(user=user, message=message, created_at=clock.now())
    db.session.add(request)
    db.session.flush()
    record("privacy.deletion_requested", request, actor=user)
    mails = [
        queue_mail(manager.email, "deletion_request", user=manager, requester=user) for manager in active_managers()
    ]
    return request, mails


def decline_request(request: DeletionRequest, reason: str, by) -> OutgoingMail:
    request.status, request.decided_at, request.decided_by = DeletionStatus.DECLINED, clock.now(), by
    request.decision_reason = reason
    record("privacy.deletion_declined", request, actor=by)
    return queue_mail(request.user.email, "deletion_declined", user=request.user, reason=reason)


# --- Retention -----------------------------------------------------------------------------------------


def days_ago(config_key: str) -> datetime:
    return clock.now() - timedelta(days=current_app.config[config_key])


def stale_invitations() -> list[tuple[User, datetime]]:
    """Invitations never accepted within RETENTION_INVITATION_DAYS of the last invitation mail."""
    cutoff = days_ago("RETENTION_INVITATION_DAYS")
    invited = db.session.scalars(
        select(User).where(User.status == AccountStatus.INVITED, User.deleted_at.is_(None)).order_by(User.created_at)
    ).all()
    last_sent: dict[int, datetime] = {}
    tokens = select(UserToken.user_id, UserToken.created_at).where(
        UserToken.purpose == TokenPurpose.INVITATION, UserToken.user_id.in_([user.id for user in invited])
    )
    for user_id, created_at in db.session.execute(tokens):
        last_sent[user_id] = max(created_at, last_sent.get(user_id, created_at))
    since = {user.id: max(user.created_at, last_sent.get(user.id, user.created_at)) for user in invited}
    return [(user, since[user.id]) for user in invited if since[user.id] < cutoff]


def inactive_accounts() -> list[tuple[User, datetime]]:
    """Accounts without a login for RETENTION_INACTIVE_DAYS (never logged in: counted from their creation)."""
    cutoff = days_ago("RETENTION_INACTIVE_DAYS")
    users = db.session.scalars(
        select(User)
        .where(
            User.status.in_([AccountStatus.ACTIVE, AccountStatus.DEACTIVATED]),
            User.deleted_at.is_(None),
            or_(User.last_login_at < cutoff, and_(User.last_login_at.is_(None), User.created_at < cutoff)),
        )
        .order_by(User.name)
    )
    return [(user, user.last_login_at or user.created_at) for user in users]


def rows_deleted(statement: Delete) -> int:
    """How many rows a bulk DELETE removed (the session types its result as a plain Result, without rowcount)."""
    return typing.cast(CursorResult, db.session.execute(statement)).rowcount


def purge_expired() -> dict[str, int]:
    """The daily job: sent (or given up) mails, incoming mails and audit entries older than their
    Aufbewahrungsfrist (incoming mails: RETENTION_MAIL_DAYS, like the sent ones), and import uploads never
    confirmed (a day)."""
    finished = [MailStatus.SENT, MailStatus.FAILED, MailStatus.CANCELLED]
    mails = rows_deleted(
        delete(OutgoingMail).where(
            OutgoingMail.status.in_(finished), OutgoingMail.created_at < days_ago("RETENTION_MAIL_DAYS")
        )
    )
    incoming = rows_deleted(delete(IncomingMail).where(IncomingMail.received_at < days_ago("RETENTION_MAIL_DAYS")))
    entries = rows_deleted(delete(AuditEntry).where(AuditEntry.created_at < days_ago("RETENTION_AUDIT_DAYS")))
    uploads = forget_old_uploads()
    if mails or incoming or entries:
        summary = f"{mails} E-Mails, {incoming} eingegangene E-Mails, {entries} Einträge des Änderungsprotokolls"
        record("privacy.purged", summary=summary)
    return {"mails": mails, "incoming_mails": incoming, "audit_entries": entries, "import_uploads": uploads}


# --- Contact persons without an account ----------------------------------------------------------------


def erase_contact(contact, reason: str) -> None:
    """Delete a contact person on request: the row, and their name, address and phone wherever copied. The
    audit entry names the actor and the reason, not the person."""

    needles = [(text, ERASED) for text in (contact.name, contact.email, contact.phone) if text and len(text) >= 3]
    actor = contact.actor
    actor.contacts.remove(contact)
    db.session.flush()
    refresh_search_document(actor)
    redact_copies(needles)
    forget_uploads_naming([text for text, _replacement in needles])
    record("privacy.contact_erased", actor, summary=reason)
