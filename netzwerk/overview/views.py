from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from netzwerk import clock
from netzwerk.auth.permissions import admin_required
from netzwerk.forms import date_arg, form_status, page_number
from netzwerk.overview.blueprint import bp
from netzwerk.overview.forms import OfficeSettingsForm
from netzwerk.overview.report import build_report
from netzwerk.overview.report_files import cell_text, report_pdf, report_sections, report_title, report_xlsx
from netzwerk.overview.services import (
    activity_page,
    attention,
    by_field_of_action,
    by_municipality,
    coming_milestones,
    dormant_groups,
    last_quarters,
    office_settings,
    projects_by_status,
    save_office_settings,
)
from netzwerk.overview.tile_map import COLUMNS, ROWS
from netzwerk.partners.services.freshness import stale_partnership_count, stale_partnerships
from netzwerk.partners.services.logo import LogoError, process_logo
from netzwerk.scheduler.services import scheduler_state


@bp.get("/")
@admin_required
def index():
    quarters = last_quarters(4)
    municipalities, balance = by_municipality()
    dormant_count, dormant = dormant_groups()
    return render_template(
        "overview/index.html",
        fields=by_field_of_action(),
        municipalities=municipalities,
        balance=balance,
        grid=(COLUMNS, ROWS),
        quarters=quarters,
        activity=activity_page(quarters, page_number("arbeitskreise")),
        dormant=dormant,
        dormant_count=dormant_count,
        attention=attention(),
        stale_partners=stale_partnerships(limit=STALE_PARTNERS_SHOWN),
        stale_count=stale_partnership_count(),
        scheduler=scheduler_state(),
        projects=projects_by_status(),
        milestones=coming_milestones(),
    )


STALE_PARTNERS_SHOWN = 10  # partners with an old profile listed on the overview (all are counted)
REPORT_CHART_GROUPS = 15  # bars in the report's chart of meetings per group


def office_report_pdf(report) -> bytes:
    settings = office_settings()
    return report_pdf(report, settings.office_name, settings.funding_notice, settings.logo)


REPORT_FORMATS = {
    "pdf": ("application/pdf", office_report_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", report_xlsx),
}


@bp.get("/jahresbericht", defaults={"format": "html"})
@bp.get("/jahresbericht.<any(pdf, xlsx):format>")
@admin_required
def report(format: str):
    """The annual report for ?von=…&bis=… (local dates, both included); by default the current year."""
    start, end, errors = report_period()
    if errors:
        return render_template("overview/report.html", report=None, errors=errors, args=request.args), 422
    data = build_report(start, end)
    if format == "html":
        return render_template(
            "overview/report.html",
            report=data,
            title=report_title(data),
            sections=report_sections(data),
            chart_groups=REPORT_CHART_GROUPS,
            today=clock.today(),
            errors={},
            args=request.args,
        )
    mimetype, render = REPORT_FORMATS[format]
    filename = f"jahresbericht-{start:%Y-%m-%d}-bis-{end:%Y-%m-%d}.{format}"
    return Response(
        render(data), mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def report_period() -> tuple[date, date, dict[str, str]]:
    """The chosen period from the query string, with a German reason for each field that is not a date."""
    this_year = clock.today().year
    start, start_ok = date_arg("von")
    end, end_ok = date_arg("bis")
    errors = {}
    if not start_ok:
        errors["von"] = _(
            "Bitte ein Datum zwischen 2000 und %(last)d angeben, z. B. 01.01.%(year)d.",
            last=this_year + 1,
            year=this_year,
        )
    if not end_ok:
        errors["bis"] = _(
            "Bitte ein Datum zwischen 2000 und %(last)d angeben, z. B. 31.12.%(year)d.",
            last=this_year + 1,
            year=this_year,
        )
    start, end = start or date(this_year, 1, 1), end or date(this_year, 12, 31)
    for name, day in (("von", start), ("bis", end)):
        if name not in errors and not FIRST_REPORT_YEAR <= day.year <= this_year + 1:
            errors[name] = _(
                "Bitte ein Jahr zwischen %(first)d und %(last)d wählen.", first=FIRST_REPORT_YEAR, last=this_year + 1
            )
    if not errors and end < start:
        errors["bis"] = _("Das Ende liegt vor dem Beginn.")
    if not errors and (end - start).days > MAX_REPORT_DAYS:
        errors["bis"] = _("Ein Bericht umfasst höchstens fünf Jahre.")
    return start, end, errors


MAX_REPORT_DAYS = 5 * 366
FIRST_REPORT_YEAR = 2000


@bp.app_template_filter("report_value")
def report_value(value) -> str:
    return cell_text(value)


@bp.route("/einstellungen", methods=["GET", "POST"])
@admin_required
def settings():
    """The office's name and the funding notice on the annual report and on every attendance list."""
    current = office_settings()
    form = OfficeSettingsForm(obj=current)
    logo = uploaded_logo(form)
    name, notice = form.office_name.data, form.funding_notice.data
    if not form.logo.errors and form.saved(current, lambda: save_office_settings(current, name, notice, logo)):
        flash(_("Gespeichert."), "success")
        return redirect(url_for("overview.settings"))
    return render_template("overview/settings.html", form=form, has_logo=current.logo_type != ""), form_status(form)


def uploaded_logo(form: OfficeSettingsForm) -> tuple[bytes, str] | None:
    """The new logo, checked and re-encoded; (b"", "") to remove it; None to keep it. A bad image is named at
    the field and nothing is saved."""
    if not form.is_submitted():
        return None
    if form.remove_logo.data:
        return b"", ""
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        processed = process_logo(upload.read())
    except LogoError as error:
        form.logo.errors = [str(error)]
        return None
    return processed.data, processed.content_type
