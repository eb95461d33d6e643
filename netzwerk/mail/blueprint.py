"""The `mail` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/postausgang")
