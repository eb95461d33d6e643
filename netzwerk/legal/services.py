"""The legal pages and the feedback on barriers. No commits here: the unit of work (netzwerk/unit_of_work.py)
saves, then sends the mails queued here."""

from sqlalchemy import select

from netzwerk import unit_of_work
from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.extensions import db
from netzwerk.legal.models import LegalPage
from netzwerk.mail.services import queue_mail


def page_by_slug(slug: str) -> LegalPage | None:
    return db.session.scalar(select(LegalPage).where(LegalPage.slug == slug))


def save_page(page: LegalPage, title: str, body: str) -> dict:
    """The manager's edit of a page, audited; returns the changes. Conflict when another save crossed this one."""
    before = {"title": page.title, "body": page.body}
    page.title, page.body = title, body
    changes = record_save("legal_page", page, before, {"title": title, "body": body}, creating=False)
    unit_of_work.flush()
    return changes


def send_feedback(message: str, where: str, name: str, email: str) -> None:
    """The feedback goes to every active manager account; the audit log notes that it came, not what it says."""
    managers = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE)
    ).all()
    record("legal.feedback_received", summary=where[:200])
    for manager in managers:
        queue_mail(
            manager.email, "accessibility_feedback", user=manager, message=message, where=where, name=name, email=email
        )
