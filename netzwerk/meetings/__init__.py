"""Meetings (Sitzungen): scheduling, invitations with calendar files, answers, "Meine Termine"."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from netzwerk.meetings import views  # noqa: E402,F401  (registers the routes)
