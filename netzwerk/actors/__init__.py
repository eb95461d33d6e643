"""The actor registry (Akteure): organisations, municipalities, fields of action, import and export."""

from flask import Blueprint

bp = Blueprint("actors", __name__, url_prefix="/akteure")

from netzwerk.actors import views  # noqa: E402,F401  (registers the routes)
