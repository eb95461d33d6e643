"""The privacy notice (Datenschutzerklärung) and consents: every consent given or withdrawn is kept as an
event with the version of the text it refers to."""

from datetime import datetime

from sqlalchemy import String, and_, cast, func, select

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.extensions import db
from netzwerk.legal.models import LegalPage
from netzwerk.privacy.models import Consent, ConsentKind

NOTICE_SLUG = "datenschutz"


def notice_version() -> str:
    """The version of the Datenschutzerklärung: its page's version, raised by every edit of the text."""
    version = db.session.scalar(select(LegalPage.version).where(LegalPage.slug == NOTICE_SLUG))
    return "" if version is None else str(version)


def needs_acknowledgement(user) -> bool:
    """Whether the user still has to confirm the current Datenschutzerklärung (one query, on every request)."""
    row = db.session.execute(
        select(LegalPage.id, Consent.id)
        .outerjoin(
            Consent,
            and_(
                Consent.user_id == user.id,
                Consent.kind == ConsentKind.PRIVACY_NOTICE,
                Consent.given.is_(True),
                Consent.text_version == cast(LegalPage.version, String),
            ),
        )
        .where(LegalPage.slug == NOTICE_SLUG)
        .limit(1)
    ).first()
    return row is not None and row[1] is None


def acknowledged_at(user) -> datetime | None:
    return db.session.scalar(
        select(func.max(Consent.at)).where(
            Consent.user_id == user.id,
            Consent.kind == ConsentKind.PRIVACY_NOTICE,
            Consent.given.is_(True),
            Consent.text_version == notice_version(),
        )
    )


def record_consent(user, kind: ConsentKind, given: bool, version: str | None = None) -> Consent:
    consent = Consent(
        user_id=user.id,
        kind=kind,
        given=given,
        at=clock.now(),
        text_version=notice_version() if version is None else version,
    )
    db.session.add(consent)
    return consent


def set_contact_consent(user, given: bool) -> bool:
    """Give or withdraw the consent to show email and phone to other members; True if it changed."""
    if bool(user.share_contact_details) == given:
        return False
    user.share_contact_details = given
    user.version += 1
    record_consent(user, ConsentKind.CONTACT_DETAILS, given)
    record("privacy.contact_consent_given" if given else "privacy.contact_consent_withdrawn", user)
    return True


def acknowledge_notice(user, share_contact_details: bool) -> None:
    version = notice_version()
    record_consent(user, ConsentKind.PRIVACY_NOTICE, True, version)
    record("privacy.notice_acknowledged", user, summary=f"Fassung {version}")
    set_contact_consent(user, share_contact_details)


def consent_history(user) -> list[Consent]:
    return list(db.session.scalars(select(Consent).where(Consent.user_id == user.id).order_by(Consent.at, Consent.id)))
