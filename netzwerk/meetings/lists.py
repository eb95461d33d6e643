"""A meeting's invitees with their answers (and, after the meeting, the attendance) as a list to take away:
CSV and xlsx with the same columns as the page. Contact details only of those who agreed to share them."""

from flask_babel import lazy_gettext as _l

from netzwerk.meetings.models import Meeting
from netzwerk.meetings.services.lists import invitations_of

INVITEE_COLUMNS = (
    _l("Name"),
    _l("Organisation"),
    _l("Antwort"),
    _l("Bemerkung"),
    _l("Anwesenheit"),
    _l("vertreten durch"),
    _l("E-Mail"),
)


def invitee_rows(meeting: Meeting) -> list[list]:
    rows = []
    for invitation in invitations_of(meeting):
        person = invitation.user
        name = f"{person.name} ({_l('Gast')})" if invitation.is_guest else person.name
        rows.append(
            [
                name,
                person.organisation,
                str(invitation.answer_label),
                invitation.comment,
                str(invitation.attendance_label),
                invitation.represented_by,
                person.email if person.share_contact_details else "",
            ]
        )
    return sorted(rows, key=lambda row: row[0].casefold())
