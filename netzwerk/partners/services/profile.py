"""The partner's own profile: a partner user's save (one audit entry on the actor), the manager's overview of
partner changes, and undoing one of them."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock, unit_of_work
from netzwerk.actors.models import Actor, ContactPerson
from netzwerk.actors.services import ContactData, apply_contacts, refresh_search_document
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import changes_between, record
from netzwerk.errors import Conflict, NotAllowed
from netzwerk.extensions import db
from netzwerk.partners.models import (
    PartnerLogo,
    Partnership,
    ProfileField,
)
from netzwerk.partners.services.logo import ProcessedLogo

PROFILE_UPDATED = "partner.profile_updated"
CHANGE_UNDONE = "partner.change_undone"


@dataclass
class ProfileData:
    description: str = ""
    offers: str = ""
    website: str = ""
    street: str = ""
    postal_code: str = ""
    public_fields: list[str] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)


def _contact_state(contact: ContactPerson) -> dict:
    return {
        "id": contact.id,
        "name": contact.name,
        "function": contact.function,
        "email": contact.email,
        "phone": contact.phone,
    }


def profile_snapshot(partnership: Partnership) -> dict:
    """What a partner may change, in a form the audit log keeps and an undo can restore."""
    actor = partnership.actor
    return {
        "description": actor.description,
        "offers": partnership.offers,
        "website": actor.website,
        "street": actor.street,
        "postal_code": actor.postal_code,
        "public_fields": sorted(f for f in (partnership.public_fields or []) if f in ProfileField.values()),
        "contacts": [_contact_state(contact) for contact in actor.contacts],
        "logo_id": partnership.logo_id,
    }


def _apply_profile(partnership: Partnership, values: dict) -> None:
    actor = partnership.actor
    for name in ("description", "website", "street", "postal_code"):
        if name in values:
            setattr(actor, name, values[name] or "")
    if "offers" in values:
        partnership.offers = values["offers"] or ""
    if "public_fields" in values:
        partnership.public_fields = list(values["public_fields"] or [])
    if "contacts" in values:
        keep_account_contacts(actor, [ContactData(**c) for c in values["contacts"] or []])
    if "logo_id" in values:
        partnership.logo_id = values["logo_id"]
    refresh_search_document(actor)


def keep_account_contacts(actor: Actor, contacts: list[ContactData]) -> None:
    """Apply the contact rows; a contact person who has an account stays (it ties the account to the
    organisation), so only the manager removes it."""
    wanted_ids = {c.id for c in contacts if c.id}
    kept = [
        ContactData(id=c.id, name=c.name, function=c.function, email=c.email, phone=c.phone)
        for c in actor.contacts
        if c.user_id and c.id not in wanted_ids
    ]
    apply_contacts(actor, [*contacts, *kept])


def update_own_profile(
    partnership: Partnership, data: ProfileData, logo: ProcessedLogo | None, remove_logo: bool
) -> dict:
    """A partner user's save of its own organisation: every change in one audit entry on the actor
    ("geändert durch Partner"), raising the actor's version. Returns the changes; Conflict if another save of
    the actor crossed this one."""
    before = profile_snapshot(partnership)
    values = {
        "description": data.description,
        "offers": data.offers,
        "website": data.website,
        "street": data.street,
        "postal_code": data.postal_code,
        "public_fields": sorted(f for f in data.public_fields if f in ProfileField.values()),
        "contacts": [c.__dict__ for c in data.contacts],
    }
    if logo is not None:
        stored = PartnerLogo(
            partnership_id=partnership.id,
            content_type=logo.content_type,
            width=logo.width,
            height=logo.height,
            data=logo.data,
        )
        db.session.add(stored)
        db.session.flush()
        values["logo_id"] = stored.id
    elif remove_logo:
        values["logo_id"] = None
    _apply_profile(partnership, values)
    unit_of_work.flush()
    after = profile_snapshot(partnership)
    changes = changes_between(before, after)
    partnership.profile_updated_at = clock.now()
    if changes:
        partnership.actor.version += 1
        record(PROFILE_UPDATED, partnership.actor, summary=partnership.name, changes=changes)
    unit_of_work.flush()
    return changes


def partner_changes(limit: int = 50) -> list[AuditEntry]:
    """The latest changes partners made to their own profiles, for the manager."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_((PROFILE_UPDATED, CHANGE_UNDONE)))
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


UNDONE_OR_CHANGED = _l("Diese Änderung ist schon rückgängig gemacht oder wurde inzwischen erneut geändert.")


def undo_change(entry: AuditEntry) -> dict:
    """Restore the values a partner's change replaced, if nobody changed those fields since; audited. Refused
    before anything changes: NotAllowed for an entry that is no partner's change, Conflict when the partner
    is gone or the fields changed since (also by a save that crossed this one)."""
    if entry.action != PROFILE_UPDATED or entry.target_type != "Actor":
        raise NotAllowed(_l("Nur Änderungen durch Partner können hier rückgängig gemacht werden."))
    partnership = db.session.scalar(select(Partnership).where(Partnership.actor_id == entry.target_id))
    if partnership is None:
        raise Conflict(_l("Die Partnerorganisation gibt es nicht mehr."))
    current = profile_snapshot(partnership)
    fields = {name: pair for name, pair in entry.changes.items() if name in current}
    if any((current[name] or None) != (new or None) for name, (_old, new) in fields.items()):
        raise Conflict(UNDONE_OR_CHANGED)
    _apply_profile(partnership, {name: old for name, (old, _new) in fields.items()})
    unit_of_work.flush(Conflict(UNDONE_OR_CHANGED))
    changes = changes_between(current, profile_snapshot(partnership))
    partnership.actor.version += 1
    record(CHANGE_UNDONE, partnership.actor, summary=f"{partnership.name} (Änderung Nr. {entry.id})", changes=changes)
    unit_of_work.flush(Conflict(UNDONE_OR_CHANGED))
    return changes
