"""Configuration, read from the environment (see README, "Konfiguration").

Choose a class with ``NETZWERK_CONFIG`` (production, development, testing); production is the default so a
forgotten setting fails safe.
"""

import os
from datetime import timedelta
from email.utils import parseaddr


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url() -> str | None:
    """DATABASE_URL with plain PostgreSQL URLs mapped to the psycopg 3 driver; None means the SQLite default."""
    url = os.environ.get("DATABASE_URL") or None
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    NAME = "production"
    DEBUG = False
    TESTING = False
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ARGON2_PROFILE = "rfc9106"  # argon2id parameters, see netzwerk/auth/services.py

    TIMEZONE = os.environ.get("TIMEZONE", "Europe/Berlin")
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = ("de", "en")

    # Cookies: HttpOnly and SameSite=Lax always, Secure outside development; remember-me at most 30 days.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024  # imports of a few thousand rows

    # Number of reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
    # Public address of the app. Links in mails are built from it, never from the request's Host header
    # (which a client chooses); production requires it.
    BASE_URL = os.environ.get("BASE_URL") or None
    # Host names this app answers to (others get 400); production defaults to the host of BASE_URL.
    TRUSTED_HOSTS = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Netzwerk Landshut <netzwerk@region-landshut.example>")
    MAIL_TIMEOUT = 15
    # The tool's own mailbox: the ORGANIZER of every calendar entry and the Reply-To of meeting mails, so the
    # answers of Outlook, Thunderbird and Apple Mail (iTIP REPLY) come back to the tool. Default: the sender's
    # address. The tool reads it by `flask mail receive` (a mail server's pipe) or by IMAP (MAIL_IMAP_HOST).
    MAIL_INBOX_ADDRESS = os.environ.get("MAIL_INBOX_ADDRESS") or parseaddr(MAIL_DEFAULT_SENDER)[1]
    MAIL_IMAP_HOST = os.environ.get("MAIL_IMAP_HOST") or None
    MAIL_IMAP_PORT = env_int("MAIL_IMAP_PORT", 993)
    MAIL_IMAP_USERNAME = os.environ.get("MAIL_IMAP_USERNAME") or None
    MAIL_IMAP_PASSWORD = os.environ.get("MAIL_IMAP_PASSWORD") or None
    MAIL_IMAP_TLS = env_bool("MAIL_IMAP_TLS", True)  # implicit TLS (port 993); false: plain, e.g. on localhost
    MAIL_IMAP_FOLDER = os.environ.get("MAIL_IMAP_FOLDER", "INBOX")
    MAIL_IMAP_DONE_FOLDER = os.environ.get("MAIL_IMAP_DONE_FOLDER", "Netzwerk/Erledigt")  # handled mails go here
    MAIL_IMAP_SECONDS = env_int("MAIL_IMAP_SECONDS", 60)  # how often the scheduler polls
    # Without MAIL_SERVER, mails are written as .eml files into this folder (default: instance/mail).
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER") or None
    # The outbox: temporary failures are retried after these pauses, then the mail counts as failed; a mail
    # claimed by a process that died is taken up again after MAIL_CLAIM_TIMEOUT seconds.
    MAIL_RETRY_MINUTES = (1, 5, 15, 60)
    MAIL_CLAIM_TIMEOUT = env_int("MAIL_CLAIM_TIMEOUT", 240)
    MAIL_BATCH_SIZE = env_int("MAIL_BATCH_SIZE", 200)

    # Throttles (netzwerk/throttle.py): uses allowed per THROTTLE_WINDOW, per account and per client address;
    # beyond them a 429 with Retry-After. One-click unsubscribes come from mail providers' servers (one
    # address for many people), hence the higher limit.
    THROTTLE_WINDOW = timedelta(minutes=env_int("THROTTLE_WINDOW_MINUTES", 15))
    LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    RESET_MAX_PER_ACCOUNT = env_int("RESET_MAX_PER_ACCOUNT", 5)
    RESET_MAX_PER_ADDRESS = env_int("RESET_MAX_PER_ADDRESS", 20)
    FEEDBACK_MAX_PER_ADDRESS = env_int("FEEDBACK_MAX_PER_ADDRESS", 5)  # the accessibility feedback form
    GUEST_MAX_PER_ADDRESS = env_int("GUEST_MAX_PER_ADDRESS", 10)  # registrations as a guest of a meeting
    ANSWER_LINK_MAX_PER_ADDRESS = env_int("ANSWER_LINK_MAX_PER_ADDRESS", 30)  # answers by the link in a mail
    UNSUBSCRIBE_MAX_PER_ADDRESS = env_int("UNSUBSCRIBE_MAX_PER_ADDRESS", 100)  # one-click unsubscribes
    PASSWORD_MIN_LENGTH = 12
    INVITATION_VALID_FOR = timedelta(days=7)
    PASSWORD_RESET_VALID_FOR = timedelta(hours=1)

    # Aufbewahrungsfristen (days): invitations never accepted and accounts without login are flagged to the
    # manager; sent mails and audit entries older than their period are purged by the scheduler every day.
    RETENTION_INVITATION_DAYS = env_int("RETENTION_INVITATION_DAYS", 30)
    RETENTION_INACTIVE_DAYS = env_int("RETENTION_INACTIVE_DAYS", 730)
    RETENTION_MAIL_DAYS = env_int("RETENTION_MAIL_DAYS", 180)
    RETENTION_AUDIT_DAYS = env_int("RETENTION_AUDIT_DAYS", 1095)

    SCHEDULER_HEARTBEAT_SECONDS = env_int("SCHEDULER_HEARTBEAT_SECONDS", 30)
    # How often the scheduler sends what waits in the outbox (mails not sent by the request itself).
    MAIL_QUEUE_SECONDS = env_int("MAIL_QUEUE_SECONDS", 10)
    # A heartbeat older than this shows the scheduler as not running.
    SCHEDULER_STALE_AFTER = timedelta(seconds=3 * env_int("SCHEDULER_HEARTBEAT_SECONDS", 30))


class DevelopmentConfig(Config):
    NAME = "development"
    BASE_URL = os.environ.get("BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    NAME = "testing"
    BASE_URL = "http://localhost"  # the test client's host, so links from mails can be followed
    TESTING = True
    SECRET_KEY = "testing-secret-key-that-is-long-enough-0123456789"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    MAIL_SERVER = os.environ.get("TEST_MAIL_SERVER") or None  # a scheduler process started by a test
    ARGON2_PROFILE = "fast-for-tests"  # see netzwerk/auth/services.py
    # Every test client comes from 127.0.0.1, and the race tests send forty guest registrations at once;
    # tests/test_throttles.py sets its own low limits.
    GUEST_MAX_PER_ADDRESS = 100


CONFIGS = {"production": Config, "development": DevelopmentConfig, "testing": TestingConfig}
