"""The network picture (Netzwerkbild) of the manager's overview: actors, partners, working groups and projects
as a graph, with clusters, bridges and unlinked actors, and the same data as tables."""

from flask import Blueprint

bp = Blueprint("network_picture", __name__)

from netzwerk.network_picture import views  # noqa: E402,F401  (registers the routes)
