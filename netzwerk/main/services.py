"""What the start pages show."""

from sqlalchemy import func, select

from netzwerk.actors.models import Actor
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail


def manager_overview() -> dict:
    """The manager's figures, in a fixed number of queries."""
    counts = db.session.execute(select(User.role, User.status, func.count()).group_by(User.role, User.status)).all()
    by_role: dict[str, int] = {}
    open_invitations = 0
    for role, status, count in counts:
        if status == AccountStatus.ACTIVE:
            by_role[role] = by_role.get(role, 0) + count
        elif status == AccountStatus.INVITED:
            open_invitations += count
    failed_mails = db.session.scalar(
        select(func.count()).select_from(OutgoingMail).where(OutgoingMail.status == MailStatus.FAILED)
    )
    recent = db.session.scalars(
        select(AuditEntry).options(db.selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc()).limit(8)
    ).all()
    actors = db.session.execute(
        select(func.count(), func.count().filter(Actor.is_public)).where(Actor.archived_at.is_(None))
    ).one()
    return {
        "by_role": by_role,
        "open_invitations": open_invitations,
        "failed_mails": failed_mails,
        "recent": recent,
        "actors": actors[0],
        "public_actors": actors[1],
    }
