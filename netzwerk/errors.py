"""Error pages in the user's language, and the domain errors services raise. Every error page rolls the
request's unit of work back first (netzwerk/unit_of_work.py), so nothing of a failed request is saved or sent."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from netzwerk.extensions import db

MESSAGES = {
    400: (_l("Ungültige Anfrage"), _l("Die Anfrage konnte nicht verarbeitet werden.")),
    403: (_l("Kein Zugriff"), _l("Für diese Seite fehlt Ihnen die Berechtigung.")),
    404: (_l("Seite nicht gefunden"), _l("Diese Seite gibt es nicht (mehr). Bitte prüfen Sie die Adresse.")),
    405: (_l("Nicht erlaubt"), _l("Diese Aktion ist auf diesem Weg nicht möglich.")),
    409: (_l("Gleichzeitige Änderung"), _l("Der Datensatz wurde inzwischen geändert.")),
    413: (_l("Zu groß"), _l("Die gesendeten Daten sind zu groß.")),
    429: (_l("Zu viele Anfragen"), _l("Bitte warten Sie einen Moment und versuchen Sie es dann erneut.")),
    500: (
        _l("Interner Fehler"),
        _l("Leider ist ein Fehler aufgetreten. Ihre Änderung wurde nicht gespeichert. Bitte versuchen Sie es erneut."),
    ),
}


class DomainError(Exception):
    """A rule said no. Services raise it with the German reason; the view shows that reason where it fits (a
    form error, a flash message) or lets ``handle_domain_error`` answer with the error page and ``status``."""

    status = 409
    default_message = MESSAGES[409][1]

    def __init__(self, message=None):
        # Kept lazy: a service may raise outside a request (a job, the demo data), where no locale is chosen yet,
        # and ``flush(Conflict(_l(...)))`` builds the error before the flush: looking up the locale (current_user)
        # then would autoflush the very INSERT the Conflict guards.
        self.message = self.default_message if message is None else message
        super().__init__(self.message)

    def __str__(self) -> str:
        """The reason as plain text in the current language: flash ``str(refusal)``, never the lazy message,
        which would be flashed as Markup and shown unescaped."""
        return str(self.message)


class Conflict(DomainError):
    """Someone else changed or took the same thing first (a crossed save, a double click, a full meeting)."""

    default_message = _l(
        "Der Datensatz wurde gleichzeitig von jemand anderem geändert. Bitte laden Sie die Seite neu, prüfen "
        "Sie die aktuelle Fassung und speichern Sie erneut."
    )


class Finished(DomainError):
    """The thing is over: a meeting that started or was cancelled, a closed poll or group."""

    default_message = _l("Das ist bereits abgeschlossen und kann nicht mehr geändert werden.")


class NotAllowed(DomainError):
    """The rules of the network do not allow this step for this person or in this state."""

    status = 403
    default_message = MESSAGES[403][1]


def handle_domain_error(error: DomainError):
    db.session.rollback()
    return render_error(error.status, error.message)


def render_error(code: int, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default_message), code


def handle_http_error(error: HTTPException):
    db.session.rollback()
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    db.session.rollback()
    return render_error(
        400,
        _l(
            "Das Formular ist abgelaufen oder unvollständig (Sicherheitsmerkmal fehlt). Bitte laden Sie die Seite "
            "neu und senden Sie es noch einmal."
        ),
    )


def handle_stale_data(error: StaleDataError):
    """Two saves of the same record crossed; the later one is refused rather than overwriting."""
    db.session.rollback()
    return render_error(409, Conflict.default_message)


def handle_untrusted_host(error: SecurityError):
    """A Host header outside TRUSTED_HOSTS: no URLs can be built for it, so no template either."""
    return "400 Bad Request: unbekannter Host / unknown host", 400, {"Content-Type": "text/plain; charset=utf-8"}


RETRY_AFTER_SECONDS = 30


def reset_database_connections() -> None:
    """After a database outage no pooled connection from before may be reused (SQLite's would still point at
    a vanished file; PostgreSQL's at a stopped server)."""
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the connection is gone; remove() discards it
    db.session.remove()
    db.engine.dispose()


def handle_database_unavailable(error: DBAPIError):
    """The database stopped or the connection broke: a German 503 rendered without the database, and the
    session reset so the next request (pool_pre_ping checks each connection) works once it is back."""
    if not isinstance(error, OperationalError) and not error.connection_invalidated:
        raise error  # another database error (a bug): the ordinary 500
    reset_database_connections()
    page = render_template("errors/503.html")
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def handle_server_error(error: InternalServerError):
    db.session.rollback()
    return render_error(500)


def init_app(app) -> None:
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(HTTPException, handle_http_error)
