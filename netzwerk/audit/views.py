from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from netzwerk.audit.blueprint import bp
from netzwerk.audit.models import ACTION_LABELS, AuditEntry
from netzwerk.auth.permissions import admin_required
from netzwerk.forms import page_number, query_text
from netzwerk.pagination import window

PER_PAGE = 50  # a page of a list that is not counted (a million mails, a hundred thousand entries)


@bp.get("/")
@admin_required
def index():
    query = select(AuditEntry).options(selectinload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    action = query_text("aktion", 60)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    page = window(query, page_number(), PER_PAGE)
    actions = [(name, ACTION_LABELS.get(name, name)) for name in sorted(ACTION_LABELS)]
    return render_template("audit/index.html", page=page, action=action, actions=actions)
