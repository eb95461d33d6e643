"""The `overview` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("overview", __name__, url_prefix="/uebersicht")
