"""Retention periods (Aufbewahrungsfristen): stale invitations and inactive accounts for the manager to
review, and the daily purge of old mails, audit entries and unconfirmed uploads."""

import typing
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import CursorResult, Delete, and_, delete, or_, select

from netzwerk import clock
from netzwerk.actors.staging import forget_old_uploads
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, TokenPurpose, User, UserToken
from netzwerk.extensions import db
from netzwerk.mail.models import IncomingMail, MailStatus, OutgoingMail


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
