"""A group's current members as a list to take away: page (printable), CSV and xlsx with the same columns.
Contact details only of those who agreed to share them."""

from flask_babel import lazy_gettext as _l

from netzwerk.groups.models import WorkingGroup
from netzwerk.groups.services import current_memberships

MEMBER_COLUMNS = (
    _l("Name"),
    _l("Organisation"),
    _l("Rolle"),
    _l("seit"),
    _l("vertritt (Akteur)"),
    _l("E-Mail"),
    _l("Telefon"),
)


def member_rows(group: WorkingGroup) -> list[list]:
    rows = []
    for membership in current_memberships(group):
        person = membership.user
        shared = person.share_contact_details
        rows.append(
            [
                person.name,
                person.organisation,
                str(membership.role_label),
                membership.start_date,
                membership.actor.name if membership.actor else "",
                person.email if shared else "",
                person.phone if shared else "",
            ]
        )
    return sorted(rows, key=lambda row: (row[0].casefold(), row[3]))
