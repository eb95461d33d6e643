"""Start pages by role, language choice and the health check."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from netzwerk.main import views  # noqa: E402,F401  (registers the routes)
