"""The `polls` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("polls", __name__)
