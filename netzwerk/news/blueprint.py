"""The `news` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("news", __name__, url_prefix="/aktuelles")
