"""Freshness: partners are asked to check their profile, by the manager or once a year by the scheduler."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.extensions import db
from netzwerk.mail.services import external_url, queue_mail
from netzwerk.partners.models import (
    Partnership,
    PartnerStatus,
    PartnerUser,
)

STALE_AFTER = timedelta(days=365)


def partner_users(partnership: Partnership) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(PartnerUser, PartnerUser.user_id == User.id)
            .where(
                PartnerUser.partnership_id == partnership.id,
                User.role == Role.PARTNER,
                User.status == AccountStatus.ACTIVE,
            )
            .order_by(User.name)
        )
    )


def request_update(partnership: Partnership, requested_by: User | None) -> list[User]:
    """Ask the partner's users to check their profile: a mail with a link to the login and then the profile
    form. Audited; returns the people asked (none if the partner has no active user)."""
    link = external_url("auth.login", next="/partner/profil")
    recipients = partner_users(partnership)
    for user in recipients:
        queue_mail(
            user.email,
            "partner_update_request",
            user=user,
            partner=partnership,
            login_url=link,
            requested_by=requested_by,
        )
    partnership.update_requested_at = clock.now()
    record(
        "partner.update_requested",
        partnership.actor,
        summary=f"{partnership.name}: {len(recipients)} E-Mail(s)",
        actor=requested_by,
    )
    return recipients


def _stale(now=None):
    """Active partners whose profile was last updated (or asked for) longer than STALE_AFTER ago; a profile
    never updated counts from the partnership's creation (a partner added last week is not asked yet)."""
    cutoff = (now or clock.now()) - STALE_AFTER
    last_touch = and_(
        func.coalesce(Partnership.profile_updated_at, Partnership.created_at) < cutoff,
        (Partnership.update_requested_at.is_(None)) | (Partnership.update_requested_at < cutoff),
    )
    return and_(Partnership.status == PartnerStatus.ACTIVE, last_touch)


def stale_partnerships(now=None, limit: int | None = None) -> list[Partnership]:
    """The stale partners (see _stale), the longest untouched first; at most ``limit`` of them."""
    query = (
        select(Partnership)
        .where(_stale(now))
        .order_by(func.coalesce(Partnership.profile_updated_at, Partnership.created_at), Partnership.id)
        .limit(limit)
        .options(selectinload(Partnership.actor))
    )
    return list(db.session.scalars(query))


def stale_partnership_count(now=None) -> int:
    return db.session.scalar(select(func.count()).select_from(Partnership).where(_stale(now))) or 0


def send_yearly_reminders() -> list[User]:
    """For the scheduler (once a day is enough): remind partners whose profile is older than a year. Asking
    sets update_requested_at, so each partner gets at most one reminder a year. Returns the people asked."""
    reminded = []
    for partnership in stale_partnerships():
        reminded.extend(request_update(partnership, None))
    return reminded


def yearly_reminder_job() -> int:
    """The scheduler's daily job (outside any request): queue the yearly reminders; the outbox job sends them.
    Links in mails come from BASE_URL, so a request context on it lets url_for build them."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return len(send_yearly_reminders())
