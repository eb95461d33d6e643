import re

from flask import current_app, render_template
from sqlalchemy import select

from netzwerk.auth.permissions import admin_required
from netzwerk.extensions import db
from netzwerk.forms import query_text
from netzwerk.mail import bp
from netzwerk.mail.models import MailStatus, OutgoingMail

TOKEN_LINK = re.compile(r"(/(?:einladung|passwort-zuruecksetzen)/)[A-Za-z0-9_-]+")


@bp.get("/")
@admin_required
def index():
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    status = query_text("status", 20)
    if status in set(MailStatus):
        query = query.where(OutgoingMail.status == status)
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template(
        "mail/index.html", page=page, status=status, statuses=[(s.value, s.label) for s in MailStatus]
    )


@bp.get("/<int:mail_id>")
@admin_required
def detail(mail_id: int):
    mail = db.get_or_404(OutgoingMail, mail_id)
    body = mail.body_text
    if current_app.config["MAIL_SERVER"]:
        # With real delivery, the manager must not be able to use someone else's login link.
        body = TOKEN_LINK.sub(r"\1…", body)
    return render_template("mail/detail.html", mail=mail, body=body)
