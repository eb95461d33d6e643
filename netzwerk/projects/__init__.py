"""Stadt-Umland projects (Vorhaben): joint plans of city and county, with milestones and the groups and actors
taking part."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/vorhaben")

from netzwerk.projects import views  # noqa: E402,F401  (registers the routes)
