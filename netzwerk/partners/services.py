"""Rules for partners: partnerships, links (Kooperationen), the partner's own profile with its logo, undoing a
partner's change, and freshness reminders. No commits here; mails are returned for ``deliver`` after commit."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import Select, and_, select
from sqlalchemy.orm import selectinload, undefer

from netzwerk import clock
from netzwerk.actors.models import Actor, ContactPerson
from netzwerk.actors.services import ContactData, apply_contacts, refresh_search_document
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import changes_between, record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.auth.permissions import linked_group_ids
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import external_url, queue_mail
from netzwerk.partners.models import (
    PartnerLink,
    PartnerLogo,
    Partnership,
    PartnerStatus,
    PartnerUser,
    ProfileField,
)

PROFILE_UPDATED = "partner.profile_updated"
CHANGE_UNDONE = "partner.change_undone"

# --- Partnerships ---------------------------------------------------------------------------------------

PARTNERSHIP_FIELDS = ("type", "since", "contact_user_id", "status")


@dataclass
class PartnershipData:
    type: str
    status: str = PartnerStatus.ACTIVE
    since: date | None = None
    contact_user_id: int | None = None


def _partnership_state(partnership: Partnership) -> dict:
    state = {name: getattr(partnership, name) for name in PARTNERSHIP_FIELDS}
    state["since"] = state["since"].isoformat() if state["since"] else None
    state["contact_user_id"] = partnership.contact_user.name if partnership.contact_user else None
    return state


def save_partnership(partnership: Partnership | None, data: PartnershipData, actor: Actor | None = None) -> Partnership:
    """The manager creates (with the actor) or edits a partnership, audited."""
    creating = partnership is None
    if creating:
        partnership = Partnership(actor=actor)
        db.session.add(partnership)
        before = {}
    else:
        before = _partnership_state(partnership)
    for name in PARTNERSHIP_FIELDS:
        setattr(partnership, name, getattr(data, name))
    partnership.contact_user = db.session.get(User, data.contact_user_id) if data.contact_user_id else None
    db.session.flush()
    record_save("partner", partnership, before, _partnership_state(partnership), creating)
    return partnership


def actors_without_partnership() -> list[Actor]:
    taken = select(Partnership.actor_id)
    return list(
        db.session.scalars(
            select(Actor).where(Actor.archived_at.is_(None), Actor.id.not_in(taken)).order_by(Actor.name_key)
        )
    )


def managers() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.ADMIN, User.status != AccountStatus.DEACTIVATED).order_by(User.name)
        )
    )


def partnership_of_actor(actor: Actor) -> Partnership | None:
    return db.session.scalar(select(Partnership).where(Partnership.actor_id == actor.id))


def partnerships_of_actors(actor_ids: list[int], visible) -> dict[int, Partnership]:
    """actor id → its partnership, for the actors that are partners the viewer may see (e.g. on a project)."""
    rows = db.session.scalars(
        select(Partnership).join(Partnership.actor).where(Partnership.actor_id.in_(actor_ids), visible)
    )
    return {partnership.actor_id: partnership for partnership in rows}


def all_partnerships() -> list[Partnership]:
    return list(
        db.session.scalars(
            select(Partnership)
            .join(Partnership.actor)
            .options(selectinload(Partnership.actor))
            .order_by(Actor.name_key)
        )
    )


# --- Partner users --------------------------------------------------------------------------------------


def organisation_of(user: User) -> Partnership | None:
    """The organisation assigned to a user (whatever the role; permissions decide what it allows)."""
    return db.session.scalar(
        select(Partnership)
        .join(PartnerUser, PartnerUser.partnership_id == Partnership.id)
        .where(PartnerUser.user_id == user.id)
    )


def assign_organisation(user: User, partnership: Partnership | None) -> bool:
    """Set (or clear) the one partner organisation of a user; audited; True if something changed."""
    current = db.session.get(PartnerUser, user.id)
    old = current.partnership if current else None
    if old is partnership or (old and partnership and old.id == partnership.id):
        return False
    if current is not None:
        db.session.delete(current)
        db.session.flush()
    if partnership is not None:
        db.session.add(PartnerUser(user=user, partnership=partnership))
    record(
        "partner.user_assigned",
        user,
        summary=user.email,
        changes={"partner_organisation": [old.name if old else None, partnership.name if partnership else None]},
    )
    return True


# --- Links (Kooperationen) ------------------------------------------------------------------------------


def create_link(partnership: Partnership, target, about: str, since: date) -> PartnerLink:
    link = PartnerLink(partnership=partnership, about=about, since=since)
    if isinstance(target, WorkingGroup):
        link.group = target
    else:
        link.actor = target
    db.session.add(link)
    db.session.flush()
    record(
        "partner.link_created",
        partnership,
        summary=f"{partnership.name} – {link.target_name}",
        changes={"link": [None, f"{link.target_name}: {about} (seit {since:%d.%m.%Y})"]},
    )
    return link


def end_link(link: PartnerLink, on: date | None = None) -> None:
    """Ended links stay as history."""
    link.ended_on = on or clock.today()
    record(
        "partner.link_ended",
        link.partnership,
        summary=f"{link.partnership.name} – {link.target_name}",
        changes={"ended_on": [None, link.ended_on.isoformat()]},
    )


def link_options() -> Select:
    return select(PartnerLink).options(
        selectinload(PartnerLink.group),
        selectinload(PartnerLink.actor),
        selectinload(PartnerLink.partnership).selectinload(Partnership.actor),
    )


def links_of_partnerships(ids: list[int], visible) -> dict[int, list[PartnerLink]]:
    """The visible links of many partners in one query (plus the eager loads), current ones first."""
    by_partner: dict[int, list[PartnerLink]] = {pid: [] for pid in ids}
    if not ids:
        return by_partner
    query = link_options().where(PartnerLink.partnership_id.in_(ids), visible)
    for link in db.session.scalars(query.order_by(PartnerLink.ended_on.is_not(None), PartnerLink.since.desc())):
        by_partner[link.partnership_id].append(link)
    return by_partner


def links_to_group(group: WorkingGroup, visible_partners) -> list[PartnerLink]:
    """Current and past partners of a group, among the partners the viewer may see."""
    query = (
        link_options()
        .join(Partnership, Partnership.id == PartnerLink.partnership_id)
        .join(Actor, Actor.id == Partnership.actor_id)
        .where(PartnerLink.group_id == group.id, visible_partners)
    )
    return list(db.session.scalars(query.order_by(PartnerLink.ended_on.is_not(None), Actor.name_key)))


def links_to_actor(actor: Actor, visible_partners) -> list[PartnerLink]:
    query = (
        link_options()
        .join(Partnership, Partnership.id == PartnerLink.partnership_id)
        .join(Actor, Actor.id == Partnership.actor_id)
        .where(PartnerLink.actor_id == actor.id, visible_partners)
    )
    return list(db.session.scalars(query.order_by(PartnerLink.ended_on.is_not(None), Actor.name_key)))


def partner_list(visible, type_: str = "", status: str = "") -> list[Partnership]:
    query = (
        select(Partnership)
        .join(Actor, Actor.id == Partnership.actor_id)
        .where(visible)
        .options(selectinload(Partnership.actor), selectinload(Partnership.contact_user))
        .order_by(Actor.name_key)
    )
    if type_:
        query = query.where(Partnership.type == type_)
    if status:
        query = query.where(Partnership.status == status)
    return list(db.session.scalars(query))


def linked_groups(user: User) -> list[WorkingGroup]:
    """The groups a partner user's organisation currently works with (its start page)."""

    if user.role != Role.PARTNER:
        return []
    return list(
        db.session.scalars(
            select(WorkingGroup).where(WorkingGroup.id.in_(linked_group_ids(user))).order_by(WorkingGroup.name)
        )
    )


# --- Logo -----------------------------------------------------------------------------------------------

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_SIDE = 4000  # larger images are refused (pixel bombs)
LOGO_BOX = (800, 800)  # what is kept: the logo shrunk to fit
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class LogoError(ValueError):
    """An upload that is not a usable PNG or JPEG; the message is for the person."""


@dataclass
class ProcessedLogo:
    data: bytes
    content_type: str
    width: int
    height: int


def process_logo(raw: bytes) -> ProcessedLogo:
    """Check an upload by its content (not its name) and re-encode it: no metadata, at most LOGO_BOX."""
    if len(raw) > MAX_LOGO_BYTES:
        raise LogoError(_l("Das Logo ist zu groß: höchstens 2 MB."))
    kind = next((name for magic, name in SIGNATURES.items() if raw.startswith(magic)), None)
    if kind is None:
        raise LogoError(
            _l("Bitte laden Sie das Logo als PNG- oder JPEG-Bild hoch. SVG und andere Formate sind nicht möglich.")
        )
    try:
        with Image.open(io.BytesIO(raw), formats=[kind]) as image:
            if max(image.size) > MAX_LOGO_SIDE:
                raise LogoError(_l("Das Logo ist zu groß: höchstens 4000 × 4000 Pixel."))
            image.load()
            clean = ImageOps.exif_transpose(image)
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise LogoError(_l("Die Datei ist kein lesbares PNG- oder JPEG-Bild.")) from error
    if kind == "JPEG":
        clean = clean.convert("RGB")
    elif clean.mode not in ("RGB", "RGBA", "L", "LA"):
        clean = clean.convert("RGBA")
    clean.thumbnail(LOGO_BOX)
    clean.info = {}  # no EXIF, ICC, text chunks: nothing of the original file but its pixels
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, "JPEG", quality=88)
    else:
        clean.save(out, "PNG", optimize=True)
    return ProcessedLogo(out.getvalue(), f"image/{kind.lower()}", clean.width, clean.height)


def current_logo_data(partnership: Partnership) -> PartnerLogo | None:
    if partnership.logo_id is None:
        return None
    return db.session.scalar(
        select(PartnerLogo)
        .where(PartnerLogo.id == partnership.logo_id, PartnerLogo.partnership_id == partnership.id)
        .options(undefer(PartnerLogo.data))
    )


# --- The partner's own profile --------------------------------------------------------------------------


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
    ("geändert durch Partner"), raising the actor's version. Returns the changes."""
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
    db.session.flush()
    after = profile_snapshot(partnership)
    changes = changes_between(before, after)
    partnership.profile_updated_at = clock.now()
    if changes:
        partnership.actor.version += 1
        record(PROFILE_UPDATED, partnership.actor, summary=partnership.name, changes=changes)
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


class UndoRefused(Exception):
    """The change cannot be undone (the message says why)."""


def undo_change(entry: AuditEntry) -> dict:
    """Restore the values a partner's change replaced, if nobody changed those fields since; audited."""
    if entry.action != PROFILE_UPDATED or entry.target_type != "Actor":
        raise UndoRefused(_l("Nur Änderungen durch Partner können hier rückgängig gemacht werden."))
    partnership = db.session.scalar(select(Partnership).where(Partnership.actor_id == entry.target_id))
    if partnership is None:
        raise UndoRefused(_l("Die Partnerorganisation gibt es nicht mehr."))
    current = profile_snapshot(partnership)
    fields = {name: pair for name, pair in entry.changes.items() if name in current}
    if any((current[name] or None) != (new or None) for name, (_old, new) in fields.items()):
        raise UndoRefused(_l("Diese Änderung ist schon rückgängig gemacht oder wurde inzwischen erneut geändert."))
    _apply_profile(partnership, {name: old for name, (old, _new) in fields.items()})
    db.session.flush()
    changes = changes_between(current, profile_snapshot(partnership))
    partnership.actor.version += 1
    record(CHANGE_UNDONE, partnership.actor, summary=f"{partnership.name} (Änderung Nr. {entry.id})", changes=changes)
    return changes


# --- Freshness ------------------------------------------------------------------------------------------

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


def request_update(partnership: Partnership, requested_by: User | None) -> list[OutgoingMail]:
    """Ask the partner's users to check their profile: a mail with a link to the login and then the profile
    form. Audited; returns the mails (none if the partner has no active user)."""
    link = external_url("auth.login", next="/partner/profil")
    mails = [
        queue_mail(
            user.email,
            "partner_update_request",
            user=user,
            partner=partnership,
            login_url=link,
            requested_by=requested_by,
        )
        for user in partner_users(partnership)
    ]
    partnership.update_requested_at = clock.now()
    record(
        "partner.update_requested",
        partnership.actor,
        summary=f"{partnership.name}: {len(mails)} E-Mail(s)",
        actor=requested_by,
    )
    return mails


def stale_partnerships(now=None) -> list[Partnership]:
    """Active partners whose profile was last updated (or asked for) longer than STALE_AFTER ago."""
    cutoff = (now or clock.now()) - STALE_AFTER
    last_touch = and_(
        (Partnership.profile_updated_at.is_(None)) | (Partnership.profile_updated_at < cutoff),
        (Partnership.update_requested_at.is_(None)) | (Partnership.update_requested_at < cutoff),
    )
    return list(
        db.session.scalars(
            select(Partnership)
            .where(Partnership.status == PartnerStatus.ACTIVE, last_touch)
            .options(selectinload(Partnership.actor))
        )
    )


def send_yearly_reminders() -> list[OutgoingMail]:
    """For the scheduler (once a day is enough): remind partners whose profile is older than a year. Asking
    sets update_requested_at, so each partner gets at most one reminder a year."""
    mails = []
    for partnership in stale_partnerships():
        mails.extend(request_update(partnership, None))
    return mails


def yearly_reminder_job() -> int:
    """The scheduler's daily job (outside any request): queue the yearly reminders; the outbox job sends them.
    Links in mails come from BASE_URL, so a request context on it lets url_for build them."""
    from flask import current_app

    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return len(send_yearly_reminders())
