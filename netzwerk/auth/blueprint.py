"""The `auth` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
