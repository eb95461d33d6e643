"""Privacy's reactions to what other domains announce (netzwerk/signals.py)."""

from netzwerk import signals
from netzwerk.privacy.models import ConsentKind
from netzwerk.privacy.services.consent import record_consent


@signals.profile_changed.connect
def keep_contact_consent(user, changes: dict) -> None:
    """Every consent given or withdrawn is kept as an event, also when it changes in the profile form."""
    if "share_contact_details" in changes:
        record_consent(user, ConsentKind.CONTACT_DETAILS, bool(user.share_contact_details))
