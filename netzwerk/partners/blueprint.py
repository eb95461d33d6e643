"""The `partners` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("partners", __name__, url_prefix="/partner")
