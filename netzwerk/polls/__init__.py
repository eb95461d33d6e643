"""Date polls (Terminumfragen): a lead proposes time slots, members vote, the best slot becomes a meeting."""

from flask import Blueprint

bp = Blueprint("polls", __name__)

from netzwerk.polls import views  # noqa: E402,F401  (registers the routes)
