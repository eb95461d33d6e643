"""The `network_picture` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

bp = Blueprint("network_picture", __name__)
