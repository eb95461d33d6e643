"""Who may use which view and see which record: the one place that decides it.

Every view declares its audience with ``@public`` or ``@roles_required(...)``; ``enforce_access`` runs before
each request and refuses views that declare nothing (deny by default). Below that, the object-level rules
(which actors, which contact details) that views and queries ask."""

from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy import and_, false, or_, select, true, union

from netzwerk.actors.models import Actor, ContactPerson
from netzwerk.auth.models import Role
from netzwerk.extensions import db, login_manager
from netzwerk.groups.models import MemberRole, Membership, WorkingGroup, current_on
from netzwerk.partners.models import PartnerLink, Partnership, PartnerStatus, PartnerUser
from netzwerk.projects.models import Project

PUBLIC = "public"
ALL_ROLES = frozenset(Role)


def public(view: Callable) -> Callable:
    view.access = frozenset({PUBLIC})  # type: ignore[attr-defined]  # read back by enforce_access
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view.access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


login_required = roles_required(*ALL_ROLES)
admin_required = roles_required(Role.ADMIN)


def access_of(endpoint: str) -> frozenset[str] | None:
    if endpoint == "static" or endpoint.endswith(".static"):
        return frozenset({PUBLIC})
    return getattr(current_app.view_functions.get(endpoint), "access", None)


def enforce_access():
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    access = access_of(request.endpoint)
    if access is None:
        current_app.logger.error("View %s declares no access rule; refused.", request.endpoint)
        abort(403)
    if PUBLIC in access:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in access:
        abort(403)
    return None


# --- Object-level rules -------------------------------------------------------------------------------


def _role(user) -> str | None:
    return user.role if user is not None and user.is_authenticated else None


def own_actor_ids(user):
    """The organisations a user belongs to: those listing the user as a contact person, and for a partner user
    the partner organisation the manager assigned."""
    contacts = select(ContactPerson.actor_id).where(ContactPerson.user_id == user.id)
    if _role(user) != Role.PARTNER:
        return contacts
    return union(contacts, own_partner_actor_ids(user))


def own_partner_actor_ids(user):
    """A subquery: the actor of the partner organisation a partner user belongs to (none for other roles)."""
    query = select(Partnership.actor_id).join(PartnerUser, PartnerUser.partnership_id == Partnership.id)
    query = query.where(PartnerUser.user_id == user.id).correlate(None)  # never tied to an outer partnership
    return query if _role(user) == Role.PARTNER else query.where(false())


def own_partnership(user):
    """The partnership whose profile this user may edit: only a partner user's own organisation, never one
    named by a URL or a form field."""
    if _role(user) != Role.PARTNER:
        return None
    return db.session.scalar(
        select(Partnership)
        .join(PartnerUser, PartnerUser.partnership_id == Partnership.id)
        .where(PartnerUser.user_id == user.id)
    )


def can_manage_account(account) -> bool:
    """An erased person's placeholder row is neither edited, reactivated nor erased again (the manager's
    views decide nothing else about accounts: admin_required covers them)."""
    return account.deleted_at is None


def is_own_organisation(user, actor) -> bool:
    """A partner user's own organisation: listed as its contact person, or assigned by the manager."""
    if _role(user) != Role.PARTNER:
        return False
    if any(contact.user_id == user.id for contact in actor.contacts):
        return True
    partnership = own_partnership(user)
    return partnership is not None and partnership.actor_id == actor.id


def visible_actors(user):
    """A WHERE condition: the actors this viewer may see. Archived ones only the manager filters for."""
    role = _role(user)
    if role in (Role.ADMIN, Role.MEMBER):
        return true()  # members read the whole registry (contact details only with consent, see below)
    if role == Role.PARTNER:
        return or_(Actor.is_public, Actor.id.in_(own_actor_ids(user)))
    return Actor.is_public


def can_view_actor(user, actor) -> bool:
    role = _role(user)
    if role == Role.ADMIN:
        return True
    if actor.is_archived:
        return False
    if role == Role.MEMBER or actor.is_public:
        return True
    return is_own_organisation(user, actor)


def reads_whole_registry(user) -> bool:
    """Manager and members read the registry's internals: contact persons (details by consent), addresses,
    and they search by contact names. Partners only for their own organisation, visitors never."""
    return _role(user) in (Role.ADMIN, Role.MEMBER)


def can_see_internal_actor_data(user, actor) -> bool:
    if reads_whole_registry(user):
        return True
    return is_own_organisation(user, actor)


def can_see_contact_details(user, contact) -> bool:
    """Email and phone of a contact person: the manager, the person, colleagues of the same organisation, and
    members when the person has agreed (profile setting) to show them."""
    role = _role(user)
    if role == Role.ADMIN or (role and contact.user_id == user.id):
        return True
    if role == Role.PARTNER and is_own_organisation(user, contact.actor):
        return True
    return role == Role.MEMBER and contact.user is not None and contact.user.share_contact_details


def emails_visible_to(viewer, people) -> set[int]:
    """Which of these people's email addresses the viewer may see when adding members: the manager all; a lead
    those who agreed to show their contact details, and members of a group the lead leads."""
    if _role(viewer) == Role.ADMIN:
        return {person.id for person in people}
    led = select(Membership.group_id).where(Membership.user_id == viewer.id, Membership.role == "lead", current_on())
    colleagues = set(db.session.scalars(select(Membership.user_id).where(Membership.group_id.in_(led), current_on())))
    return {person.id for person in people if person.share_contact_details or person.id in colleagues}


def visible_groups(user):
    """A WHERE condition: the working groups this viewer may see. Internal groups: the manager and their
    current members. Closed groups stay visible to those who could see them."""
    role = _role(user)
    if role == Role.ADMIN:
        return true()
    if role is None:
        return WorkingGroup.is_public
    own = select(Membership.group_id).where(Membership.user_id == user.id, current_on())
    if role == Role.PARTNER:
        return or_(WorkingGroup.is_public, WorkingGroup.id.in_(own), WorkingGroup.id.in_(linked_group_ids(user)))
    return or_(WorkingGroup.is_public, WorkingGroup.id.in_(own))


def linked_group_ids(user):
    """A subquery: the groups a partner user's organisation has a current link (Kooperation) with."""
    return (
        select(PartnerLink.group_id)
        .join(PartnerUser, PartnerUser.partnership_id == PartnerLink.partnership_id)
        .where(PartnerUser.user_id == user.id, PartnerLink.group_id.is_not(None), PartnerLink.ended_on.is_(None))
        .correlate(None)
    )


def partner_meeting_group_ids(user):
    """A subquery: the groups whose meetings a partner user sees without an invitation (linked, and the group
    allows it); empty for everyone else."""
    query = select(WorkingGroup.id).where(
        WorkingGroup.partners_see_meetings, WorkingGroup.id.in_(linked_group_ids(user))
    )
    return query.correlate(None) if _role(user) == Role.PARTNER else query.where(false())


def is_linked_partner(user, group) -> bool:
    """A partner user whose organisation currently works with the group (a current partner link)."""

    if _role(user) != Role.PARTNER:
        return False
    return group.id in set(db.session.scalars(linked_group_ids(user)))


def group_role(user, group) -> str | None:
    """The viewer's current role in the group, or None."""
    if _role(user) is None:
        return None
    membership = next((m for m in group.memberships if m.user_id == user.id and m.is_current()), None)
    return membership.role if membership else None


def can_view_group(user, group) -> bool:
    return (
        _role(user) == Role.ADMIN
        or group.is_public
        or group_role(user, group) is not None
        or is_linked_partner(user, group)
    )


def can_see_group_internals(user, group) -> bool:
    """Members list and internal information: the manager and the group's current members."""
    return _role(user) == Role.ADMIN or group_role(user, group) is not None


def can_view_meeting(user, meeting, invited: bool) -> bool:
    """Invited people, the group's members and the manager; a meeting open to guests also whoever may see its
    group (so they can register)."""
    return (
        invited
        or can_see_group_meetings(user, meeting.group)
        or (meeting.guests_allowed and not meeting.is_cancelled and can_view_group(user, meeting.group))
    )


def has_public_calendar(group) -> bool:
    """Public groups publish their meeting times as a calendar feed (no personal data in it)."""
    return group.is_public


def can_see_group_meetings(user, group) -> bool:
    """Meetings (and minutes): the group's members and the manager; linked partners if the group allows it."""
    if can_see_group_internals(user, group):
        return True
    return group.partners_see_meetings and is_linked_partner(user, group)


def can_manage_group(user, group) -> bool:
    """Members (and, later, meetings): the manager, and the group's lead and deputy for their own group."""

    return _role(user) == Role.ADMIN or group_role(user, group) in (MemberRole.LEAD, MemberRole.DEPUTY)


def can_mark_task(user, task) -> bool:
    """A task from the minutes is marked done by the person it is assigned to, the group's lead and deputy, and
    the manager."""
    if not getattr(user, "is_authenticated", False):
        return False
    return task.assignee_id == user.id or can_manage_group(user, task.meeting.group)


def can_see_poll(user, poll) -> bool:
    """A date poll and everyone's votes: the manager and the group's current members."""
    return can_see_group_internals(user, poll.group)


def can_vote_in_poll(user, poll) -> bool:
    """Current members vote while the poll is open (the manager only if a member)."""
    return poll.is_open and group_role(user, poll.group) is not None


def can_manage_poll(user, poll) -> bool:
    """Close it, turn a slot into a meeting, remind: the manager and the group's lead and deputy."""
    return can_manage_group(user, poll.group)


# --- Partners ---------------------------------------------------------------------------------------------


def visible_partnerships(user):
    """A WHERE condition: the partners this viewer may list. Visitors and members: public, not-ended partners of
    actors that are not archived; a partner user also its own; the manager all."""
    role = _role(user)
    if role == Role.ADMIN:
        return true()
    shown = and_(Actor.archived_at.is_(None), Partnership.status != PartnerStatus.ENDED)
    if role == Role.MEMBER:
        return shown
    public = and_(shown, Actor.is_public)
    if role == Role.PARTNER:
        return or_(public, Partnership.actor_id.in_(own_partner_actor_ids(user)))
    return public


def can_view_partnership(user, partnership) -> bool:

    role = _role(user)
    if role == Role.ADMIN or is_own_organisation(user, partnership.actor):
        return True
    if partnership.actor.is_archived or partnership.status == PartnerStatus.ENDED:
        return False
    return role == Role.MEMBER or partnership.actor.is_public


def can_see_internal_partner_data(user, partnership) -> bool:
    """The internal part of a partner profile (fields the partner keeps internal, contacts, address):
    the manager, members (who read the registry) and the partner's own users."""
    return can_see_internal_actor_data(user, partnership.actor)


def shows_partner_field(user, partnership, field: str) -> bool:
    """Whether this viewer sees one profile field: public fields to everyone who sees the partner, the
    others only to those who see its internal part."""
    return partnership.is_public_field(field) or can_see_internal_partner_data(user, partnership)


def can_view_link(user, link) -> bool:
    """A partner link is shown to those who may see both ends (an internal group's link stays internal)."""
    if link.group is not None:
        return can_view_group(user, link.group)
    return can_view_actor(user, link.actor)


def visible_links(user):
    """A WHERE condition on PartnerLink for lists: links whose partner and whose group or actor the viewer may
    see."""
    if _role(user) == Role.ADMIN:
        return true()
    # correlate(None): these ask about the link's group and actor, never about an actor of an outer query
    groups = select(WorkingGroup.id).where(visible_groups(user)).correlate(None)
    actors = select(Actor.id).where(visible_actors(user), Actor.archived_at.is_(None)).correlate(None)
    partners = (
        select(Partnership.id)
        .join(Actor, Actor.id == Partnership.actor_id)
        .where(visible_partnerships(user))
        .correlate(None)
    )
    return and_(
        PartnerLink.partnership_id.in_(partners),
        or_(
            and_(PartnerLink.group_id.is_not(None), PartnerLink.group_id.in_(groups)),
            and_(PartnerLink.actor_id.is_not(None), PartnerLink.actor_id.in_(actors)),
        ),
    )


# --- Projects (Vorhaben) ----------------------------------------------------------------------------------


def visible_projects(user):
    """A WHERE condition: the manager and members see every project, partners and visitors the public ones."""
    return true() if _role(user) in (Role.ADMIN, Role.MEMBER) else Project.is_public


def can_view_project(user, project) -> bool:
    return _role(user) in (Role.ADMIN, Role.MEMBER) or project.is_public
