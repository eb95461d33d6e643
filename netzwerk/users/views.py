from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from netzwerk.auth.models import User
from netzwerk.auth.permissions import admin_required, can_manage_account, login_required
from netzwerk.errors import Conflict, Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.forms import form_status, page_number, query_text
from netzwerk.partners.services.partnerships import all_partnerships, assign_organisation, organisation_of
from netzwerk.privacy.services.consent import consent_history
from netzwerk.privacy.services.erasure import open_request_of, open_requests
from netzwerk.users.blueprint import bp
from netzwerk.users.forms import InviteForm, ProfileForm, UserEditForm
from netzwerk.users.services import invite_again, invite_user, update_profile, update_user


@bp.get("/benutzer/")
@admin_required
def index():
    query = select(User).where(User.deleted_at.is_(None)).order_by(User.name)
    search = query_text("suche")
    if search:
        needle = search.lower()
        query = query.where(
            db.or_(
                *(
                    db.func.lower(column).contains(needle, autoescape=True)
                    for column in (User.name, User.email, User.organisation)
                )
            )
        )
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)

    return render_template("users/index.html", page=page, search=search, deletion_requests=open_requests())


@bp.route("/benutzer/einladen", methods=["GET", "POST"])
@admin_required
def invite():
    form = InviteForm()
    status = None
    if form.validate_on_submit():
        try:
            user, _mail = invite_user(
                form.name.data, form.email.data, form.role.data, form.organisation.data, current_user
            )
        except Conflict as refusal:  # the same address saved a moment ago (a double click)
            form.email.errors = [*form.email.errors, str(refusal)]
            status = 409
        else:
            flash(_("Die Einladung an %(email)s ist verschickt. Der Link gilt 7 Tage.", email=user.email), "success")
            return redirect(url_for("users.index"))
    return render_template("users/invite.html", form=form), status or form_status(form)


@bp.route("/benutzer/<id:user_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(user_id: int):

    user = db.get_or_404(User, user_id)
    if not can_manage_account(user):
        abort(404)
    partnerships = all_partnerships()
    current = organisation_of(user)
    form = UserEditForm(user, partnerships=partnerships, partnership_id=current.id if current else None)
    status = None
    if form.validate_on_submit() and not form.is_stale(user):
        chosen = next((p for p in partnerships if str(p.id) == form.partnership_id.data), None)
        try:
            changes = update_user(
                user,
                name=form.name.data,
                role=form.role.data,
                organisation=form.organisation.data,
                active=form.active.data,
            )
        except NotAllowed as refusal:
            form.form_errors.append(str(refusal))
        except Conflict:
            form.crossed(user)
            status = 409
        else:
            changes = assign_organisation(user, chosen) or changes
            flash(_("Gespeichert.") if changes else _("Keine Änderungen."), "success")
            return redirect(url_for("users.index"))
    return render_template("users/edit.html", form=form, user=user), status or form_status(form)


@bp.post("/benutzer/<id:user_id>/einladung-erneut")
@admin_required
def resend_invitation(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        invite_again(user, current_user)
    except Finished as refusal:
        flash(str(refusal), "info")
    else:
        flash(_("Die Einladung an %(email)s ist erneut verschickt.", email=user.email), "success")
    return redirect(url_for("users.index"))


@bp.route("/profil", methods=["GET", "POST"])
@login_required
def profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.saved(user, lambda: update_profile(user, form.data)):
        flash(_("Ihr Profil ist gespeichert."), "success")
        return redirect(url_for("users.profile"))

    privacy = {"consents": consent_history(user), "deletion_request": open_request_of(user)}
    return render_template("users/profile.html", form=form, user=user, **privacy), form_status(form)
