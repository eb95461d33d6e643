"""The `reminders` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/erinnerungen")
