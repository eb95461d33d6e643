from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from netzwerk.auth.permissions import admin_required
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.forms import page_number, query_text
from netzwerk.mail.blueprint import bp
from netzwerk.mail.models import IncomingMail, IncomingOutcome, MailStatus, OutgoingMail
from netzwerk.mail.services import body_for_display, resend
from netzwerk.meetings.forms import ButtonForm
from netzwerk.pagination import window

PER_PAGE = 50  # a page of a list that is not counted (a million mails, a hundred thousand entries)


@bp.get("/")
@admin_required
def index():
    query = select(OutgoingMail).order_by(OutgoingMail.id.desc())
    status = query_text("status", 20)
    if status in set(MailStatus):
        query = query.where(OutgoingMail.status == status)
    page = window(query, page_number(), PER_PAGE)
    return render_template(
        "mail/index.html", page=page, status=status, statuses=[(s.value, s.label) for s in MailStatus]
    )


@bp.get("/eingang")
@admin_required
def incoming():
    """Mails to the tool's own address: calendar answers taken over, replies forwarded, and what changed
    nothing, with the reason."""
    query = select(IncomingMail).order_by(IncomingMail.id.desc())
    outcome = query_text("ergebnis", 20)
    if outcome in set(IncomingOutcome):
        query = query.where(IncomingMail.outcome == outcome)
    page = window(query, page_number(), PER_PAGE)
    outcomes = [(o.value, o.label) for o in IncomingOutcome]
    return render_template("mail/incoming.html", page=page, outcome=outcome, outcomes=outcomes)


@bp.get("/<id:mail_id>")
@admin_required
def detail(mail_id: int):
    mail = db.get_or_404(OutgoingMail, mail_id)
    return render_template("mail/detail.html", mail=mail, body=body_for_display(mail), form=ButtonForm())


@bp.post("/<id:mail_id>/erneut")
@admin_required
def resend_mail(mail_id: int):
    mail = db.get_or_404(OutgoingMail, mail_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        resend(mail)
    except Conflict as refusal:
        flash(str(refusal), "info")
    else:
        flash(_("Die E-Mail ist wieder in der Warteschlange; der Scheduler verschickt sie gleich."), "success")
    return redirect(url_for("mail.detail", mail_id=mail.id))
