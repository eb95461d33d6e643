"""The `unsubscribe` blueprint; its routes are in views.py, which the app factory loads."""

from flask import Blueprint

from netzwerk.mail.services import register_unsubscribe_link
from netzwerk.unsubscribe.services import unsubscribe_url

bp = Blueprint("unsubscribe", __name__, url_prefix="/abmelden")

# Mail asks for the List-Unsubscribe link through this registration, so it never imports unsubscribe.
bp.record_once(lambda state: register_unsubscribe_link(state.app, unsubscribe_url))
