"""The `audit` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/aenderungsprotokoll")
