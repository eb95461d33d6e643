from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from netzwerk.auth.permissions import admin_required, public
from netzwerk.errors import Conflict
from netzwerk.forms import form_status
from netzwerk.legal.blueprint import bp
from netzwerk.legal.forms import FeedbackForm, PageForm
from netzwerk.legal.models import PAGES, LegalPage
from netzwerk.legal.services import page_by_slug, save_page, send_feedback
from netzwerk.throttle import throttle_post

SLUGS = "any('datenschutz', 'impressum', 'barrierefreiheit', 'leichte-sprache')"


def get_page(slug: str) -> LegalPage:
    page = page_by_slug(slug)
    if page is None:
        abort(404)
    return page


@bp.get(f"/<{SLUGS}:slug>")
@public
def show(slug: str):
    form = FeedbackForm() if slug == "barrierefreiheit" else None
    return render_template("legal/page.html", page=get_page(slug), form=form)


@bp.post("/barrierefreiheit")
@public
def feedback():
    """The feedback channel of the accessibility statement: no account needed."""
    form = FeedbackForm()
    verdict = throttle_post("feedback", "FEEDBACK_MAX_PER_ADDRESS")
    if verdict.throttled:
        form.form_errors.append(verdict.message())
        return render_template("legal/page.html", page=get_page("barrierefreiheit"), form=form), 429, verdict.headers()
    if not form.validate_on_submit():
        return render_template("legal/page.html", page=get_page("barrierefreiheit"), form=form), form_status(form)
    send_feedback(form.message.data, form.page.data or "", form.name.data or "", form.email.data or "")
    flash(_("Danke für Ihre Rückmeldung. Das Regionalmanagement kümmert sich darum."), "success")
    return redirect(url_for("legal.show", slug="barrierefreiheit"))


@bp.route(f"/seiten/<{SLUGS}:slug>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(slug: str):
    page = get_page(slug)
    form = PageForm(obj=page)
    status = None
    if form.validate_on_submit() and not form.is_stale(page):
        try:
            save_page(page, form.title.data, form.body.data)
        except Conflict:
            form.crossed(page)
            status = 409
        else:
            flash(_("Gespeichert."), "success")
            return redirect(url_for("legal.show", slug=slug))
    return render_template("legal/form.html", form=form, page=page, name=PAGES[slug]), status or form_status(form)
