"""Reminders: before meetings, to answer, the weekly digest. Planned by the scheduler's sweep (services.py) into
the outbox, where each reminder exists once by its key; the manager sets the defaults here."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/erinnerungen")

from netzwerk.reminders import views  # noqa: E402,F401  (registers the routes)
