"""The `tasks` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/aufgaben")
