"""Rules for working groups and memberships. Services decide and raise domain errors (netzwerk/errors.py); the
unit of work (netzwerk/unit_of_work.py) commits and then sends the mails queued here."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import selectinload

from netzwerk import clock, unit_of_work
from netzwerk.actors.models import FieldOfAction
from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.errors import Conflict, Finished
from netzwerk.extensions import db
from netzwerk.forms import small_int
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
from netzwerk.mail.services import queue_mail
from netzwerk.pagination import Window, contains, window
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


class NameTaken(Conflict):
    """Another group already has this name (the name is unique: the list and the mails name groups by it)."""

    default_message = _l("Es gibt schon einen Arbeitskreis mit diesem Namen.")


def require_free_name(name: str, group_id: int | None) -> None:
    other = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.name == name))
    if other and other != group_id:
        raise NameTaken()


def save_group(group: WorkingGroup | None, data: GroupData) -> WorkingGroup:
    """Create (group None) or update a group, audited. NameTaken if another group has the name (also when both
    were saved at the same moment); Conflict when another save of the group crossed this one."""
    creating = group is None
    require_free_name(data.name, None if creating else group.id)
    before = {} if creating else {name: getattr(group, name) for name in GROUP_FIELDS}
    if creating:
        group = WorkingGroup()
        db.session.add(group)
    for name in GROUP_FIELDS:
        setattr(group, name, getattr(data, name))
    unit_of_work.flush(duplicate=NameTaken())  # the same name saved at the same moment: the unique constraint
    record_save("group", group, before, {name: getattr(group, name) for name in GROUP_FIELDS}, creating)
    unit_of_work.flush()  # the raised version too
    return group


def set_status(group: WorkingGroup, status: GroupStatus) -> None:
    if group.status != status:
        record("group.status_changed", group, summary=group.name, changes={"status": [group.status, status]})
        group.status = status
        group.version += 1


GROUPS_PER_PAGE = 50


def list_page(visible, page: int) -> Window:
    """A page of the groups the viewer may see, in the order of the fields of action (groups without one last),
    active before closed, then by name."""
    query = (
        select(WorkingGroup)
        .outerjoin(FieldOfAction, FieldOfAction.id == WorkingGroup.field_of_action_id)
        .where(visible)
        .options(selectinload(WorkingGroup.field_of_action))
        .order_by(FieldOfAction.id.is_(None), FieldOfAction.position, WorkingGroup.status, WorkingGroup.name)
    )
    return window(query, page, GROUPS_PER_PAGE)


def member_counts(group_ids: list[int]) -> dict[int, int]:
    """group id → number of current members, for the groups on a page only."""
    rows = db.session.execute(
        select(Membership.group_id, func.count())
        .where(Membership.group_id.in_(group_ids), current_on())
        .group_by(Membership.group_id)
    )
    return {group_id: count for group_id, count in rows}


def current_memberships(group: WorkingGroup) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.group_id == group.id, current_on())
            .options(selectinload(Membership.user), selectinload(Membership.actor))
            .order_by(Membership.role != MemberRole.LEAD, Membership.role != MemberRole.DEPUTY, Membership.id)
        )
    )


@dataclass(frozen=True)
class FormerMember:
    """A person no longer in the group: the last role, from the first day to the last."""

    user: User
    role_label: str
    start_date: date
    end_date: date


def past_memberships(group: WorkingGroup) -> list[FormerMember]:
    """Former members: people whose last membership has ended, each once. Someone whose role changed is a
    current member with a history, not a former one."""
    still_members = select(Membership.user_id).where(Membership.group_id == group.id, current_on())
    ended = db.session.scalars(
        select(Membership)
        .where(
            Membership.group_id == group.id,
            Membership.end_date.is_not(None),
            Membership.end_date <= clock.today(),
            Membership.user_id.not_in(still_members),
        )
        .options(selectinload(Membership.user))
        .order_by(Membership.end_date.desc(), Membership.id.desc())
    )
    former: dict[int, FormerMember] = {}
    for membership in ended:  # the latest first
        known = former.get(membership.user_id)
        start = min(membership.start_date, known.start_date) if known else membership.start_date
        last = known or membership
        former[membership.user_id] = FormerMember(membership.user, last.role_label, start, last.end_date)
    return list(former.values())


def current_membership(group: WorkingGroup, user: User) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id, current_on())
    )


def _candidate_condition(group: WorkingGroup):
    """Active and invited accounts that are not current members of the group."""
    members = select(Membership.user_id).where(Membership.group_id == group.id, current_on())
    return and_(User.status != AccountStatus.DEACTIVATED, User.id.not_in(members))


def candidate(group: WorkingGroup, user_id: str) -> User | None:
    """The account with this id if it may join the group (one row read, not every account)."""
    number = small_int(user_id)
    if number is None:
        return None
    return db.session.scalar(select(User).where(User.id == number, _candidate_condition(group)))


def search_candidates(group: WorkingGroup, text: str, limit: int = 20) -> list[User]:
    """Candidates whose name contains the text (case-insensitive); at most ``limit``."""
    query = select(User).where(_candidate_condition(group), contains(User.name, text)).order_by(User.name).limit(limit)
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
) -> User:
    """A new person: the account invitation of the foundation, with the membership already attached."""
    user = invite_user(name, email, Role.MEMBER, organisation, invited_by, group=group)
    add_member(group, user, role, None)
    return user


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


GROUP_NOT_TAKING_MEMBERS = _l("Der Arbeitskreis ruht oder ist beendet und nimmt derzeit keine neuen Mitglieder auf.")
ALREADY_MEMBER = _l("Sie gehören diesem Arbeitskreis bereits an.")
ALREADY_DECIDED = _l("Über diese Anfrage ist bereits entschieden.")


def request_to_join(group: WorkingGroup, user: User, message: str) -> JoinRequest:
    """Ask the leads of an active group (each gets a mail, if they want mail). Asking again while the first
    request waits changes nothing (a double click); Finished when the group is paused or closed, Conflict when
    the person already belongs to it."""
    if group.status != GroupStatus.ACTIVE:
        raise Finished(GROUP_NOT_TAKING_MEMBERS)
    if current_membership(group, user) is not None:
        raise Conflict(ALREADY_MEMBER)
    waiting = pending_request(group, user)
    if waiting is not None:
        return waiting
    join_request = JoinRequest(group=group, user=user, message=message)
    db.session.add(join_request)
    record("group.join_requested", group, summary=user.name)
    for lead in leads_of(group):
        if lead.notify_by_email and lead.is_active:
            queue_mail(lead.email, "join_request", user=lead, group=group, applicant=user, message=message)
    return join_request


def claim_decision(join_request: JoinRequest, status: RequestStatus, decided_by: User) -> bool:
    """Decide the request in one UPDATE that only a pending request passes, so two leads deciding at the same
    moment cannot both decide (nor both mail the applicant). False if it was decided already."""
    result = db.session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == join_request.id, JoinRequest.status == RequestStatus.PENDING)
        .values(status=status, decided_at=clock.now(), decided_by_id=decided_by.id)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def decide_request(join_request: JoinRequest, approve: bool, decided_by: User) -> None:
    """Approve (the applicant becomes a member) or decline; the applicant hears either way. Finished if the
    request was decided already (by another lead a moment ago)."""
    if not claim_decision(join_request, RequestStatus.APPROVED if approve else RequestStatus.DECLINED, decided_by):
        raise Finished(ALREADY_DECIDED)
    group, user = join_request.group, join_request.user
    if approve and current_membership(group, user) is None:
        add_member(group, user, MemberRole.MEMBER, None)
    record("group.join_approved" if approve else "group.join_declined", group, summary=user.name)
    queue_mail(user.email, "join_decision", user=user, group=group, approved=approve)


def send_group_message(group: WorkingGroup, author: User, subject: str, body: str) -> GroupMessage:
    """A Rundmail to the current members who receive mail (notification setting, active account); the message
    kept on the group page says how many."""
    recipients = [m.user for m in current_memberships(group) if m.user.notify_by_email and m.user.is_active]
    message = GroupMessage(group_id=group.id, author=author, subject=subject, body=body, recipients=len(recipients))
    db.session.add(message)
    for user in recipients:
        queue_mail(user.email, "group_message", user=user, group=group, author=author, topic=subject, text=body)
    record("group.message_sent", group, summary=f"{subject} ({len(recipients)} Empfänger)")
    return message


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
