"""The `groups` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/arbeitskreise")
