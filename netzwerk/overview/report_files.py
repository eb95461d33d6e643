"""The annual report as PDF (fpdf2, with the DejaVu font shipped in fonts/ for every German character) and as
a spreadsheet (openpyxl, one sheet per section). Both are built from the same tables; the spreadsheet adds the
annex (every held meeting, every new actor), which the page and the PDF only summarise."""

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from netzwerk import clock
from netzwerk.overview.report import AnnualReport, held_meetings, new_actors
from netzwerk.tables import text_cell

FONTS = Path(__file__).parent / "fonts"


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list]  # plain values: str, int, date


@dataclass(frozen=True)
class Percent:
    """A share (0.25): "25 %" on the page and in the PDF, a number with a percent format in the spreadsheet."""

    rate: float | None

    def __str__(self) -> str:
        return f"{round(100 * self.rate)} %" if self.rate is not None else "–"


def report_sections(report: AnnualReport) -> list[Section]:
    """What the page and the PDF show: figures and counts, no list that grows with the registry."""
    return [
        Section(
            _("Kennzahlen"),
            [_("Kennzahl"), _("Wert")],
            [
                [_("Abgehaltene Sitzungen"), report.meetings_held],
                [_("Teilnahmequote"), Percent(report.attendance_rate)],
                [_("Neue Akteure"), report.new_actors],
                [_("Neue Mitglieder"), report.new_members],
                [_("Vorhaben"), len(report.projects)],
            ],
        ),
        meetings_per_group(report) if len(report.groups) <= GROUPS_LISTED else meetings_per_field(report),
        Section(
            _("Neue Akteure je Handlungsfeld"),
            [_("Handlungsfeld"), _("Neue Akteure")],
            [[tally.label, tally.count] for tally in report.new_actors_by_field],
        ),
        Section(
            _("Neue Akteure je Kommune"),
            [_("Kommune"), _("Neue Akteure")],
            [[tally.label, tally.count] for tally in report.new_actors_by_municipality],
        ),
        Section(
            _("Vorhaben und ihr Fortschritt"),
            [_("Vorhaben"), _("Stand"), _("Federführung"), _("Meilensteine erreicht"), _("Meilensteine im Zeitraum")],
            [
                [
                    p.project.title,
                    str(p.project.status_label),
                    str(p.project.lead_label),
                    f"{p.milestones_done} / {p.milestones_total}",
                    "; ".join(m.title for m in p.due_in_period),
                ]
                for p in report.projects
            ],
        ),
        Section(
            _("Aktivitäten der Partner"),
            [_("Partner"), _("Neue Verknüpfungen"), _("Sitzungsteilnahmen"), _("Profil aktualisiert")],
            [
                [
                    p.partnership.actor.name,
                    p.new_links,
                    p.meetings_attended,
                    clock.local_date(p.profile_updated) if p.profile_updated else "",
                ]
                for p in report.partners
            ],
        ),
    ]


GROUPS_LISTED = 40  # up to this many groups the report lists each; with more, it sums them per field of action


def meetings_per_group(report: AnnualReport) -> Section:
    return Section(
        _("Sitzungen je Arbeitskreis"),
        [_("Arbeitskreis"), _("Sitzungen"), _("Eingeladen (erfasst)"), _("Anwesend"), _("Teilnahmequote")],
        [[g.group.name, g.meetings, g.invited, g.attended, Percent(g.attendance_rate)] for g in report.groups],
    )


def meetings_per_field(report: AnnualReport) -> Section:
    """The groups' figures summed per field of action (the groups one by one are the spreadsheet's annex)."""
    fields: dict[str, list[int]] = {}
    for g in report.groups:
        name = g.group.field_of_action.name if g.group.field_of_action else _("ohne Handlungsfeld")
        totals = fields.setdefault(name, [0, 0, 0, 0])
        for index, value in enumerate((1, g.meetings, g.invited, g.attended)):
            totals[index] += value
    rows = [
        [name, groups, meetings, invited, attended, Percent(attended / invited if invited else None)]
        for name, (groups, meetings, invited, attended) in sorted(fields.items(), key=lambda item: -item[1][1])
    ]
    headers = [_("Handlungsfeld"), _("Arbeitskreise"), _("Sitzungen"), _("Eingeladen (erfasst)"), _("Anwesend")]
    return Section(_("Sitzungen je Handlungsfeld"), [*headers, _("Teilnahmequote")], rows)


def annex_sections(report: AnnualReport) -> list[Section]:
    """The spreadsheet's annex: the lists behind the counts."""
    listed = [] if len(report.groups) <= GROUPS_LISTED else [meetings_per_group(report)]
    for section in listed:
        section.title = _("Anhang Arbeitskreise")
    return listed + [
        Section(
            _("Anhang Sitzungen"),
            [_("Datum"), _("Arbeitskreis"), _("Sitzung"), _("Anwesend"), _("Eingeladen (erfasst)")],
            [
                [clock.local_date(m.meeting.starts_at), m.meeting.group.name, m.meeting.title, m.attended, m.invited]
                for m in held_meetings(report)
            ],
        ),
        Section(
            _("Anhang Neue Akteure"),
            [_("Name"), _("Art"), _("Kommune"), _("AGS"), _("Handlungsfelder")],
            [
                [
                    a.name,
                    str(a.kind_label),
                    a.municipality.name if a.municipality else "",
                    a.municipality.ags if a.municipality else "",
                    "; ".join(f.name for f in a.fields_of_action),
                ]
                for a in new_actors(report)
            ],
        ),
    ]


def report_title(report: AnnualReport) -> str:
    return _(
        "Jahresbericht Netzwerk Landshut, %(start)s bis %(end)s",
        start=format_date(report.start),
        end=format_date(report.end),
    )


def cell_text(value) -> str:
    return format_date(value) if isinstance(value, date) else str(value)


class NoticePDF(FPDF):
    """A4 with the DejaVu fonts (umlauts), and on every page the funding notice and "Seite n von m"."""

    def __init__(self, notice: str, orientation: str = "landscape"):
        super().__init__(orientation=orientation, format="A4")
        self.notice = notice
        self.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
        self.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=28)

    def footer(self) -> None:
        self.set_y(-24)
        self.set_font("DejaVu", "", 8)
        self.multi_cell(0, 4, self.notice, new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 5, _("Seite %(page)s von %(pages)s", page=self.page_no(), pages="{nb}"), align="R")


def title_page(pdf: FPDF, report: AnnualReport, office_name: str, logo: bytes | None) -> None:
    """The cover a funding body expects: the office's logo and name, the report's title and period, the date
    of issue."""
    pdf.add_page()
    if logo:
        pdf.image(BytesIO(logo), x=pdf.l_margin, y=20, h=25)
    pdf.set_y(60)
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(0, 8, office_name, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 22)
    pdf.multi_cell(0, 11, _("Jahresbericht"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    period = _("Berichtszeitraum: %(start)s bis %(end)s", start=format_date(report.start), end=format_date(report.end))
    pdf.cell(0, 8, period, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, _("Stand: %(day)s", day=format_date(clock.today())), new_x="LMARGIN", new_y="NEXT")


def report_pdf(report: AnnualReport, office_name: str, funding_notice: str, logo: bytes | None = None) -> bytes:
    pdf = NoticePDF(funding_notice)
    pdf.set_title(report_title(report))
    pdf.set_author(office_name)
    pdf.set_lang("de")
    title_page(pdf, report, office_name, logo)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, report_title(report), new_x="LMARGIN", new_y="NEXT")
    for section in report_sections(report):
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.cell(0, 8, section.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        if not section.rows:
            pdf.cell(0, 6, _("Keine Einträge im Zeitraum."), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=5) as table:
            table.row(section.headers)
            for values in section.rows:
                table.row([cell_text(v) for v in values])
    return bytes(pdf.output())


def report_xlsx(report: AnnualReport) -> bytes:
    book = Workbook(write_only=True)
    for section in report_sections(report) + annex_sections(report):
        sheet = book.create_sheet(section.title[:31])  # Excel's limit for sheet names
        for index in range(len(section.headers)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 14 if index else 40
        sheet.append([_bold(sheet, header) for header in section.headers])
        for values in section.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in values])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = text_cell(sheet, text)
    cell.font = Font(bold=True)
    return cell


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return text_cell(sheet, value)  # a name starting with "=" stays text
    if isinstance(value, Percent):
        cell = WriteOnlyCell(sheet, value=value.rate)
        cell.number_format = "0 %"
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"
    return cell
