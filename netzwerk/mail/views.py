from flask import render_template
from sqlalchemy import select

from netzwerk.auth.permissions import admin_required
from netzwerk.extensions import db
from netzwerk.forms import page_number, query_text
from netzwerk.mail import bp
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import body_for_display


@bp.get("/")
@admin_required
def index():
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    status = query_text("status", 20)
    if status in set(MailStatus):
        query = query.where(OutgoingMail.status == status)
    page = db.paginate(query, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "mail/index.html", page=page, status=status, statuses=[(s.value, s.label) for s in MailStatus]
    )


@bp.get("/<id:mail_id>")
@admin_required
def detail(mail_id: int):
    mail = db.get_or_404(OutgoingMail, mail_id)
    return render_template("mail/detail.html", mail=mail, body=body_for_display(mail))
