"""Named signals for reactions across domains (blinker, which Flask ships).

A lower domain announces what happened; a higher one reacts without the lower one importing it, so services
only ever call down. Receivers live in the reacting domain's ``receivers.py``, connected when that
domain's blueprint.py is loaded (by ``factory.register_blueprints``). Like services, receivers never commit:
they run inside the sender's unit of work."""

from blinker import Namespace

_signals = Namespace()

profile_changed = _signals.signal(
    "profile-changed",
    doc="A user edited their own profile. Sender: the User; ``changes``: {field: (old, new)}.",
)
