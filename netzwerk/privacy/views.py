from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from netzwerk.actors.models import ContactPerson
from netzwerk.auth.models import User
from netzwerk.auth.permissions import admin_required, can_manage_account, login_required
from netzwerk.auth.services import safe_next_url
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.forms import form_status
from netzwerk.legal.services import page_by_slug
from netzwerk.privacy.blueprint import bp
from netzwerk.privacy.forms import (
    ContactEraseForm,
    DeclineForm,
    DeletionRequestForm,
    EraseForm,
    NoticeForm,
    RetentionForm,
)
from netzwerk.privacy.labels import LONG_TEXT, column_label, readable_columns, readable_value
from netzwerk.privacy.models import DeletionRequest
from netzwerk.privacy.services.consent import (
    NOTICE_SLUG,
    acknowledge_notice,
    acknowledged_at,
    needs_acknowledgement,
    notice_version,
)
from netzwerk.privacy.services.erasure import (
    decline_request,
    erase_contact,
    erase_user,
    open_request_of,
    request_deletion,
    require_open,
)
from netzwerk.privacy.services.export import export_data, export_json
from netzwerk.privacy.services.retention import inactive_accounts, stale_invitations

# Reachable before the privacy notice is confirmed: the notice itself, the legal pages, logging out.
EXEMPT = {
    "static",
    "auth.logout",
    "privacy.notice",
    "legal.show",
    "legal.feedback",
    "main.set_language",
    "main.healthz",
}


@bp.before_app_request
def require_acknowledged_notice():
    """Signed-in users confirm the current Datenschutzerklärung before using the tool (again after it changed)."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT or endpoint.endswith(".static"):
        return None
    if not current_user.is_authenticated or not needs_acknowledgement(current_user):
        return None
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("privacy.notice", next=next_url))


@bp.route("/datenschutz/bestaetigen", methods=["GET", "POST"])
@login_required
def notice():
    user = current_user._get_current_object()
    pending = needs_acknowledgement(user)
    form = NoticeForm(share_contact_details=user.share_contact_details)
    if pending and form.validate_on_submit():
        acknowledge_notice(user, form.share_contact_details.data)
        flash(_("Danke. Ihre Bestätigung ist gespeichert."), "success")
        return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    if not pending and request.method == "POST":
        return redirect(url_for("main.index"))
    return render_template(
        "privacy/notice.html",
        page=page_by_slug(NOTICE_SLUG),
        form=form if pending else None,
        version=notice_version(),
        confirmed_at=None if pending else acknowledged_at(user),
    ), form_status(form)


@bp.get("/profil/meine-daten")
@login_required
def my_data():
    return render_template(
        "privacy/my_data.html",
        data=export_data(current_user),
        readable_columns=readable_columns,
        column_label=column_label,
        readable_value=readable_value,
        long_text=LONG_TEXT,
    )


@bp.get("/profil/meine-daten.json")
@login_required
def my_data_file():
    response = make_response(export_json(current_user))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = 'attachment; filename="meine-daten-netzwerk-landshut.json"'
    return response


@bp.route("/profil/loeschantrag", methods=["GET", "POST"])
@login_required
def request_deletion_view():
    user = current_user._get_current_object()
    existing = open_request_of(user)
    form = DeletionRequestForm()
    if existing is None and form.validate_on_submit():
        try:
            request_deletion(user, form.message.data or "")
        except Conflict:  # sent twice at once: the first one counts, the page shows it
            existing = open_request_of(user)
        else:
            flash(_("Ihr Löschantrag ist beim Regionalmanagement eingegangen."), "success")
            return redirect(url_for("users.profile"))
    return render_template("privacy/request_deletion.html", form=form, existing=existing), form_status(form)


@bp.route("/benutzer/<id:user_id>/loeschen", methods=["GET", "POST"])
@admin_required
def erase(user_id: int):
    user = db.get_or_404(User, user_id)
    if not can_manage_account(user):
        abort(404)
    form = EraseForm()
    deletion_request = open_request_of(user)
    if form.validate_on_submit():
        try:
            erase_user(user, by=current_user._get_current_object(), reason=_("Löschung nach Art. 17 DSGVO"))
        except NotAllowed as refusal:
            form.form_errors.append(str(refusal))
        else:
            flash(
                _("Die Person ist gelöscht. In Verlauf und Sitzungen erscheint sie als „ehemaliges Mitglied“."),
                "success",
            )
            return redirect(url_for("users.index"))
    return render_template("privacy/erase.html", form=form, user=user, deletion_request=deletion_request), form_status(
        form
    )


@bp.route("/benutzer/loeschantraege/<id:request_id>/ablehnen", methods=["GET", "POST"])
@admin_required
def decline(request_id: int):
    deletion_request = db.get_or_404(DeletionRequest, request_id)
    form = DeclineForm()
    try:
        require_open(deletion_request)
        if form.validate_on_submit():
            decline_request(deletion_request, form.reason.data, current_user._get_current_object())
            flash(_("Der Löschantrag ist abgelehnt; die Person erhält die Begründung per E-Mail."), "success")
            return redirect(url_for("users.index"))
    except Finished as refusal:
        flash(str(refusal), "info")
        return redirect(url_for("users.index"))
    return render_template("privacy/decline.html", form=form, deletion_request=deletion_request), form_status(form)


@bp.route("/benutzer/aufbewahrung", methods=["GET", "POST"])
@admin_required
def retention():
    invitations, inactive = stale_invitations(), inactive_accounts()
    candidates = {user.id: user for user, _since in invitations + inactive}
    form = RetentionForm()
    form.user_ids.choices = [(user_id, user.name) for user_id, user in candidates.items()]
    if form.validate_on_submit():
        erased, refusals = 0, set()
        for user_id in form.user_ids.data:
            try:
                erase_user(
                    candidates[user_id],
                    by=current_user._get_current_object(),
                    reason=_("Aufbewahrungsfrist abgelaufen"),
                )
                erased += 1
            except NotAllowed as refusal:  # raised before anything of that person changed
                refusals.add(str(refusal))
        flash(_("%(n)d Konten gelöscht.", n=erased), "success")
        for message in sorted(refusals):
            flash(message, "error")
        return redirect(url_for("privacy.retention"))
    return render_template(
        "privacy/retention.html", form=form, invitations=invitations, inactive=inactive
    ), form_status(form)


@bp.route("/akteure/<id:actor_id>/ansprechpersonen/<id:contact_id>/loeschen", methods=["GET", "POST"])
@admin_required
def erase_contact_view(actor_id: int, contact_id: int):
    contact = db.get_or_404(ContactPerson, contact_id)
    if contact.actor_id != actor_id:
        abort(404)
    actor = contact.actor
    form = ContactEraseForm()
    if form.validate_on_submit():
        erase_contact(contact, form.reason.data)
        flash(_("Die Ansprechperson ist gelöscht, auch aus dem Änderungsprotokoll und dem Postausgang."), "success")
        return redirect(url_for("actors.detail", actor_id=actor.id))
    return render_template("privacy/erase_contact.html", form=form, contact=contact, actor=actor), form_status(form)
