"""Account administration rules: inviting, editing, keeping at least one manager. No commits: the unit of work
commits and sends the mails."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from netzwerk import signals, unit_of_work
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import AccountStatus, Role, TokenPurpose, User, new_session_token
from netzwerk.auth.services import issue_token, normalise_email
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import external_url, queue_mail


def invite_user(
    name: str, email: str, role: str, organisation: str, invited_by: User, group=None
) -> tuple[User, OutgoingMail]:
    """A new account with its invitation mail; ``group``: the working group the person is invited into. A
    Conflict if the address has an account already (a double click: the form's check saw none yet)."""
    user = User(name=name, email=normalise_email(email), role=role, organisation=organisation)
    db.session.add(user)
    unit_of_work.flush(Conflict(EMAIL_TAKEN))
    mail = send_invitation(user, invited_by, group)
    record("user.invited", user, summary=f"{user.name} <{user.email}>", changes={"role": [None, user.role]})
    return user, mail


EMAIL_TAKEN = _l("Für diese E-Mail-Adresse gibt es bereits ein Konto.")


def send_invitation(user: User, invited_by: User, group=None) -> OutgoingMail:
    raw = issue_token(user, TokenPurpose.INVITATION, current_app.config["INVITATION_VALID_FOR"])
    link = external_url("auth.accept_invitation", token=raw)
    return queue_mail(user.email, "invitation", user=user, link=link, invited_by=invited_by, group=group)


def invite_again(user: User, invited_by: User) -> None:
    """A new invitation link (the old one stops working); Finished once the person has accepted."""
    if user.status != AccountStatus.INVITED:
        raise Finished(_l("%(name)s hat die Einladung bereits angenommen.", name=user.name))
    send_invitation(user, invited_by)
    record("user.invitation_resent", user, summary=user.email)


def active_admin_count() -> int:
    """Locks the active admin rows (PostgreSQL) so two managers cannot demote each other at the same moment."""
    admins = db.session.scalars(
        select(User.id).where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE).with_for_update()
    ).all()
    return len(admins)


def would_remove_last_admin(user: User, new_role: str, active: bool) -> bool:
    is_admin_now = user.role == Role.ADMIN and user.status == AccountStatus.ACTIVE
    stays_admin = new_role == Role.ADMIN and active
    return is_admin_now and not stays_admin and active_admin_count() <= 1


LAST_MANAGER = _l("Das Netzwerk braucht mindestens ein aktives Konto des Regionalmanagements.")


def require_another_manager(user: User, new_role: str, active: bool) -> None:
    """NotAllowed if the step would leave the network without an active manager."""
    if would_remove_last_admin(user, new_role, active):
        raise NotAllowed(LAST_MANAGER)


def update_user(user: User, *, name: str, role: str, organisation: str, active: bool) -> dict:
    """Apply the manager's edit and record it; returns the changes. NotAllowed if it would leave the network
    without an active manager; Conflict if another save of the account crossed this one."""
    require_another_manager(user, role, active)
    before = {"name": user.name, "role": user.role, "organisation": user.organisation, "status": user.status}
    user.name, user.role, user.organisation = name, role, organisation
    if not active:
        user.status = AccountStatus.DEACTIVATED
    elif user.status == AccountStatus.DEACTIVATED:
        user.status = AccountStatus.ACTIVE if user.password_hash else AccountStatus.INVITED
    after = {"name": user.name, "role": user.role, "organisation": user.organisation, "status": user.status}
    changes = changes_between(before, after)
    if changes:
        user.version += 1
    if "role" in changes or "status" in changes:
        user.end_all_sessions()  # a new role or a blocked account takes effect at once
    if "status" in changes and user.status == AccountStatus.DEACTIVATED:
        user.calendar_key = new_session_token()  # the calendar subscription stops too, for good
    if changes:
        action = "user.role_changed" if "role" in changes else "user.updated"
        record(action, user, summary=user.email, changes=changes)
    unit_of_work.flush()
    return changes


PROFILE_FIELDS = ("name", "phone", "organisation", "language", "notify_by_email", "share_contact_details")


def update_profile(user: User, values: dict) -> dict:
    """Apply the user's own profile edit and record it; returns the changes. Conflict if another save of the
    account crossed this one."""
    before = {name: getattr(user, name) for name in PROFILE_FIELDS}
    changes = changes_between(before, {name: values[name] for name in PROFILE_FIELDS})
    if changes:
        for name, (_old, new) in changes.items():
            setattr(user, name, new)
        user.version += 1
        record("user.profile_updated", user, changes=changes)
    if changes:
        signals.profile_changed.send(user, changes=changes)  # privacy keeps a changed consent as an event
    unit_of_work.flush()
    return changes
