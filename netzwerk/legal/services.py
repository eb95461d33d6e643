"""The legal pages and the feedback on barriers. No commits here."""

from sqlalchemy import select

from netzwerk.audit.services import record, record_save
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.extensions import db
from netzwerk.legal.models import LegalPage
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import queue_mail


def page_by_slug(slug: str) -> LegalPage | None:
    return db.session.scalar(select(LegalPage).where(LegalPage.slug == slug))


def save_page(page: LegalPage, title: str, body: str) -> dict:
    before = {"title": page.title, "body": page.body}
    page.title, page.body = title, body
    return record_save("legal_page", page, before, {"title": title, "body": body}, creating=False)


def send_feedback(message: str, where: str, name: str, email: str) -> list[OutgoingMail]:
    """The feedback goes to every active manager account; the audit log notes that it came, not what it says."""
    managers = db.session.scalars(
        select(User).where(User.role == Role.ADMIN, User.status == AccountStatus.ACTIVE)
    ).all()
    record("legal.feedback_received", summary=where[:200])
    return [
        queue_mail(
            manager.email, "accessibility_feedback", user=manager, message=message, where=where, name=name, email=email
        )
        for manager in managers
    ]
