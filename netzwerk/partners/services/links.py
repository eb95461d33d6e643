"""Links (Kooperationen) of partners with working groups and actors, kept as history when they end; the
lists of partners and their links as the viewer may see them."""

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.audit.services import record
from netzwerk.auth.models import Role, User
from netzwerk.auth.permissions import linked_group_ids
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.partners.models import (
    PartnerLink,
    Partnership,
)


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
