from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from netzwerk.actors.services import fields_of_action
from netzwerk.auth.permissions import (
    admin_required,
    can_view_project,
    public,
    visible_partnerships,
    visible_projects,
)
from netzwerk.extensions import db
from netzwerk.forms import form_status, int_arg, query_text
from netzwerk.groups.models import WorkingGroup
from netzwerk.partners.services.partnerships import partnerships_of_actors
from netzwerk.projects.blueprint import bp
from netzwerk.projects.forms import ProjectForm
from netzwerk.projects.models import Project, ProjectLead, ProjectStatus
from netzwerk.projects.services import ProjectData, participants, participating_groups, projects, save_project


@bp.get("/")
@public
def index():
    status = query_text("stand", 20)
    status = ProjectStatus.lookup(status) or ""
    field_id = int_arg("handlungsfeld")
    return render_template(
        "projects/index.html",
        projects=projects(visible_projects(current_user), status, field_id),
        statuses=ProjectStatus.labels(),
        fields=fields_of_action(),
        status=status,
        field_id=field_id,
        manage=current_user.is_authenticated and current_user.role == "admin",
    )


@bp.get("/<id:project_id>")
@public
def detail(project_id: int):
    project = db.get_or_404(Project, project_id)
    if not can_view_project(current_user, project):
        abort(404)
    actors = participants(project, current_user)
    return render_template(
        "projects/detail.html",
        project=project,
        actors=actors,
        partners=partnerships_of_actors([a.id for a in actors], visible_partnerships(current_user)),
        groups=participating_groups(project, current_user),
        manage=current_user.is_authenticated and current_user.role == "admin",
    )


def project_form(project: Project | None = None) -> ProjectForm:
    form = ProjectForm(obj=project) if project else ProjectForm()
    groups = db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)).all()
    form.set_choices(fields_of_action(), groups)
    if not form.is_submitted():
        if project is not None:
            form.field_of_action_id.data = str(project.field_of_action_id or "")
            form.group_ids.data = [g.id for g in project.groups]
            form.actor_ids.data = [a.id for a in project.actors]
        form.milestones.entries, form.milestones.last_index = [], -1
        for milestone in project.milestones if project else []:
            form.milestones.append_entry(milestone)
        for _blank in range(3):  # room for new milestones; empty rows are ignored
            form.milestones.append_entry()
    return form


def data_from(form: ProjectForm) -> ProjectData:
    return ProjectData(
        title=form.title.data,
        field_of_action_id=int(form.field_of_action_id.data) if form.field_of_action_id.data else None,
        status=form.status.data,
        lead=form.lead.data,
        description=form.description.data or "",
        synergies=form.synergies.data or "",
        is_public=form.is_public.data,
        group_ids=form.group_ids.data or [],
        actor_ids=form.actor_ids.data or [],
        milestones=[
            (row.form.title.data, row.form.due_on.data, row.form.done.data)
            for row in form.milestones
            if row.form.title.data
        ],
    )


@bp.route("/neu", methods=["GET", "POST"])
@admin_required
def create():
    form = project_form()
    if form.validate_on_submit():
        project = save_project(None, data_from(form))
        flash(_("Das Vorhaben ist angelegt."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, leads=ProjectLead.labels()), form_status(form)


@bp.route("/<id:project_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(project_id: int):
    project = db.get_or_404(Project, project_id)
    form = project_form(project)
    if form.saved(project, lambda: save_project(project, data_from(form))):
        flash(_("Gespeichert."), "success")
        return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project), form_status(form)
