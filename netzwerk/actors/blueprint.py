"""The `actors` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("actors", __name__, url_prefix="/akteure")
