from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.actors.services import fields_of_action
from netzwerk.auth.models import Role
from netzwerk.auth.permissions import (
    admin_required,
    can_manage_group,
    can_see_group_internals,
    can_see_group_meetings,
    can_view_group,
    emails_visible_to,
    has_public_calendar,
    login_required,
    public,
    visible_groups,
    visible_partnerships,
    visible_projects,
)
from netzwerk.errors import Conflict, DomainError, Finished
from netzwerk.extensions import db
from netzwerk.forms import form_status, page_number, query_text
from netzwerk.groups.blueprint import bp
from netzwerk.groups.forms import (
    AddMemberForm,
    GroupForm,
    GroupMessageForm,
    InviteIntoGroupForm,
    JoinRequestDecisionForm,
    JoinRequestForm,
    RoleForm,
)
from netzwerk.groups.lists import MEMBER_COLUMNS, member_rows
from netzwerk.groups.models import (
    GroupStatus,
    JoinRequest,
    MemberRole,
    Membership,
    RequestStatus,
    WorkingGroup,
)
from netzwerk.groups.services import (
    GroupData,
    NameTaken,
    add_member,
    candidate,
    change_role,
    current_membership,
    current_memberships,
    decide_request,
    end_membership,
    invite_into_group,
    list_page,
    member_counts,
    messages_of,
    past_memberships,
    pending_request,
    pending_requests,
    request_to_join,
    save_group,
    search_candidates,
    send_group_message,
    set_status,
)
from netzwerk.meetings.services.lists import group_meetings, meeting_dates
from netzwerk.partners.services.links import links_to_group
from netzwerk.polls.services import open_polls
from netzwerk.projects.services import projects_of_group
from netzwerk.tables import download, file_name


def get_group(group_id: int) -> WorkingGroup:
    group = db.first_or_404(
        select(WorkingGroup).where(WorkingGroup.id == group_id).options(selectinload(WorkingGroup.memberships))
    )
    if not can_view_group(current_user, group):
        abort(404)  # an internal group does not reveal that it exists
    return group


def get_managed_group(group_id: int) -> WorkingGroup:
    group = get_group(group_id)
    if not can_manage_group(current_user, group):
        abort(403)
    return group


@bp.get("/")
@public
def index():
    page = list_page(visible_groups(current_user), page_number())
    ids = [group.id for group in page]
    counts = member_counts(ids)
    sections: dict = {}  # field of action → its groups on this page, in the page's order
    for group in page:
        sections.setdefault(group.field_of_action, []).append((group, counts.get(group.id, 0)))
    return render_template("groups/index.html", sections=sections.items(), dates=meeting_dates(ids), page=page)


@bp.get("/<id:group_id>")
@public
def detail(group_id: int):
    group = get_group(group_id)
    internal = can_see_group_internals(current_user, group)
    own = current_membership(group, current_user) if current_user.is_authenticated else None
    can_request = (  # the manager adds people directly and asks nobody
        current_user.is_authenticated
        and current_user.role != Role.ADMIN
        and own is None
        and group.is_public
        and group.status == GroupStatus.ACTIVE
    )
    meetings_visible = can_see_group_meetings(current_user, group)  # members; linked partners if allowed
    pages = page_number("kommende"), page_number("vergangene")
    upcoming, past = group_meetings(group, *pages) if meetings_visible else ([], [])
    return render_template(
        "groups/detail.html",
        group=group,
        internal=internal,
        meetings_visible=meetings_visible,
        upcoming=upcoming,
        past=past,
        public_calendar=has_public_calendar(group),
        manage=can_manage_group(current_user, group),
        members=current_memberships(group) if internal else [],
        former=past_memberships(group) if internal else [],
        messages=messages_of(group) if internal else [],
        polls=open_polls(current_user, group=group) if internal else [],
        own=own,
        join_form=JoinRequestForm() if can_request else None,
        requested=can_request and pending_request(group, current_user) is not None,
        **partner_context(group),
        linked_projects=projects_of_group(group.id, visible_projects(current_user)),
    )


def partner_context(group: WorkingGroup) -> dict:
    """The partners linked to the group, as far as this viewer may see them."""

    return {"partner_links": links_to_group(group, visible_partnerships(current_user))}


def group_form(group: WorkingGroup | None = None) -> GroupForm:
    form = GroupForm(obj=group) if group else GroupForm()
    if group is not None and not form.is_submitted():
        form.field_of_action_id.data = str(group.field_of_action_id or "")
    form.set_choices(fields_of_action())
    return form


def data_from(form: GroupForm) -> GroupData:
    return GroupData(
        name=form.name.data,
        short_name=form.short_name.data or "",
        field_of_action_id=int(form.field_of_action_id.data) if form.field_of_action_id.data else None,
        description=form.description.data or "",
        goals=form.goals.data or "",
        is_public=form.is_public.data,
        partners_see_meetings=form.partners_see_meetings.data,
    )


@bp.route("/neu", methods=["GET", "POST"])
@admin_required
def create():
    form = group_form()
    if form.validate_on_submit():
        try:
            group = save_group(None, data_from(form))
        except NameTaken as refusal:
            form.name.errors.append(str(refusal))
        else:
            flash(_("Der Arbeitskreis „%(name)s“ ist angelegt.", name=group.name), "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/form.html", form=form, group=None), form_status(form)


@bp.route("/<id:group_id>/bearbeiten", methods=["GET", "POST"])
@admin_required
def edit(group_id: int):
    group = db.get_or_404(WorkingGroup, group_id)
    form = group_form(group)
    status = None
    if form.validate_on_submit() and not form.is_stale(group):
        try:
            save_group(group, data_from(form))
        except NameTaken as refusal:
            form.name.errors.append(str(refusal))
        except Conflict:
            form.crossed(group)
            status = 409
        else:
            flash(_("Gespeichert."), "success")
            return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/form.html", form=form, group=group), status or form_status(form)


@bp.post("/<id:group_id>/status")
@admin_required
def change_status(group_id: int):
    group = db.get_or_404(WorkingGroup, group_id)
    status = request.form.get("status", "")
    if status not in set(GroupStatus):
        abort(400)
    set_status(group, GroupStatus(status))
    flash(_("Der Arbeitskreis ist jetzt: %(status)s.", status=group.status_label), "success")
    return redirect(url_for("groups.detail", group_id=group.id))


SEARCH_MIN_LENGTH = 2


def members_page(group: WorkingGroup, form: AddMemberForm, invite_form: InviteIntoGroupForm):
    search = query_text("suche", 100)
    found = search_candidates(group, search) if len(search) >= SEARCH_MIN_LENGTH else []
    return render_template(
        "groups/members.html",
        group=group,
        form=form,
        search=search,
        search_min_length=SEARCH_MIN_LENGTH,
        found=found,
        shown_emails=emails_visible_to(current_user, found),
        invite_form=invite_form,
        members=current_memberships(group),
        roles=MemberRole.labels(),
        requests=pending_requests(group),
    ), 422 if (form.errors or invite_form.errors) else 200


@bp.route("/<id:group_id>/mitglieder", methods=["GET", "POST"])
@login_required
def members(group_id: int):
    group = get_managed_group(group_id)
    form = AddMemberForm(prefix="aufnehmen")
    if form.validate_on_submit():
        user = candidate(group, form.user_id.data)
        if user is not None:
            add_member(group, user, MemberRole(form.role.data), form.actor_id.data)
            flash(_("%(name)s gehört jetzt zum Arbeitskreis.", name=user.name), "success")
            return redirect(url_for("groups.members", group_id=group.id))
        form.user_id.errors.append(_("Diese Person kann nicht aufgenommen werden; suchen Sie sie bitte erneut."))
    return members_page(group, form, InviteIntoGroupForm(prefix="einladen", formdata=None))


@bp.get("/<id:group_id>/mitgliederliste")
@login_required
def member_list(group_id: int):
    """The current members as a printable page, with the same list as CSV and xlsx one click away."""
    group = get_managed_group(group_id)
    return render_template(
        "groups/member_list.html", group=group, columns=MEMBER_COLUMNS, rows=member_rows(group), today=clock.today()
    )


@bp.get("/<id:group_id>/mitgliederliste.<any(csv, xlsx):fmt>")
@login_required
def member_list_file(group_id: int, fmt: str):
    group = get_managed_group(group_id)
    name = file_name("mitglieder", group.short_name or group.name, f"{clock.today():%Y-%m-%d}")
    return download(fmt, name, [str(c) for c in MEMBER_COLUMNS], member_rows(group), sheet_title=_("Mitglieder"))


@bp.post("/<id:group_id>/einladen")
@login_required
def invite(group_id: int):
    group = get_managed_group(group_id)
    invite_form = InviteIntoGroupForm(prefix="einladen")
    if not invite_form.validate_on_submit():
        return members_page(group, AddMemberForm(prefix="aufnehmen", formdata=None), invite_form)
    user = invite_into_group(
        group,
        invite_form.name.data,
        invite_form.email.data,
        MemberRole(invite_form.role.data),
        invite_form.organisation.data or "",
        current_user,
    )
    flash(
        _("Die Einladung an %(email)s ist verschickt; die Mitgliedschaft beginnt sofort.", email=user.email), "success"
    )
    return redirect(url_for("groups.members", group_id=group.id))


@bp.route("/<id:group_id>/anfragen", methods=["POST"])
@login_required
def request_membership(group_id: int):
    group = get_group(group_id)
    if not group.is_public:
        abort(404)  # only public groups take requests; an internal one does not reveal that it exists
    if current_user.role == Role.ADMIN:
        abort(404)  # the manager adds members directly
    form = JoinRequestForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        request_to_join(group, current_user, form.message.data or "")
    except DomainError as refusal:  # paused or closed, or already a member
        flash(str(refusal), "info")
        return redirect(url_for("groups.detail", group_id=group.id))
    flash(_("Ihre Anfrage ist bei der Leitung des Arbeitskreises. Sie erhalten die Antwort per E-Mail."), "success")
    return redirect(url_for("groups.detail", group_id=group.id))


@bp.post("/<id:group_id>/anfragen/<id:request_id>/<any(annehmen, ablehnen):decision>")
@login_required
def decide(group_id: int, request_id: int, decision: str):
    group = get_managed_group(group_id)
    join_request = db.get_or_404(JoinRequest, request_id)
    if join_request.group_id != group.id or join_request.status != RequestStatus.PENDING:
        abort(404)
    if not JoinRequestDecisionForm().validate_on_submit():
        abort(400)
    try:
        decide_request(join_request, decision == "annehmen", current_user)
    except Finished as refusal:  # another lead decided a moment ago
        flash(str(refusal), "info")
        return redirect(url_for("groups.members", group_id=group.id))
    flash(_("%(name)s ist benachrichtigt.", name=join_request.user.name), "success")
    return redirect(url_for("groups.members", group_id=group.id))


@bp.route("/<id:group_id>/rundmail", methods=["GET", "POST"])
@login_required
def message(group_id: int):
    group = get_managed_group(group_id)
    form = GroupMessageForm()
    if form.validate_on_submit():
        sent = send_group_message(group, current_user, form.subject.data, form.body.data)
        flash(
            ngettext(
                "Die Rundmail geht an %(num)d Mitglied.", "Die Rundmail geht an %(num)d Mitglieder.", sent.recipients
            ),
            "success",
        )
        return redirect(url_for("groups.detail", group_id=group.id))
    return render_template("groups/message.html", group=group, form=form), form_status(form)


def get_managed_membership(group_id: int, membership_id: int) -> Membership:
    group = get_managed_group(group_id)
    membership = db.get_or_404(Membership, membership_id)
    if membership.group_id != group.id or not membership.is_current():
        abort(404)
    return membership


@bp.post("/<id:group_id>/mitglieder/<id:membership_id>/rolle")
@login_required
def member_role(group_id: int, membership_id: int):
    membership = get_managed_membership(group_id, membership_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    change_role(membership, MemberRole(form.role.data))
    flash(_("Die Rolle von %(name)s ist geändert.", name=membership.user.name), "success")
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/<id:group_id>/mitglieder/<id:membership_id>/beenden")
@login_required
def end_member(group_id: int, membership_id: int):
    membership = get_managed_membership(group_id, membership_id)
    end_membership(membership)
    flash(_("%(name)s gehört dem Arbeitskreis nicht mehr an.", name=membership.user.name), "success")
    return redirect(url_for("groups.members", group_id=group_id))


@bp.post("/<id:group_id>/austreten")
@login_required
def leave(group_id: int):
    group = get_group(group_id)
    membership = current_membership(group, current_user)
    if membership is None:
        abort(404)
    end_membership(membership)
    flash(_("Sie haben den Arbeitskreis „%(name)s“ verlassen.", name=group.name), "success")
    return redirect(url_for("groups.index"))
