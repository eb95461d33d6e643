"""One-click unsubscribe (RFC 8058, RFC 2369) from the recurring notifications: reminders and the weekly digest
carry a personal link in List-Unsubscribe; a POST to it turns that one kind of mail off without logging in."""

from flask import Blueprint

bp = Blueprint("unsubscribe", __name__, url_prefix="/abmelden")

from netzwerk.mail.services import register_unsubscribe_link  # noqa: E402
from netzwerk.unsubscribe import views  # noqa: E402,F401  (registers the routes)
from netzwerk.unsubscribe.services import unsubscribe_url  # noqa: E402

# Mail asks for the List-Unsubscribe link through this registration, so it never imports unsubscribe.
bp.record_once(lambda state: register_unsubscribe_link(state.app, unsubscribe_url))
