"""The manager's overview (/uebersicht/): is the network working? Figures and charts of actors, members,
meetings and attendance, what needs attention, and the annual report for the funding body."""

from flask import Blueprint

bp = Blueprint("overview", __name__, url_prefix="/uebersicht")

from netzwerk.overview import views  # noqa: E402,F401  (registers the routes)
