"""Account rules: password hashing and policy, login throttling, single-use tokens. No request, no commit."""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache
from typing import cast
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, select, update
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from netzwerk import clock, throttle
from netzwerk.auth.models import AccountStatus, ThrottleAttempt, TokenPurpose, User, UserToken
from netzwerk.extensions import db

# argon2id with the library's RFC 9106 defaults (t=3, 64 MiB, p=4): above OWASP ASVS's minimum. Only the test
# suite (TestingConfig) takes the cheapest argon2id: it logs in hundreds of times, and the cost is not what it
# tests. The profile is not read from the environment, so a deployment cannot weaken it by mistake.
HASHERS = {
    "rfc9106": PasswordHasher(),
    "fast-for-tests": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
PASSWORD_MAX_LENGTH = 256


def password_hasher() -> PasswordHasher:
    return HASHERS[current_app.config["ARGON2_PROFILE"] if has_app_context() else "rfc9106"]


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def verify_password(user: User | None, password: str) -> bool:
    """Check a password in constant work whether or not the account exists; upgrade old hashes."""
    if user is None or not user.password_hash:
        try:
            password_hasher().verify(_dummy_hash(password_hasher()), password)
        except VerificationError:
            pass
        return False
    try:
        password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    user.end_all_sessions()


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, personal: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None. Length and guessability only, no composition rules."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("Das Passwort muss mindestens %(n)d Zeichen lang sein.", n=minimum)
    if len(password) > PASSWORD_MAX_LENGTH:
        return _("Das Passwort darf höchstens %(n)d Zeichen lang sein.", n=PASSWORD_MAX_LENGTH)
    if password.lower() in _common_passwords():
        return _("Dieses Passwort gehört zu den häufig verwendeten Passwörtern. Bitte wählen Sie ein anderes.")
    if zxcvbn(password[:100], user_inputs=[p for p in personal if p])["score"] < 3:
        return _(
            "Dieses Passwort ist leicht zu erraten (etwa Wiederholungen, Tastaturfolgen, Ihr Name oder Ihre "
            "E-Mail-Adresse). Ein Satz aus mehreren Wörtern ist sicher und gut zu merken."
        )
    return None


def safe_next_url(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# --- Throttling of logins, reset requests and password changes ------------------------------------------
# Counted per account and per client address by the shared throttle (netzwerk/throttle.py); ``scope`` keeps
# logins, reset requests and password changes apart.

ACCOUNT_LIMITS = {
    "login": ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "LOGIN_MAX_FAILURES_PER_ADDRESS"),
    "password": ("LOGIN_MAX_FAILURES_PER_ACCOUNT", "LOGIN_MAX_FAILURES_PER_ADDRESS"),
    "reset": ("RESET_MAX_PER_ACCOUNT", "RESET_MAX_PER_ADDRESS"),
}


def throttle_keys(scope: str, email: str, address: str | None) -> tuple[str, str]:
    return throttle.key(scope, "account", normalise_email(email)), throttle.key(scope, "address", address)


def count_attempt(scope: str, email: str, address: str | None) -> throttle.Verdict:
    """Count this attempt against the account's and the address's limit (see netzwerk/throttle.py)."""
    account_limit, address_limit = (current_app.config[name] for name in ACCOUNT_LIMITS[scope])
    account_key, address_key = throttle_keys(scope, email, address)
    return throttle.count({account_key: account_limit, address_key: address_limit})


def forgive_attempt(scope: str, email: str, verdict: throttle.Verdict) -> None:
    """After a success: this attempt and the account's earlier failures no longer count."""
    account_key, _address_key = throttle_keys(scope, email, None)
    db.session.execute(
        delete(ThrottleAttempt).where(
            (ThrottleAttempt.key == account_key) | ThrottleAttempt.id.in_([attempt.id for attempt in verdict.attempts])
        )
    )


def authenticate(email: str, password: str, address: str | None) -> tuple[User | None, throttle.Verdict | None]:
    """Return (user, None) on success, else (None, verdict): throttled, or not (the password was wrong).

    The same answers whether the account exists or not, so the answer reveals nothing about accounts."""
    verdict = count_attempt("login", email, address)
    if verdict.throttled:
        return None, verdict
    user = find_user_by_email(email)
    # verify_password first: it does the same work for an unknown address, so timing tells nothing
    if not verify_password(user, password) or user is None or user.status != AccountStatus.ACTIVE:
        return None, verdict
    forgive_attempt("login", email, verdict)
    user.last_login_at = clock.now()
    return user, None


# --- Single-use tokens -------------------------------------------------------------------------------


TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, valid_for: timedelta) -> str:
    """Create a token and return its raw value (only the hash is stored); older open ones of the same
    purpose stop working."""
    now = clock.now()
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose, UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(user=user, purpose=purpose, token_hash=_digest(raw), created_at=now, expires_at=now + valid_for)
    )
    return raw


def check_token(raw: str, purpose: TokenPurpose) -> tuple[UserToken | None, str | None]:
    """Look a token up without using it: (token, None), or (None, "invalid" | "expired" | "used")."""
    if not TOKEN_PATTERN.fullmatch(raw or ""):
        return None, "invalid"
    token = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == _digest(raw), UserToken.purpose == purpose)
    )
    if token is None:
        return None, "invalid"
    if token.used_at is not None:
        return None, "used"
    if token.expires_at <= clock.now():
        return None, "expired"
    return token, None


def check_invitation(raw: str) -> tuple[UserToken | None, str | None]:
    """``check_token`` for an invitation; a blocked account's invitation no longer counts ("inactive")."""
    token, problem = check_token(raw, TokenPurpose.INVITATION)
    if token is not None and token.user.status == AccountStatus.DEACTIVATED:
        return None, "inactive"
    return token, problem


def activate_account(user: User, password: str) -> None:
    """The invitation is accepted: the chosen password, and the account is active."""
    set_password(user, password)
    user.status = AccountStatus.ACTIVE


def use_token(token: UserToken) -> bool:
    """Mark a token used; False if a concurrent request used it first (the UPDATE is the arbiter)."""
    result = cast(
        CursorResult,
        db.session.execute(
            update(UserToken).where(UserToken.id == token.id, UserToken.used_at.is_(None)).values(used_at=clock.now())
        ),
    )
    return result.rowcount == 1
