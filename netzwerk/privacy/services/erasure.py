"""Erasure (Art. 17 DSGVO): a person erased (the account kept as an anonymous placeholder), deletion requests
and their decision, and contact persons without an account deleted on request."""

import json
import re
import typing

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CursorResult, Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.actors.services import refresh_search_document
from netzwerk.actors.staging import forget_uploads_naming
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, Role, ThrottleAttempt, User, new_session_token
from netzwerk.caching.services import tables_changed
from netzwerk.errors import Conflict, Finished
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.mail.services import queue_mail
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.privacy.models import DeletionRequest, DeletionStatus
from netzwerk.privacy.registry import (
    ANONYMISE,
    DELETE,
    PERSONAL_DATA,
    PERSONAL_FIELDS,
    TEXT_COPIES,
    UNLINK,
)
from netzwerk.privacy.services.export import condition, table_of
from netzwerk.users.services import require_another_manager

# How an erased person appears wherever the history names them (meetings, minutes, groups, audit log).
FORMER_MEMBER = "ehemaliges Mitglied"
ERASED = "[gelöscht]"


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
    tables_changed(*(table_name for table_name, _ in TEXT_COPIES))  # a cached copy may hold the strings too
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
    tables = [table_of(entry) for entry in PERSONAL_DATA]
    for entry, table in zip(PERSONAL_DATA, tables, strict=True):
        where = condition(entry, user)
        if entry.clear:
            db.session.execute(update(table).where(where).values(dict(entry.clear)))
        if entry.erase == DELETE:
            db.session.execute(delete(table).where(where))
        elif entry.erase == UNLINK:
            db.session.execute(update(table).where(where).values({entry.column: None}))
    tables_changed(*tables)
    return touched_actors


def end_participation(user) -> None:
    """Current memberships end today (history stays); invitations to meetings still to come are withdrawn."""

    today = clock.today()
    db.session.execute(
        update(Membership)
        .where(Membership.user_id == user.id, or_(Membership.end_date.is_(None), Membership.end_date > today))
        .values(end_date=today)
    )
    tables_changed(Membership.__table__)
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
    goes to the audit log and must not name the person. NotAllowed (before anything changes) if the network
    would be left without an active manager."""
    assert ANONYMISE == PERSONAL_DATA[0].erase  # the account row is handled last, below
    if user.deleted_at is not None:
        return
    require_another_manager(user, new_role=Role.MEMBER, active=False)
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


REQUEST_OPEN = _l("Ihr Löschantrag liegt dem Regionalmanagement bereits vor.")
ALREADY_DECIDED = _l("Dieser Löschantrag ist bereits entschieden.")


def request_deletion(user, message: str) -> DeletionRequest:
    """The user asks for erasure; every active manager gets a mail. One open request per person: Conflict if
    there is one (the person's account row is locked first, so two requests sent at once are one after the
    other on PostgreSQL too)."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    if open_request_of(user) is not None:
        raise Conflict(REQUEST_OPEN)
    request = DeletionRequest(user=user, message=message, created_at=clock.now())
    db.session.add(request)
    db.session.flush()
    record("privacy.deletion_requested", request, actor=user)
    for manager in active_managers():
        queue_mail(manager.email, "deletion_request", user=manager, requester=user)
    return request


def require_open(request: DeletionRequest) -> None:
    if request.status != DeletionStatus.OPEN:
        raise Finished(ALREADY_DECIDED)


def decline_request(request: DeletionRequest, reason: str, by: User) -> None:
    """Decline with a reason, which the person gets by mail. Finished if the request was decided already,
    also by another manager a moment ago (the UPDATE of the open request is the arbiter)."""
    require_open(request)
    claimed = db.session.execute(
        update(DeletionRequest)
        .where(DeletionRequest.id == request.id, DeletionRequest.status == DeletionStatus.OPEN)
        .values(status=DeletionStatus.DECLINED, decided_at=clock.now(), decided_by_id=by.id, decision_reason=reason)
    )
    if typing.cast(CursorResult, claimed).rowcount != 1:
        raise Finished(ALREADY_DECIDED)
    record("privacy.deletion_declined", request, actor=by)
    queue_mail(request.user.email, "deletion_declined", user=request.user, reason=reason)


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
