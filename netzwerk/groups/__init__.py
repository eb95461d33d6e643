"""Working groups (Arbeitskreise): the heart of the network, with their members over time."""

from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/arbeitskreise")

from netzwerk.groups import views  # noqa: E402,F401  (registers the routes)
