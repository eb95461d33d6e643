"""Rules of the actor registry: saving with history, duplicates, filters, archive and delete. No commits here:
the unit of work (netzwerk/unit_of_work.py) saves; a save ends with its flush, so a crossed save is a Conflict."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import selectinload

from netzwerk import clock, unit_of_work
from netzwerk.actors.models import (
    Actor,
    ActorKind,
    ContactPerson,
    FieldOfAction,
    Municipality,
    Sector,
    actor_field_of_action,
    actor_sector,
)
from netzwerk.actors.search import fold, search_condition, search_text
from netzwerk.audit.models import AuditEntry
from netzwerk.audit.services import changes_between, record, record_save
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.partners.models import PartnerLink, Partnership, actors_with_partner_link

# Legal forms and filler words that do not tell two organisations apart ("e. V." arrives as "e v").
NAME_NOISE = {"gmbh", "mbh", "ag", "kg", "ohg", "gbr", "ug", "se", "ev", "eg", "co", "haftungsbeschrankt", "und"}

# Suggestions for the sector tags: the future industries the region courts, then whatever is in use.
SECTOR_SUGGESTIONS = (
    "Automobil und Zulieferer",
    "Digitalisierung",
    "Energie und Umwelttechnik",
    "Gesundheit und Pflege",
    "Handwerk",
    "Künstliche Intelligenz",
    "Leichtbau und Faserverbund",
    "Logistik",
    "Luft- und Raumfahrt",
    "Maschinenbau",
    "Medizintechnik",
    "Tourismus",
)


def normalise_name(name: str) -> str:
    """What duplicate detection compares: no case, accents, punctuation or legal forms."""
    text = re.sub(r"\b([eg])\W*([vg])\b", r"\1\2", fold(name))  # "e. V." → "ev", "e. G." → "eg"
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(word for word in words if word not in NAME_NOISE)[:200]


def refresh_search_document(actor: Actor) -> None:
    parts = [actor.name, actor.description, *(s.name for s in actor.sectors)]
    actor.search_document = search_text(" ".join(part for part in parts if part))
    actor.contact_search = search_text(" ".join(c.name for c in actor.contacts))


def sector_key(name: str) -> str:
    return fold(" ".join(name.split()))[:80]


def duplicates_of(name: str, municipality_id: int | None, exclude_id: int | None = None) -> list[Actor]:
    query = select(Actor).where(Actor.name_key == normalise_name(name))
    query = query.where(
        Actor.municipality_id == municipality_id if municipality_id else Actor.municipality_id.is_(None)
    )
    if exclude_id:
        query = query.where(Actor.id != exclude_id)
    return list(db.session.scalars(query.limit(5)))


def sectors_named(names: list[str]) -> dict[str, Sector]:
    """The Sector rows for these names by ``sector_key``, creating the new ones (one tag per spelling)."""
    wanted = {}
    for name in names:
        clean = " ".join(name.split())[:80]
        if clean:
            wanted.setdefault(sector_key(clean), clean)
    if not wanted:
        return {}
    sectors = {sector.key: sector for sector in db.session.scalars(select(Sector).where(Sector.key.in_(wanted)))}
    for key, name in wanted.items():
        if key not in sectors:
            sectors[key] = Sector(name=name, key=key)
            db.session.add(sectors[key])
    return sectors


@dataclass
class ContactData:
    name: str
    function: str = ""
    email: str = ""
    phone: str = ""
    source: str = ""
    id: int | None = None
    replace_source: bool = False  # the manager's form: the given source also replaces an existing row's


@dataclass
class ActorData:
    name: str
    kind: str
    municipality_id: int | None = None
    street: str = ""
    postal_code: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    description: str = ""
    is_public: bool = False
    sectors: list[str] = field(default_factory=list)
    field_of_action_ids: list[int] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)


SIMPLE_FIELDS = (
    "name",
    "kind",
    "municipality_id",
    "street",
    "postal_code",
    "website",
    "email",
    "phone",
    "description",
    "is_public",
)


def snapshot(actor: Actor) -> dict:
    """The actor as the audit log compares it (names instead of ids)."""
    state = {name: getattr(actor, name) for name in SIMPLE_FIELDS}
    state["municipality_id"] = actor.municipality.name if actor.municipality else None
    state["sectors"] = ", ".join(s.name for s in actor.sectors)
    state["fields_of_action"] = ", ".join(f.short_name or f.name for f in actor.fields_of_action)
    state["contacts"] = "; ".join(f"{c.name} ({c.function})" if c.function else c.name for c in actor.contacts)
    return state


def save_actor(actor: Actor | None, data: ActorData) -> Actor:
    """Create (actor None) or update an actor from the manager's data, with its audit entry."""
    creating = actor is None
    if creating:
        actor = Actor()
        db.session.add(actor)
        before = {}
    else:
        before = snapshot(actor)
    with db.session.no_autoflush:  # a lookup must not write early: only the flush below turns a crossed save
        for name in SIMPLE_FIELDS:  # into a Conflict
            setattr(actor, name, getattr(data, name))
        actor.name_key = normalise_name(data.name)
        actor.municipality = db.session.get(Municipality, data.municipality_id) if data.municipality_id else None
        actor.sectors = list(sectors_named(data.sectors).values())
        actor.fields_of_action = list(
            db.session.scalars(select(FieldOfAction).where(FieldOfAction.id.in_(data.field_of_action_ids)))
        )
        apply_contacts(actor, data.contacts)
        refresh_search_document(actor)
    unit_of_work.flush()  # the version column refuses a save crossed with another one: Conflict
    record_save("actor", actor, before, snapshot(actor), creating)
    unit_of_work.flush()  # the raised version too
    return actor


FIELD_OF_ACTION_FIELDS = ("name", "short_name", "description", "is_cross_cutting", "foerla_field")


class FieldNameTaken(Conflict):
    """Another field of action has this name (the filters and the report name fields by it)."""

    default_message = _l("Ein anderes Handlungsfeld heißt schon so.")


def update_field_of_action(field: FieldOfAction, values: dict) -> dict:
    """The manager's edit of a field of action (name, FöRLa mapping …), audited; returns the changes.
    FieldNameTaken if another field has the name; Conflict when another save crossed this one."""
    taken = select(FieldOfAction.id).where(FieldOfAction.name == values["name"], FieldOfAction.id != field.id)
    if db.session.scalar(taken):
        raise FieldNameTaken()
    before = {name: getattr(field, name) for name in FIELD_OF_ACTION_FIELDS}
    for name in FIELD_OF_ACTION_FIELDS:
        setattr(field, name, values[name])
    after = {name: getattr(field, name) for name in FIELD_OF_ACTION_FIELDS}
    changes = record_save("field_of_action", field, before, after, creating=False)
    unit_of_work.flush()
    return changes


def apply_contacts(actor: Actor, contacts: list[ContactData]) -> None:
    """Keep, change, add and drop contact persons; rows are matched by id."""
    by_id = {contact.id: contact for contact in actor.contacts}
    kept = []
    for data in contacts:
        contact = by_id.get(data.id) if data.id else None
        if contact is None:
            contact = ContactPerson(source=data.source or "Eingabe Regionalmanagement")
        elif data.replace_source and data.source:
            contact.source = data.source
        contact.name, contact.function, contact.email, contact.phone = data.name, data.function, data.email, data.phone
        kept.append(contact)
    actor.contacts = kept


def references(actor: Actor) -> list[str]:
    """Why the actor may only be archived, not deleted."""
    reasons = []
    linked = [c.name for c in actor.contacts if c.user_id]
    if linked:
        reasons.append(_("Ansprechpersonen mit Benutzerkonto: %(names)s", names=", ".join(linked)))
    memberships = db.session.scalar(select(func.count()).where(Membership.actor_id == actor.id))
    if memberships:
        reasons.append(_("vertreten in Arbeitskreisen (%(count)d Mitgliedschaften, auch frühere)", count=memberships))
    if db.session.scalar(select(Partnership.id).where(Partnership.actor_id == actor.id)):
        reasons.append(_("Partnerorganisation (mit Partnerschaft, Kooperationen und Änderungsverlauf)"))
    links = db.session.scalar(select(func.count()).where(PartnerLink.actor_id == actor.id))
    if links:
        reasons.append(
            _("Kooperationspartner von Partnerorganisationen (%(count)d Kooperationen, auch frühere)", count=links)
        )
    return reasons


class StillReferenced(Conflict):
    """The actor is referenced (accounts, memberships, partnerships): deleting it would rewrite history."""

    default_message = _l("Dieser Akteur wird noch verwendet und kann deshalb nur archiviert werden.")

    def __init__(self, reasons: list[str]):
        super().__init__()
        self.reasons = reasons


def archive(actor: Actor) -> None:
    actor.archived_at = clock.now()
    actor.version += 1
    record("actor.archived", actor, summary=actor.name)


def restore(actor: Actor) -> None:
    actor.archived_at = None
    actor.version += 1
    record("actor.restored", actor, summary=actor.name)


def delete_actor(actor: Actor) -> None:
    """Deleted for good, with a note in the audit log; StillReferenced while anything refers to it."""
    reasons = references(actor)
    if reasons:
        raise StillReferenced(reasons)
    before = snapshot(actor)
    record("actor.deleted", actor, summary=actor.name, changes=changes_between(before, dict.fromkeys(before)))
    db.session.delete(actor)


def history(actor: Actor) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .options(selectinload(AuditEntry.actor))
            .where(AuditEntry.target_type == "Actor", AuditEntry.target_id == actor.id)
            .order_by(AuditEntry.id.desc())
        )
    )


# --- The list ------------------------------------------------------------------------------------------

SORTS = {
    "name": (Actor.name_key, Actor.id),
    "-geaendert": (Actor.updated_at.desc(), Actor.id.desc()),
    "ort": (Municipality.name.is_(None), Municipality.name, Actor.name_key),  # without a place: last
    "art": (),  # by the kind's label in the reader's language: sort_terms
}


def sort_terms(sort: str) -> tuple:
    if sort == "art":
        return (ActorKind.by_label(Actor.kind), Actor.name_key)
    return SORTS.get(sort, SORTS["name"])


@dataclass
class ActorFilters:
    """The list's filters, as they travel in the URL (so a list can be bookmarked and shared)."""

    q: str = ""
    kind: str = ""
    municipality_id: int | None = None
    area: str = ""
    field_of_action_id: int | None = None
    sector: str = ""
    partner_link: bool = False
    archived: bool = False
    sort: str = "name"

    def as_args(self) -> dict:
        args = {
            "q": self.q,
            "art": self.kind,
            "gemeinde": self.municipality_id,
            "gebiet": self.area,
            "handlungsfeld": self.field_of_action_id,
            "branche": self.sector,
            "kooperation": "1" if self.partner_link else None,
            "archiv": "1" if self.archived else None,
            "sortierung": self.sort if self.sort != "name" else None,
        }
        return {key: value for key, value in args.items() if value}


def filtered_actors(filters: ActorFilters, visible, include_contacts: bool, visible_links=None) -> Select:
    """The actors matching the filters among those the viewer may see (``visible``: a WHERE condition);
    ``include_contacts``: whether the search also looks at contact names; ``visible_links``: the partner links
    the viewer may see (a WHERE condition, for the "hat Partner-Verknüpfung" filter)."""
    query = select(Actor).outerjoin(Actor.municipality).where(visible)
    query = query.where(Actor.archived_at.is_not(None) if filters.archived else Actor.archived_at.is_(None))
    condition = search_condition(filters.q, include_contacts)
    if condition is not None:
        query = query.where(condition)
    if filters.kind:
        query = query.where(Actor.kind == filters.kind)
    if filters.municipality_id:
        query = query.where(Actor.municipality_id == filters.municipality_id)
    if filters.area:
        query = query.where(Municipality.area == filters.area)
    if filters.field_of_action_id:
        query = query.where(
            Actor.id.in_(
                select(actor_field_of_action.c.actor_id).where(
                    actor_field_of_action.c.field_of_action_id == filters.field_of_action_id
                )
            )
        )
    if filters.sector:
        query = query.where(
            Actor.id.in_(
                select(actor_sector.c.actor_id)
                .join(Sector, Sector.id == actor_sector.c.sector_id)
                .where(Sector.key == sector_key(filters.sector))
            )
        )
    if filters.partner_link:
        query = query.where(Actor.id.in_(actors_with_partner_link(true() if visible_links is None else visible_links)))
    return query.order_by(*sort_terms(filters.sort))


def list_details() -> tuple:
    return selectinload(Actor.municipality), selectinload(Actor.fields_of_action), selectinload(Actor.sectors)


def with_list_details(query: Select) -> Select:
    """Load what a list row shows in a fixed number of queries, however many rows there are."""
    return query.options(*list_details())


def sector_names(visible) -> list[str]:
    """Suggestions for the sector field: the usual ones and those of the actors the viewer may see."""
    used = db.session.scalars(
        select(Sector.name)
        .join(actor_sector, actor_sector.c.sector_id == Sector.id)
        .join(Actor, Actor.id == actor_sector.c.actor_id)
        .where(visible)
        .distinct()
    ).all()
    return sorted(set(used) | set(SECTOR_SUGGESTIONS), key=str.lower)


def municipalities() -> list[Municipality]:
    return list(db.session.scalars(select(Municipality).order_by(Municipality.area, Municipality.name)))


def fields_of_action() -> list[FieldOfAction]:
    return list(db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)))
