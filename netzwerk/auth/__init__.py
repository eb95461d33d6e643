"""Login, logout, invitations, password reset and the access rules (permissions.py)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from netzwerk.auth import views  # noqa: E402,F401  (registers the routes)
