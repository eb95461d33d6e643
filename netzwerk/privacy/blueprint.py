"""The `privacy` blueprint; its routes are in views.py, which the app factory loads. Loading the blueprint
connects privacy's signal receivers."""

from flask import Blueprint

from netzwerk.privacy import receivers  # noqa: F401  (connects the signal receivers)

bp = Blueprint("privacy", __name__)
