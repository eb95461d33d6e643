from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select, true
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.actors.blueprint import bp
from netzwerk.actors.forms import ActorForm, DeleteForm, FieldOfActionForm, ImportConfirmForm, ImportUploadForm
from netzwerk.actors.models import Actor, ActorKind, Area, ContactPerson, FieldOfAction
from netzwerk.actors.picker import suggestions
from netzwerk.actors.search import fold
from netzwerk.actors.services import (
    SORTS,
    ActorData,
    ActorFilters,
    ContactData,
    FieldNameTaken,
    StillReferenced,
    archive,
    delete_actor,
    duplicates_of,
    fields_of_action,
    filtered_actors,
    history,
    list_details,
    municipalities,
    references,
    restore,
    save_actor,
    sector_names,
    update_field_of_action,
    with_list_details,
)
from netzwerk.actors.staging import discard_once_imported, forget_old_uploads, stage, staged
from netzwerk.actors.transfer import (
    FIELDS,
    ImportFileError,
    Table,
    check_rows,
    export_csv,
    export_xlsx,
    guess_mapping,
    import_rows,
    read_table,
)
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import (
    admin_required,
    can_see_contact_details,
    can_see_internal_actor_data,
    can_view_actor,
    can_view_partnership,
    public,
    reads_whole_registry,
    roles_required,
    shows_partner_field,
    visible_actors,
    visible_groups,
    visible_links,
    visible_partnerships,
    visible_projects,
)
from netzwerk.extensions import db
from netzwerk.forms import CONTROL_CHARACTERS, form_status, int_arg, page_number, query_text, small_int
from netzwerk.groups.services import memberships_of_actor
from netzwerk.meetings.services.minutes import meetings_attended_for_actor
from netzwerk.partners.models import ProfileField
from netzwerk.partners.services.links import links_of_partnerships, links_to_actor
from netzwerk.partners.services.partnerships import partnership_of_actor
from netzwerk.projects.services import projects_of_actor
from netzwerk.tables import download, file_name

PER_PAGE = 25


def filters_from_request() -> ActorFilters:
    kind = query_text("art", 20)
    area = query_text("gebiet", 20)
    sort = query_text("sortierung", 20)
    is_admin = current_user.is_authenticated and current_user.role == Role.ADMIN
    return ActorFilters(
        q=query_text("q", 200),
        kind=ActorKind.lookup(kind) or "",  # old links may carry the German codes
        municipality_id=int_arg("gemeinde"),
        area=Area.lookup(area) or "",
        field_of_action_id=int_arg("handlungsfeld"),
        sector=query_text("branche", 80),
        partner_link=request.args.get("kooperation") == "1",
        archived=is_admin and request.args.get("archiv") == "1",
        sort=sort if sort in SORTS else "name",
    )


@bp.get("/")
@public
def index():
    """The registry for signed-in users, the public directory for visitors."""
    filters = filters_from_request()
    visible = visible_actors(current_user)
    internal = reads_whole_registry(current_user)
    query = filtered_actors(filters, visible, include_contacts=internal, visible_links=visible_links(current_user))
    page = db.paginate(with_list_details(query), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "actors/index.html",
        page=page,
        total=page.total,
        filters=filters,
        kinds=ActorKind.labels(),
        municipalities=municipalities(),
        fields=fields_of_action(),
        sectors=sector_names(visible),
        sorts=SORT_LABELS,
        internal=internal,
    )


@bp.get("/auswahl")
@roles_required(Role.ADMIN, Role.MEMBER)
def suggest():
    """Suggestions for the actor picker as people type (JSON): the registry's readers, who fill such forms."""
    return suggestions(query_text("q", 200), visible_actors(current_user))


SORT_LABELS = {"name": _l("Name"), "ort": _l("Gemeinde"), "art": _l("Art"), "-geaendert": _l("zuletzt geändert")}


def get_visible_actor(actor_id: int) -> Actor:
    actor = db.first_or_404(
        select(Actor)
        .where(Actor.id == actor_id)
        .options(selectinload(Actor.contacts).selectinload(ContactPerson.user), *list_details())
    )
    if not can_view_actor(current_user, actor):
        abort(404)  # not 403: do not reveal that a non-public actor exists
    return actor


@bp.get("/<id:actor_id>")
@public
def detail(actor_id: int):
    actor = get_visible_actor(actor_id)
    internal = can_see_internal_actor_data(current_user, actor)
    contacts = [(c, can_see_contact_details(current_user, c)) for c in actor.contacts] if internal else []
    is_admin = current_user.is_authenticated and current_user.role == Role.ADMIN
    return render_template(
        "actors/detail.html",
        **partner_context(actor),
        actor=actor,
        internal=internal,
        contacts=contacts,
        history=history(actor) if is_admin else [],
        references=references(actor) if is_admin else [],
        memberships=memberships_of_actor(actor.id, visible_groups(current_user)) if internal else [],
        attended=meetings_attended_for_actor(actor.id, visible_groups(current_user)) if internal else [],
        linked_projects=projects_of_actor(actor.id, visible_projects(current_user)),
    )


def partner_context(actor: Actor) -> dict:
    """The actor's partnership and links (Kooperationen), and the profile fields its partner keeps internal."""

    partnership = partnership_of_actor(actor)
    own_links = (
        links_of_partnerships([partnership.id], visible_links(current_user))[partnership.id] if partnership else []
    )
    hidden = {name for name in ProfileField if partnership and not shows_partner_field(current_user, partnership, name)}
    shown = partnership if partnership and can_view_partnership(current_user, partnership) else None
    return {
        "partnership": shown,
        "partner_links": own_links if shown else [],
        "linked_by": links_to_actor(actor, visible_partnerships(current_user)),
        "hidden_fields": hidden,
    }


def actor_form(actor: Actor | None = None) -> ActorForm:
    form = ActorForm(obj=actor) if actor else ActorForm()
    if actor is not None and not form.sectors.raw_data:  # the relationship is a list, the field text
        form.sectors.data = ", ".join(s.name for s in actor.sectors)
    if actor is not None and not form.is_submitted():
        form.municipality_id.data = str(actor.municipality_id or "")
        form.fields_of_action.data = [f.id for f in actor.fields_of_action]
        while len(form.contacts) < len(actor.contacts) + 2:
            form.contacts.append_entry()
        for row, contact in zip(form.contacts, actor.contacts, strict=False):
            row.form.process(None, obj=contact)
            row.form.id.data = str(contact.id)
    elif not form.is_submitted():
        form.contacts.append_entry()  # two empty rows to start with
    form.set_choices(municipalities(), fields_of_action())
    return form


def data_from(form: ActorForm) -> ActorData:
    return ActorData(
        name=form.name.data,
        kind=form.kind.data,
        municipality_id=int(form.municipality_id.data) if form.municipality_id.data else None,
        street=form.street.data or "",
        postal_code=form.postal_code.data or "",
        website=form.website.data or "",
        email=(form.email.data or "").lower(),
        phone=form.phone.data or "",
        description=form.description.data or "",
        is_public=form.is_public.data,
        sectors=(form.sectors.data or "").split(","),
        field_of_action_ids=form.fields_of_action.data or [],
        contacts=[
            ContactData(
                id=small_int(row.form.id.data),
                name=row.form.name.data,
                function=row.form.function.data or "",
                email=(row.form.email.data or "").lower(),
                phone=row.form.phone.data or "",
                source=row.form.source.data or "",
                replace_source=bool(row.form.source.raw_data),
            )
            for row in form.contact_rows()
        ],
    )


@bp.route("/neu", methods=["GET", "POST"])
@admin_required
def create():
    form = actor_form()
    duplicates = []
    if form.validate_on_submit():
        data = data_from(form)
        duplicates = duplicates_of(data.name, data.municipality_id)
        if not duplicates or form.confirm_duplicate.data:
            actor = save_actor(None, data)
            flash(_("„%(name)s“ ist angelegt.", name=actor.name), "success")
            return redirect(url_for("actors.detail", actor_id=actor.id))
        form.form_errors.append(
            _("Es gibt bereits einen Akteur mit diesem Namen in dieser Gemeinde. Bitte prüfen Sie, ob Sie ihn meinen.")
        )
    return render_template(
        "actors/form.html", form=form, actor=None, duplicates=duplicates, sectors=sector_names(true())
    ), form_status(form)


@bp.route("/<id:actor_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(actor_id: int):
    actor = db.get_or_404(Actor, actor_id)
    form = actor_form(actor)
    if form.saved(actor, lambda: save_actor(actor, data_from(form))):
        flash(_("Gespeichert."), "success")
        return redirect(url_for("actors.detail", actor_id=actor.id))
    return render_template(
        "actors/form.html", form=form, actor=actor, duplicates=[], sectors=sector_names(true())
    ), form_status(form)


@bp.post("/<id:actor_id>/archivieren")
@admin_required
def toggle_archive(actor_id: int):
    actor = db.get_or_404(Actor, actor_id)
    if actor.is_archived:
        restore(actor)
        message = _("„%(name)s“ ist wieder aktiv.", name=actor.name)
    else:
        archive(actor)
        message = _("„%(name)s“ ist archiviert.", name=actor.name)
    flash(message, "success")
    return redirect(url_for("actors.detail", actor_id=actor.id))


@bp.route("/<id:actor_id>/loeschen", methods=["GET", "POST"])
@admin_required
def delete(actor_id: int):
    actor = db.get_or_404(Actor, actor_id)
    form = DeleteForm()
    blockers = references(actor)
    if form.validate_on_submit():
        name = actor.name
        try:
            delete_actor(actor)
        except StillReferenced as refusal:
            blockers = refusal.reasons
        else:
            flash(_("„%(name)s“ ist gelöscht.", name=name), "success")
            return redirect(url_for("actors.index"))
    return render_template("actors/delete.html", actor=actor, blockers=blockers, form=form), 409 if blockers else 200


@bp.get("/handlungsfelder")
@admin_required
def fields():
    return render_template("actors/fields.html", fields=fields_of_action())


@bp.route("/handlungsfelder/<id:field_id>", methods=["GET", "POST"])
@admin_required
def edit_field(field_id: int):
    field = db.get_or_404(FieldOfAction, field_id)
    form = FieldOfActionForm(obj=field)
    if not form.is_submitted():
        form.foerla_field.data = field.foerla_field or ""

    def save():
        update_field_of_action(field, {**form.data, "foerla_field": form.foerla_field.data or None})

    try:
        if form.saved(field, save):
            flash(_("Gespeichert."), "success")
            return redirect(url_for("actors.fields"))
    except FieldNameTaken as refusal:
        form.name.errors.append(str(refusal))
    return render_template("actors/field_form.html", form=form, field=field), form_status(form)


# --- Import and export ---------------------------------------------------------------------------------


def stored_import(token: str) -> dict:
    """An upload waiting for its check, readable only by the manager who uploaded it."""
    stored = staged(token, current_user.id)
    if stored is None:
        abort(404)
    return stored


@bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_upload():
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        filename = CONTROL_CHARACTERS.sub("", upload.filename or "")[-100:]
        forget_old_uploads()
        try:
            table = read_table(filename, upload.read())
        except ImportFileError as error:
            form.file.errors.append(str(error))
        else:
            content = {
                "filename": filename,
                "uploaded_by": current_user.id,
                "headers": table.headers,
                "rows": table.rows,
            }
            token = stage(content)
            return redirect(url_for("actors.import_check", token=token))
    return render_template("actors/import_upload.html", form=form), form_status(form)


MAX_QUESTIONS = 200


def answers_from_request() -> dict[str, bool]:
    """The answers to "meinen Sie …?" for similar municipalities: folded typed value → taken or not."""
    answers = {}
    for index in range(MAX_QUESTIONS):
        typed = request.form.get(f"gemeinde-{index}-wert")
        answer = request.form.get(f"gemeinde-{index}")
        if typed is None:
            break
        if answer in ("ja", "nein"):
            answers[fold(typed)] = answer == "ja"
    return answers


def mapping_from_request(headers: list[str], guess: dict) -> dict:
    if request.method != "POST":
        return guess
    mapping = {}
    for name in FIELDS:
        index = small_int(request.form.get(f"spalte-{name}"))
        mapping[name] = index if index is not None and index < len(headers) else None
    return mapping


@bp.route("/import/<token>", methods=["GET", "POST"])
@admin_required
def import_check(token: str):
    stored = stored_import(token)
    table = Table(stored["headers"], [tuple(row) for row in stored["rows"]])
    mapping = mapping_from_request(table.headers, guess_mapping(table.headers))
    form = ImportConfirmForm()
    check = check_rows(table, mapping, answers_from_request() if request.method == "POST" else None)
    action = request.form.get("aktion")
    if form.validate_on_submit() and action == "gueltige-importieren" and check.planned:
        source = f"Import {stored['filename']} am {clock.today():%d.%m.%Y}"
        created = import_rows(check.valid_part(), source[:200])
        headers, rows = check.rejected(table)
        discard_once_imported(token)
        back = stage(
            {
                "filename": stored["filename"],
                "uploaded_by": current_user.id,
                "headers": headers,
                "rows": [[n, row] for n, row in enumerate(rows, start=1)],
                "imported": len(created),
            }
        )
        return redirect(url_for("actors.import_rejected", token=back))
    if form.validate_on_submit() and action == "importieren":
        if not check.errors:
            source = f"Import {stored['filename']} am {clock.today():%d.%m.%Y}"
            created = import_rows(check, source[:200])
            discard_once_imported(token)
            flash(
                _(
                    "%(new)d Akteure importiert, %(old)d waren schon vorhanden.",
                    new=len(created),
                    old=len(check.existing),
                ),
                "success",
            )
            return redirect(url_for("actors.index", sortierung="-geaendert"))
        form.form_errors.append(_("Die Datei hat noch Fehler. Es wurde nichts importiert."))
    status = 422 if form.form_errors else 200
    return render_template(
        "actors/import_check.html",
        form=form,
        token=token,
        filename=stored["filename"],
        table=table,
        mapping=mapping,
        fields=FIELDS,
        check=check,
    ), status


@bp.get("/import/<token>/zurueck")
@admin_required
def import_rejected(token: str):
    """After importing the valid rows: what was imported, and the rows with errors to fix and import again."""
    stored = stored_import(token)
    return render_template(
        "actors/import_rejected.html",
        token=token,
        filename=stored["filename"],
        imported=stored.get("imported", 0),
        headers=stored["headers"],
        rows=[row for _number, row in stored["rows"]],
    )


@bp.get("/import/<token>/zurueck.<any(csv, xlsx):fmt>")
@admin_required
def import_rejected_file(token: str, fmt: str):
    stored = stored_import(token)
    stem = stored["filename"].rsplit(".", 1)[0]
    rows = [row for _number, row in stored["rows"]]
    return download(
        fmt, file_name("fehlerhafte-zeilen", stem), stored["headers"], rows, sheet_title=_("Fehlerhafte Zeilen")
    )


def export_filters_and_actors():
    filters = filters_from_request()
    query = with_list_details(filtered_actors(filters, visible_actors(current_user), include_contacts=True))
    return db.session.scalars(query.options(selectinload(Actor.contacts))).all()


@bp.get("/export.csv")
@admin_required
def export_csv_file():
    body = export_csv(export_filters_and_actors())
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": attachment("csv")})


@bp.get("/export.xlsx")
@admin_required
def export_xlsx_file():
    body = export_xlsx(export_filters_and_actors())
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": attachment("xlsx")})


def attachment(extension: str) -> str:
    return f'attachment; filename="akteure-{clock.today():%Y-%m-%d}.{extension}"'
