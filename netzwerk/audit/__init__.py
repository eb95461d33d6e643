"""The audit log (Änderungsprotokoll): who changed what and when."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/aenderungsprotokoll")

from netzwerk.audit import views  # noqa: E402,F401  (registers the routes)
