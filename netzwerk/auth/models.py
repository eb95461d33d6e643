"""Accounts, single-use tokens and the failed-login counter."""

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import LabelledEnum, stored_codes


class Role(LabelledEnum):
    ADMIN = "admin", _l("Regionalmanagement")
    MEMBER = "member", _l("Mitglied")
    PARTNER = "partner", _l("Partnerorganisation")


class AccountStatus(LabelledEnum):
    INVITED = "invited", _l("eingeladen")
    ACTIVE = "active", _l("aktiv")
    DEACTIVATED = "deactivated", _l("deaktiviert")


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored in lower case
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    status: Mapped[str] = mapped_column(String(20), default=AccountStatus.INVITED)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Part of the login cookie; replacing it ends every session of the user (logout, password change).
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # Nonce of the personal calendar feed URL (the URL carries an HMAC of it): a new one revokes the old URL.
    calendar_key: Mapped[str] = mapped_column(String(64), default=new_session_token)
    phone: Mapped[str] = mapped_column(String(40), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(5), default="de")
    notify_by_email: Mapped[bool] = mapped_column(default=True)
    # reminders before meetings: None follows the manager's defaults, "" means none, else e.g. "7,1" (days)
    reminder_days: Mapped[str | None] = mapped_column(String(40))
    weekly_digest: Mapped[bool] = mapped_column(default=False)  # Monday mail: the coming two weeks' meetings
    answer_reminders: Mapped[bool] = mapped_column(default=True)  # "please answer" reminders for meetings
    poll_reminders: Mapped[bool] = mapped_column(default=True)  # reminders to vote in a date poll
    # consent to show email and phone to other members (off until the person agrees)
    share_contact_details: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # erased (Art. 17 DSGVO): the row stays as an anonymous, deactivated placeholder so history keeps its counts
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: edits by people raise the version (logins do not); a save based on an older version
    # is refused by the form, and every UPDATE checks the version it read (StaleDataError on a race).
    version: Mapped[int] = mapped_column(default=1)

    tokens: Mapped[list["UserToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.status == AccountStatus.ACTIVE

    @property
    def role_label(self):
        return Role(self.role).label

    @property
    def status_label(self):
        return _l("gelöscht") if self.deleted_at else AccountStatus(self.status).label

    def end_all_sessions(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class TokenPurpose(LabelledEnum):
    """Not shown to anyone: the code is its own label."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name)


class UserToken(db.Model):
    """A single-use, expiring link token. Only its SHA-256 is stored, so a database leak reveals no links."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")


class ThrottleAttempt(db.Model):
    """One counted attempt (a failed login, a reset request) under a key like "login:account:<email>" or
    "login:address:<ip>". Kept in the database so every web worker sees the same counts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


stored_codes(User, role=Role, status=AccountStatus)
stored_codes(UserToken, purpose=TokenPurpose)
