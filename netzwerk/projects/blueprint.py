"""The `projects` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/vorhaben")
