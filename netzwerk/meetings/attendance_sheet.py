"""The Teilnehmerliste of a meeting: who is expected (every invitee but the Absagen, guests included), with a
column to sign and blank rows for who comes unannounced, headed by the office's name and closed by the funding
notice on every page, as funded events must keep. A page to print and the same as PDF (fpdf2)."""

from dataclasses import dataclass

from flask_babel import format_datetime
from flask_babel import gettext as _
from fpdf.fonts import FontFace

from netzwerk.meetings.models import Answer, Meeting
from netzwerk.meetings.services.lists import invitations_of
from netzwerk.overview.models import OfficeSettings
from netzwerk.overview.report_files import NoticePDF

BLANK_ROWS = 5


@dataclass(frozen=True)
class SheetRow:
    name: str
    organisation: str


def sheet_rows(meeting: Meeting) -> list[SheetRow]:
    """Everyone invited who has not declined, by name; guests marked."""
    rows = []
    for invitation in invitations_of(meeting):
        if invitation.answer == Answer.NO:
            continue
        person = invitation.user
        name = f"{person.name} ({_('Gast')})" if invitation.is_guest else person.name
        rows.append(SheetRow(name, person.organisation))
    return sorted(rows, key=lambda row: row.name.casefold())


def meeting_when(meeting: Meeting) -> str:
    start = format_datetime(meeting.starts_at, "EEEE, d. MMMM y, HH:mm")
    return f"{start} – {_('%(time)s Uhr', time=format_datetime(meeting.ends_at, 'HH:mm'))}"


def meeting_where(meeting: Meeting) -> str:
    place = ", ".join(part for part in (meeting.place, meeting.room) if part)
    return place or (_("online") if meeting.online_url else "")


def attendance_sheet_pdf(meeting: Meeting, settings: OfficeSettings) -> bytes:
    pdf = NoticePDF(settings.funding_notice, orientation="portrait")
    title = _("Teilnehmerliste: %(title)s", title=meeting.title)
    pdf.set_title(title)
    pdf.set_author(settings.office_name)
    pdf.set_lang("de")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(0, 5, settings.office_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for label, value in (
        (_("Arbeitskreis"), meeting.group.name),
        (_("Wann"), meeting_when(meeting)),
        (_("Ort"), meeting_where(meeting)),
    ):
        pdf.multi_cell(0, 6, f"{label}: {value}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    with pdf.table(
        col_widths=(8, 55, 60, 57), headings_style=FontFace(emphasis="BOLD"), line_height=9, text_align="LEFT"
    ) as table:
        table.row([_("Nr."), _("Name"), _("Organisation"), _("Unterschrift")])
        rows = sheet_rows(meeting)
        for number, row in enumerate(rows, start=1):
            table.row([str(number), row.name, row.organisation, ""])
        for number in range(len(rows) + 1, len(rows) + BLANK_ROWS + 1):
            table.row([str(number), "", "", ""])
    return bytes(pdf.output())
