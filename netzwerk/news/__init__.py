"""News and press releases (Aktuelles, Pressemitteilungen): the network's public image, with an Atom feed."""

from flask import Blueprint

bp = Blueprint("news", __name__, url_prefix="/aktuelles")

from netzwerk.news import views  # noqa: E402,F401  (registers the routes)
