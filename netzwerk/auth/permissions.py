"""Who may use which view and see which record: the one place that decides it.

Every view declares its audience with ``@public`` or ``@roles_required(...)``; ``enforce_access`` runs before
each request and refuses views that declare nothing (deny by default). Below that, the object-level rules
(which actors, which contact details) that views and queries ask."""

from collections.abc import Callable

from flask import abort, current_app, request
from flask_login import current_user

from netzwerk.auth.models import Role
from netzwerk.extensions import login_manager

PUBLIC = "public"
ALL_ROLES = frozenset(Role)


def public(view: Callable) -> Callable:
    view.access = frozenset({PUBLIC})
    return view


def roles_required(*roles: Role) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        view.access = frozenset(roles)
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
    """The organisations a user belongs to: those listing the user as a contact person."""
    from sqlalchemy import select

    from netzwerk.actors.models import ContactPerson

    return select(ContactPerson.actor_id).where(ContactPerson.user_id == user.id)


def visible_actors(user):
    """A WHERE condition: the actors this viewer may see. Archived ones only the manager filters for."""
    from sqlalchemy import or_, true

    from netzwerk.actors.models import Actor

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
    return role == Role.PARTNER and any(contact.user_id == user.id for contact in actor.contacts)


def reads_whole_registry(user) -> bool:
    """Manager and members read the registry's internals: contact persons (details by consent), addresses,
    and they search by contact names. Partners only for their own organisation, visitors never."""
    return _role(user) in (Role.ADMIN, Role.MEMBER)


def can_see_internal_actor_data(user, actor) -> bool:
    if reads_whole_registry(user):
        return True
    return _role(user) == Role.PARTNER and any(contact.user_id == user.id for contact in actor.contacts)


def can_see_contact_details(user, contact) -> bool:
    """Email and phone of a contact person: the manager, the person, colleagues of the same organisation, and
    members when the person has agreed (profile setting) to show them."""
    role = _role(user)
    if role == Role.ADMIN or (role and contact.user_id == user.id):
        return True
    if role == Role.PARTNER and any(c.user_id == user.id for c in contact.actor.contacts):
        return True
    return role == Role.MEMBER and contact.user is not None and contact.user.share_contact_details


def visible_groups(user):
    """A WHERE condition: the working groups this viewer may see. Internal groups: the manager and their
    current members. Closed groups stay visible to those who could see them."""
    from sqlalchemy import or_, select, true

    from netzwerk.groups.models import Membership, WorkingGroup
    from netzwerk.groups.services import current_on

    role = _role(user)
    if role == Role.ADMIN:
        return true()
    if role is None:
        return WorkingGroup.is_public
    own = select(Membership.group_id).where(Membership.user_id == user.id, current_on())
    return or_(WorkingGroup.is_public, WorkingGroup.id.in_(own))


def group_role(user, group) -> str | None:
    """The viewer's current role in the group, or None."""
    if _role(user) is None:
        return None
    membership = next((m for m in group.memberships if m.user_id == user.id and m.is_current()), None)
    return membership.role if membership else None


def can_view_group(user, group) -> bool:
    return _role(user) == Role.ADMIN or group.is_public or group_role(user, group) is not None


def can_see_group_internals(user, group) -> bool:
    """Members list and internal information: the manager and the group's current members."""
    return _role(user) == Role.ADMIN or group_role(user, group) is not None


def can_view_meeting(user, meeting, invited: bool) -> bool:
    """Invited people, the group's members and the manager; a meeting open to guests also whoever may see its
    group (so they can register)."""
    return (
        invited
        or can_see_group_internals(user, meeting.group)
        or (meeting.guests_allowed and not meeting.is_cancelled and can_view_group(user, meeting.group))
    )


def has_public_calendar(group) -> bool:
    """Public groups publish their meeting times as a calendar feed (no personal data in it)."""
    return group.is_public


def can_manage_group(user, group) -> bool:
    """Members (and, later, meetings): the manager, and the group's lead and deputy for their own group."""
    from netzwerk.groups.models import MemberRole

    return _role(user) == Role.ADMIN or group_role(user, group) in (MemberRole.LEAD, MemberRole.DEPUTY)


def can_see_poll(user, poll) -> bool:
    """A date poll and everyone's votes: the manager and the group's current members."""
    return can_see_group_internals(user, poll.group)


def can_vote_in_poll(user, poll) -> bool:
    """Current members vote while the poll is open (the manager only if a member)."""
    return poll.is_open and group_role(user, poll.group) is not None


def can_manage_poll(user, poll) -> bool:
    """Close it, turn a slot into a meeting, remind: the manager and the group's lead and deputy."""
    return can_manage_group(user, poll.group)
