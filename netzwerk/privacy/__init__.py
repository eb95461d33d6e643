"""Data protection (DSGVO): the privacy notice and consents, access to one's own data (Art. 15), erasure
(Art. 17) with deletion requests, retention periods, and deleting contact persons on request."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from netzwerk.privacy import receivers, views  # noqa: E402,F401  (connects the signal receivers, registers the routes)
