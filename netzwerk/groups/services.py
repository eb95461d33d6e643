"""Rules for working groups and memberships. No commits here."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.extensions import db
from netzwerk.groups.models import (
    GroupMessage,
    GroupStatus,
    JoinRequest,
    MemberRole,
    Membership,
    RequestStatus,
    WorkingGroup,
    current_on,
)
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.users.services import invite_user

GROUP_FIELDS = (
    "name",
    "short_name",
    "field_of_action_id",
    "description",
    "goals",
    "is_public",
    "partners_see_meetings",
)


@dataclass
class GroupData:
    name: str
    short_name: str = ""
    field_of_action_id: int | None = None
    description: str = ""
    goals: str = ""
    is_public: bool = False
    partners_see_meetings: bool = False


def save_group(group: WorkingGroup | None, data: GroupData) -> WorkingGroup:
    creating = group is None
    before = {} if creating else {name: getattr(group, name) for name in GROUP_FIELDS}
    if creating:
        group = WorkingGroup()
        db.session.add(group)
    for name in GROUP_FIELDS:
        setattr(group, name, getattr(data, name))
    db.session.flush()
    record_save("group", group, before, {name: getattr(group, name) for name in GROUP_FIELDS}, creating)
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
                Membership.group_id == group.id, Membership.end_date.is_not(None), Membership.end_date <= clock.today()
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


def search_candidates(group: WorkingGroup, text: str, limit: int = 20) -> list[User]:
    """Candidates whose name contains the text (case-insensitive); at most ``limit``."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    members = select(Membership.user_id).where(Membership.group_id == group.id, current_on())
    query = (
        select(User)
        .where(
            User.status != AccountStatus.DEACTIVATED,
            User.id.not_in(members),
            User.name.ilike(f"%{escaped}%", escape="\\"),
        )
        .order_by(User.name)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def add_member(group: WorkingGroup, user: User, role: MemberRole, actor_id: int | None) -> Membership:
    membership = Membership(group=group, user=user, role=role, actor_id=actor_id, start_date=clock.today())
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
            start_date=clock.today(),
        )
    )
    record(
        "group.member_role_changed",
        membership.group,
        summary=membership.user.name,
        changes={"role": [membership.role, role]},
    )


def end_membership(membership: Membership, audit: bool = True) -> None:
    membership.end_date = clock.today()
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


# --- Invitations, join requests, Rundmail ---------------------------------------------------------------


def leads_of(group: WorkingGroup) -> list[User]:
    return [m.user for m in current_memberships(group) if m.role in (MemberRole.LEAD, MemberRole.DEPUTY)]


def invite_into_group(
    group: WorkingGroup, name: str, email: str, role: MemberRole, organisation: str, invited_by: User
) -> tuple[User, OutgoingMail]:
    """A new person: the account invitation of the foundation, with the membership already attached."""
    user, mail = invite_user(name, email, Role.MEMBER, organisation, invited_by, group=group)
    add_member(group, user, role, None)
    return user, mail


def pending_request(group: WorkingGroup, user: User) -> JoinRequest | None:
    return db.session.scalar(
        select(JoinRequest).where(
            JoinRequest.group_id == group.id,
            JoinRequest.user_id == user.id,
            JoinRequest.status == RequestStatus.PENDING,
        )
    )


def pending_requests(group: WorkingGroup) -> list[JoinRequest]:
    return list(
        db.session.scalars(
            select(JoinRequest)
            .where(JoinRequest.group_id == group.id, JoinRequest.status == RequestStatus.PENDING)
            .options(selectinload(JoinRequest.user))
            .order_by(JoinRequest.id)
        )
    )


def request_to_join(group: WorkingGroup, user: User, message: str) -> tuple[JoinRequest, list[OutgoingMail]]:
    join_request = JoinRequest(group=group, user=user, message=message)
    db.session.add(join_request)
    record("group.join_requested", group, summary=user.name)
    mails = [
        queue_mail(lead.email, "join_request", user=lead, group=group, applicant=user, message=message)
        for lead in leads_of(group)
        if lead.notify_by_email and lead.is_active
    ]
    return join_request, mails


def decide_request(join_request: JoinRequest, approve: bool, decided_by: User) -> OutgoingMail:
    """Approve (the applicant becomes a member) or decline; the applicant hears either way."""
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    join_request.decided_at, join_request.decided_by_id = clock.now(), decided_by.id
    group, user = join_request.group, join_request.user
    if approve and current_membership(group, user) is None:
        add_member(group, user, MemberRole.MEMBER, None)
    record("group.join_approved" if approve else "group.join_declined", group, summary=user.name)
    return queue_mail(user.email, "join_decision", user=user, group=group, approved=approve)


def send_group_message(group: WorkingGroup, author: User, subject: str, body: str) -> tuple[GroupMessage, list]:
    """A Rundmail to the current members who receive mail (notification setting, active account)."""
    recipients = [m.user for m in current_memberships(group) if m.user.notify_by_email and m.user.is_active]
    message = GroupMessage(group_id=group.id, author=author, subject=subject, body=body, recipients=len(recipients))
    db.session.add(message)
    mails = [
        queue_mail(user.email, "group_message", user=user, group=group, author=author, topic=subject, text=body)
        for user in recipients
    ]
    record("group.message_sent", group, summary=f"{subject} ({len(recipients)} Empfänger)")
    return message, mails


def messages_of(group: WorkingGroup) -> list[GroupMessage]:
    return list(
        db.session.scalars(
            select(GroupMessage)
            .where(GroupMessage.group_id == group.id)
            .options(selectinload(GroupMessage.author))
            .order_by(GroupMessage.id.desc())
            .limit(50)
        )
    )


def memberships_of_actor(actor_id: int, visible) -> list[Membership]:
    """Who has represented the actor in which group (current first, then former), in groups the viewer may see."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(WorkingGroup, WorkingGroup.id == Membership.group_id)
            .where(Membership.actor_id == actor_id, visible)
            .options(selectinload(Membership.user), selectinload(Membership.group))
            .order_by(Membership.end_date.is_not(None), WorkingGroup.name, Membership.start_date)
        )
    )
