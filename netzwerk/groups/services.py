"""Rules for working groups and memberships. No commits here."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from netzwerk.groups.models import GroupStatus, MemberRole, Membership, WorkingGroup

GROUP_FIELDS = ("name", "short_name", "field_of_action_id", "description", "goals", "is_public")


def current_on(on: date | None = None):
    """A WHERE condition: the membership runs on this day (default today)."""
    on = on or date.today()
    return and_(Membership.start_date <= on, or_(Membership.end_date.is_(None), Membership.end_date > on))


@dataclass
class GroupData:
    name: str
    short_name: str = ""
    field_of_action_id: int | None = None
    description: str = ""
    goals: str = ""
    is_public: bool = False


def save_group(group: WorkingGroup | None, data: GroupData) -> WorkingGroup:
    creating = group is None
    before = {} if creating else {name: getattr(group, name) for name in GROUP_FIELDS}
    if creating:
        group = WorkingGroup()
        db.session.add(group)
    for name in GROUP_FIELDS:
        setattr(group, name, getattr(data, name))
    db.session.flush()
    changes = changes_between(before, {name: getattr(group, name) for name in GROUP_FIELDS})
    if creating:
        record("group.created", group, summary=group.name, changes=changes)
    elif changes:
        group.version += 1
        record("group.updated", group, summary=group.name, changes=changes)
    return group


def set_status(group: WorkingGroup, status: GroupStatus) -> None:
    if group.status != status:
        record("group.status_changed", group, summary=group.name, changes={"status": [group.status, status]})
        group.status = status
        group.version += 1


def list_query(visible) -> Select:
    """Groups the viewer may see, with their current member counts, in one query."""
    members = (
        select(Membership.group_id, func.count().label("members"))
        .where(current_on())
        .group_by(Membership.group_id)
        .subquery()
    )
    return (
        select(WorkingGroup, func.coalesce(members.c.members, 0))
        .outerjoin(members, members.c.group_id == WorkingGroup.id)
        .where(visible)
        .options(selectinload(WorkingGroup.field_of_action))
        .order_by(WorkingGroup.status, WorkingGroup.name)
    )


def current_memberships(group: WorkingGroup) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.group_id == group.id, current_on())
            .options(selectinload(Membership.user), selectinload(Membership.actor))
            .order_by(Membership.role != MemberRole.LEAD, Membership.role != MemberRole.DEPUTY, Membership.id)
        )
    )


def past_memberships(group: WorkingGroup) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.group_id == group.id, Membership.end_date.is_not(None), Membership.end_date <= date.today()
            )
            .options(selectinload(Membership.user))
            .order_by(Membership.end_date.desc())
        )
    )


def current_membership(group: WorkingGroup, user: User) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id, current_on())
    )


def candidates(group: WorkingGroup) -> list[User]:
    """Active and invited accounts that are not current members."""
    members = select(Membership.user_id).where(Membership.group_id == group.id, current_on())
    return list(
        db.session.scalars(
            select(User).where(User.status != AccountStatus.DEACTIVATED, User.id.not_in(members)).order_by(User.name)
        )
    )


def add_member(group: WorkingGroup, user: User, role: MemberRole, actor_id: int | None) -> Membership:
    membership = Membership(group=group, user=user, role=role, actor_id=actor_id, start_date=date.today())
    db.session.add(membership)
    record("group.member_added", group, summary=f"{user.name} ({role})", changes={"member": [None, user.name]})
    return membership


def change_role(membership: Membership, role: MemberRole) -> None:
    """A new role starts a new membership, so the history shows who held which role when."""
    if membership.role == role:
        return
    end_membership(membership, audit=False)
    db.session.add(
        Membership(
            group=membership.group,
            user=membership.user,
            role=role,
            actor_id=membership.actor_id,
            start_date=date.today(),
        )
    )
    record(
        "group.member_role_changed",
        membership.group,
        summary=membership.user.name,
        changes={"role": [membership.role, role]},
    )


def end_membership(membership: Membership, audit: bool = True) -> None:
    membership.end_date = date.today()
    if audit:
        record(
            "group.member_removed",
            membership.group,
            summary=membership.user.name,
            changes={"member": [membership.user.name, None]},
        )


def groups_of(user: User) -> list[Membership]:
    """The user's current memberships with their groups (start pages)."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.user_id == user.id, current_on())
            .options(selectinload(Membership.group))
            .order_by(Membership.id)
        )
    )
