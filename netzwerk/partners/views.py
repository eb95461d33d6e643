from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk.actors.models import Actor
from netzwerk.actors.picker import suggestions
from netzwerk.actors.services import ContactData
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import (
    admin_required,
    can_see_internal_partner_data,
    can_view_partnership,
    own_partnership,
    public,
    roles_required,
    shows_partner_field,
    visible_links,
    visible_partnerships,
    visible_projects,
)
from netzwerk.errors import Conflict, DomainError
from netzwerk.extensions import db
from netzwerk.forms import form_status, query_text, small_int
from netzwerk.groups.models import GroupStatus, WorkingGroup
from netzwerk.partners.blueprint import bp
from netzwerk.partners.forms import EndLinkForm, LinkForm, PartnershipForm, ProfileForm, RequestUpdateForm, UndoForm
from netzwerk.partners.models import (
    PartnerLink,
    Partnership,
    PartnerStatus,
    PartnerType,
    ProfileField,
)
from netzwerk.partners.services.freshness import request_update
from netzwerk.partners.services.links import create_link, end_link, links_of_partnerships, partner_list
from netzwerk.partners.services.logo import LogoError, current_logo_data, process_logo
from netzwerk.partners.services.partnerships import (
    PartnershipData,
    all_partnerships,
    managers,
    save_partnership,
    without_partnership,
)
from netzwerk.partners.services.profile import (
    ProfileData,
    partner_changes,
    undo_change,
    update_own_profile,
)
from netzwerk.projects.services import projects_of_actor

partner_only = roles_required(Role.PARTNER)


def is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == Role.ADMIN


@bp.get("/")
@public
def index():
    type_ = query_text("art", 30)
    status = query_text("status", 20)
    type_ = PartnerType.lookup(type_) or ""  # old links may carry the German codes
    status = PartnerStatus.lookup(status) or ""
    partners = partner_list(visible_partnerships(current_user), type_, status)
    links = links_of_partnerships([p.id for p in partners], visible_links(current_user))
    return render_template(
        "partners/index.html",
        partners=partners,
        links=links,
        types=PartnerType.labels(),
        statuses=PartnerStatus.labels(),
        selected_type=type_,
        selected_status=status,
        shows=lambda partner, name: shows_partner_field(current_user, partner, name),
    )


def get_visible_partnership(partnership_id: int) -> Partnership:
    partnership = db.first_or_404(
        select(Partnership)
        .where(Partnership.id == partnership_id)
        .options(selectinload(Partnership.actor).selectinload(Actor.contacts), selectinload(Partnership.contact_user))
    )
    if not can_view_partnership(current_user, partnership):
        abort(404)  # a non-public partner does not reveal that it exists
    return partnership


@bp.get("/<id:partnership_id>")
@public
def detail(partnership_id: int):
    partnership = get_visible_partnership(partnership_id)
    links = links_of_partnerships([partnership.id], visible_links(current_user))[partnership.id]
    return render_template(
        "partners/detail.html",
        partner=partnership,
        links=links,
        internal=can_see_internal_partner_data(current_user, partnership),
        shows=lambda name: shows_partner_field(current_user, partnership, name),
        own=own_partnership(current_user) is partnership if current_user.is_authenticated else False,
        end_form=EndLinkForm(),
        request_form=RequestUpdateForm(),
        linked_projects=projects_of_actor(partnership.actor_id, visible_projects(current_user)),
    )


@bp.get("/<id:partnership_id>/logo")
@public
def logo(partnership_id: int):
    partnership = get_visible_partnership(partnership_id)
    if not shows_partner_field(current_user, partnership, "logo"):
        abort(404)
    stored = current_logo_data(partnership)
    if stored is None:
        abort(404)
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-cache"  # visibility may change; always ask again
    return response


# --- The manager's partnerships and links ---------------------------------------------------------------


def data_from(form: PartnershipForm) -> PartnershipData:
    return PartnershipData(
        type=form.type.data,
        status=form.status.data,
        since=form.since.data,
        contact_user_id=int(form.contact_user_id.data) if form.contact_user_id.data else None,
    )


@bp.get("/neu/akteure")
@admin_required
def suggest_actor():
    """Suggestions for the new partnership's actor picker: actors that are not yet partners."""
    return suggestions(query_text("q", 200), without_partnership())


@bp.route("/neu", methods=["GET", "POST"])
@admin_required
def create():
    form = PartnershipForm()
    form.set_choices(managers(), creating=True)
    if not form.is_submitted():
        form.contact_user_id.data = str(current_user.id)
    status = None
    if form.validate_on_submit():
        actor = db.get_or_404(Actor, form.actor_id.data)
        try:
            partnership = save_partnership(None, data_from(form), actor)
        except Conflict as refusal:  # the same actor saved a moment ago (a double click)
            form.form_errors.append(str(refusal))
            status = 409
        else:
            flash(_("„%(name)s“ ist jetzt Partnerorganisation.", name=actor.name), "success")
            return redirect(url_for("partners.detail", partnership_id=partnership.id))
    return render_template("partners/form.html", form=form, partner=None), status or form_status(form)


@bp.route("/<id:partnership_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(partnership_id: int):
    partnership = db.get_or_404(Partnership, partnership_id)
    form = PartnershipForm(obj=partnership)
    form.set_choices(managers(), creating=False)
    if not form.is_submitted():
        form.contact_user_id.data = str(partnership.contact_user_id or "")
    if form.saved(partnership, lambda: save_partnership(partnership, data_from(form))):
        flash(_("Gespeichert."), "success")
        return redirect(url_for("partners.detail", partnership_id=partnership.id))
    return render_template("partners/form.html", form=form, partner=partnership), form_status(form)


def link_groups() -> list[WorkingGroup]:
    return list(
        db.session.scalars(
            select(WorkingGroup).where(WorkingGroup.status != GroupStatus.CLOSED).order_by(WorkingGroup.name)
        )
    )


@bp.route("/<id:partnership_id>/kooperationen/neu", methods=["GET", "POST"])
@admin_required
def create_link_view(partnership_id: int):
    partnership = db.get_or_404(Partnership, partnership_id)
    groups = link_groups()
    form = LinkForm()
    form.set_choices(groups, lambda: Actor.id != partnership.actor_id)  # not with itself
    if form.validate_on_submit():
        by_id = {str(group.id): group for group in groups}
        target = by_id[form.group_id.data] if form.group_id.data else db.session.get(Actor, form.actor.data)
        create_link(partnership, target, form.about.data, form.since.data)
        flash(_("Die Kooperation mit „%(name)s“ ist angelegt.", name=target.name), "success")
        return redirect(url_for("partners.detail", partnership_id=partnership.id))
    return render_template("partners/link_form.html", form=form, partner=partnership), form_status(form)


@bp.post("/<id:partnership_id>/kooperationen/<id:link_id>/beenden")
@admin_required
def end_link_view(partnership_id: int, link_id: int):
    link = db.get_or_404(PartnerLink, link_id)
    if link.partnership_id != partnership_id or not link.is_current:
        abort(404)
    if not EndLinkForm().validate_on_submit():
        abort(400)
    end_link(link)
    flash(_("Die Kooperation mit „%(name)s“ ist beendet; sie bleibt im Verlauf.", name=link.target_name), "success")
    return redirect(url_for("partners.detail", partnership_id=partnership_id))


# --- Overview of partner changes, undo and freshness (manager) -----------------------------------------


@bp.get("/aenderungen")
@admin_required
def changes():
    return render_template(
        "partners/changes.html",
        entries=partner_changes(),
        partners=all_partnerships(),
        undo_form=UndoForm(),
        request_form=RequestUpdateForm(),
        labels=ProfileField.labels(),
    )


@bp.post("/aenderungen/<id:entry_id>/rueckgaengig")
@admin_required
def undo(entry_id: int):
    entry = db.get_or_404(AuditEntry, entry_id)
    if not UndoForm().validate_on_submit():
        abort(400)
    try:
        undo_change(entry)
    except DomainError as refusal:  # raised before anything changed
        flash(str(refusal), "error")
        return redirect(url_for("partners.changes")), 303
    flash(_("Die Änderung ist rückgängig gemacht."), "success")
    return redirect(url_for("partners.changes"))


@bp.post("/<id:partnership_id>/aktualisierung-anfragen")
@admin_required
def ask_for_update(partnership_id: int):
    partnership = db.get_or_404(Partnership, partnership_id)
    if not RequestUpdateForm().validate_on_submit():
        abort(400)
    asked = request_update(partnership, current_user._get_current_object())
    if asked:
        flash(
            ngettext(
                "Die Bitte um Aktualisierung ist an %(num)d Person verschickt.",
                "Die Bitte um Aktualisierung ist an %(num)d Personen verschickt.",
                len(asked),
            ),
            "success",
        )
    else:
        flash(
            _("Diese Partnerorganisation hat noch kein aktives Partnerkonto; es wurde keine E-Mail verschickt."),
            "error",
        )
    return redirect(url_for("partners.changes"))


# --- Self-service: a partner user's own organisation ---------------------------------------------------


def profile_form(partnership: Partnership) -> ProfileForm:
    actor = partnership.actor
    form = ProfileForm()
    if not form.is_submitted():
        form.description.data = actor.description
        form.offers.data = partnership.offers
        form.website.data = actor.website
        form.street.data = actor.street
        form.postal_code.data = actor.postal_code
        form.public_fields.data = list(partnership.public_fields or [])
        form.version.data = actor.version
        while len(form.contacts) < len(actor.contacts) + 1:
            form.contacts.append_entry()
        for row, contact in zip(form.contacts, actor.contacts, strict=False):
            row.form.process(None, obj=contact)
            row.form.id.data = str(contact.id)
    return form


def profile_data(form: ProfileForm) -> ProfileData:

    return ProfileData(
        description=form.description.data or "",
        offers=form.offers.data or "",
        website=form.website.data or "",
        street=form.street.data or "",
        postal_code=form.postal_code.data or "",
        public_fields=list(form.public_fields.data or []),
        contacts=[
            ContactData(
                id=small_int(row.form.id.data),
                name=row.form.name.data,
                function=row.form.function.data or "",
                email=(row.form.email.data or "").lower(),
                phone=row.form.phone.data or "",
                source="Eingabe der Partnerorganisation",
            )
            for row in form.contact_rows()
        ],
    )


def uploaded_logo(form: ProfileForm):
    """The processed logo, None without an upload; a refused upload becomes an error at the field."""
    upload = form.logo.data
    if upload is None or not getattr(upload, "filename", ""):
        return None
    try:
        return process_logo(upload.stream.read(2 * 1024 * 1024 + 1))
    except LogoError as error:
        form.logo.errors = [*form.logo.errors, str(error)]
        return False


@bp.route("/profil", methods=["GET", "POST"])
@partner_only
def profile():
    partnership = own_partnership(current_user)
    if partnership is None:
        return render_template("partners/profile_missing.html"), 404
    actor = partnership.actor
    form = profile_form(partnership)
    status = None
    if form.validate_on_submit():
        logo = uploaded_logo(form)
        if logo is not False and not form.is_stale(actor):
            try:
                changes = update_own_profile(partnership, profile_data(form), logo, form.remove_logo.data)
            except Conflict:
                form.crossed(actor)
                status = 409
            else:
                flash(_("Ihr Profil ist gespeichert.") if changes else _("Keine Änderungen."), "success")
                return redirect(url_for("partners.profile"))
    return render_template("partners/profile.html", form=form, partner=partnership), status or form_status(form)
