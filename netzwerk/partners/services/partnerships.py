"""Partnerships the manager keeps, and the one partner organisation of each user."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import unit_of_work
from netzwerk.actors.models import Actor
from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.partners.models import (
    Partnership,
    PartnerStatus,
    PartnerUser,
)

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


ALREADY_PARTNER = _l("Diese Organisation ist bereits Partnerorganisation.")


def save_partnership(partnership: Partnership | None, data: PartnershipData, actor: Actor | None = None) -> Partnership:
    """The manager creates (with the actor) or edits a partnership, audited. Conflict if the actor became a
    partner a moment ago (a double click) or another save of the partnership crossed this one."""
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
    unit_of_work.flush(Conflict(ALREADY_PARTNER) if creating else None)
    record_save("partner", partnership, before, _partnership_state(partnership), creating)
    unit_of_work.flush()  # the raised version, checked against the one this save read
    return partnership


def without_partnership():
    """A WHERE condition: actors that are not yet a partner organisation (what a new partnership picks)."""
    return Actor.id.not_in(select(Partnership.actor_id))


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
