"""Partners (Netzwerkpartner): actors with a partnership, their links (Kooperationen) to working groups and other
actors, and the partner organisations' self-service."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partner")

from netzwerk.partners import views  # noqa: E402,F401  (registers the routes)
