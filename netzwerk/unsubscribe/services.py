"""Which mails are recurring notifications, the signed link that turns one kind off, and turning it off.

The token is signed with its own salt and names the person and the category; it does not expire (a mail in
someone's archive keeps working), and changing either part breaks the signature. It can only ever switch one
notification off, so it carries no other right. No commits here."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from netzwerk import unit_of_work
from netzwerk.audit.services import changes_between, record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.mail.services import external_url

SALT = "one-click-unsubscribe"
NO_REMINDER_DAYS = "-"  # User.reminder_days for "no reminders before meetings" (see reminders.views)


@dataclass(frozen=True)
class Category:
    """A kind of recurring mail a person can turn off on its own (the slug is part of the link)."""

    slug: str
    kinds: tuple[str, ...]  # the mail templates of this category
    label: object  # shown on the page, e.g. "Erinnerungen vor Sitzungen"
    field: str  # the User column that switches it


CATEGORIES = {
    category.slug: category
    for category in (
        Category("erinnerung", ("meeting_reminder",), _l("Erinnerungen vor Sitzungen"), "reminder_days"),
        Category(
            "antwort",
            ("meeting_answer_reminder",),
            _l("Erinnerungen an die Antwort auf Einladungen"),
            "answer_reminders",
        ),
        Category("umfrage", ("poll_reminder",), _l("Erinnerungen an Terminumfragen"), "poll_reminders"),
        Category("wochenuebersicht", ("weekly_digest",), _l("die Wochenübersicht am Montag"), "weekly_digest"),
    )
}
CATEGORY_OF_KIND = {kind: category for category in CATEGORIES.values() for kind in category.kinds}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, category: Category) -> str:
    return _serializer().dumps({"u": user_id, "k": category.slug})


def unsubscribe_url(user_id: int | None, kind: str) -> str | None:
    """The List-Unsubscribe link of a mail, or None for mails that are not recurring notifications."""
    category = CATEGORY_OF_KIND.get(kind)
    if category is None or user_id is None:
        return None
    return external_url("unsubscribe.one_click", token=unsubscribe_token(user_id, category))


def read_token(token: str) -> tuple[User, Category] | None:
    """The person and category the link was made for; None for a forged, altered or foreign link."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or data.get("k") not in CATEGORIES:
        return None
    user = db.session.get(User, data["u"])
    if user is None or user.deleted_at is not None:
        return None
    return user, CATEGORIES[data["k"]]


def off_value(category: Category):
    return NO_REMINDER_DAYS if category.field == "reminder_days" else False


def receives(user: User, category: Category) -> bool:
    """Whether this person still gets mails of the category (all mail notifications off counts as no)."""
    return user.notify_by_email and getattr(user, category.field) != off_value(category)


def unsubscribe(user: User, category: Category) -> bool:
    """Turn the one category off for the person (nothing else); True if that changed something."""
    before = {category.field: getattr(user, category.field)}
    after = {category.field: off_value(category)}
    changes = changes_between(before, after)
    if not changes:
        return False
    setattr(user, category.field, after[category.field])
    user.version += 1
    record("user.unsubscribed", user, summary=str(category.label), changes=changes, actor=user)
    unit_of_work.flush()  # a profile save crossed with this one: Conflict, answered with the 409 page
    return True
