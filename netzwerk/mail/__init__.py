"""Mail: the one sending module (services.py) and the manager's Postausgang."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/postausgang")

from netzwerk.mail import views  # noqa: E402,F401  (registers the routes)
