"""Signed links: the answer link of an invitation and the secret of the personal calendar feed."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, User, new_session_token
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation

ANSWER_LINK_VALID_FOR = timedelta(days=180)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="meeting-answer")


def answer_token(invitation: Invitation) -> str:
    """Bound to this person and this meeting; it can be used again to change the answer."""
    return _serializer().dumps({"i": invitation.id, "u": invitation.user_id, "m": invitation.meeting_id})


def invitation_from_token(token: str) -> tuple[Invitation | None, str | None]:
    """(invitation, None) or (None, "invalid" | "expired")."""
    try:
        data = _serializer().loads(token, max_age=int(ANSWER_LINK_VALID_FOR.total_seconds()))
    except SignatureExpired:
        return None, "expired"
    except BadSignature:
        return None, "invalid"
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in "ium"):
        return None, "invalid"
    invitation = db.session.get(Invitation, data["i"])
    if invitation is None or invitation.user_id != data["u"] or invitation.meeting_id != data["m"]:
        return None, "invalid"
    return invitation, None


def _feed_signature(user: User) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"calendar:{user.id}:{user.calendar_key}".encode(), hashlib.sha256).hexdigest()[:40]


def feed_token(user: User) -> str:
    """The secret part of the personal feed URL: an HMAC of the user's feed key, so the database alone does not
    reveal working URLs, and a new key (regenerated, or the account deactivated) revokes the old URL."""
    return f"{user.id}-{_feed_signature(user)}"


def user_from_feed_token(token: str) -> User | None:
    user_id, _, signature = token.partition("-")
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 9:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.status != AccountStatus.ACTIVE:
        return None
    return user if hmac.compare_digest(signature, _feed_signature(user)) else None


def renew_feed_key(user: User) -> None:
    user.calendar_key = new_session_token()
    record("user.calendar_renewed", user, summary=user.email)
