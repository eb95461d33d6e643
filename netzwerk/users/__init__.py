"""Accounts as the manager sees them (list, invite, edit) and each user's own profile."""

from flask import Blueprint

bp = Blueprint("users", __name__)

from netzwerk.users import views  # noqa: E402,F401  (registers the routes)
