"""The `legal` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("legal", __name__)
