"""The `users` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("users", __name__)
