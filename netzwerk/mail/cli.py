"""``flask --app wsgi mail receive``: one incoming mail on standard input, as a mail server's pipe delivers it
(an alias ``| flask --app wsgi mail receive`` for MAIL_INBOX_ADDRESS)."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from netzwerk.mail.incoming import receive
from netzwerk.unit_of_work import unit_of_work

EX_TEMPFAIL = 75  # sysexits.h: the mail server keeps the mail and tries again later

mail_cli = AppGroup("mail", help="E-Mails an die Adresse des Netzwerks (Antworten auf Einladungen).")


@mail_cli.command("receive")
def receive_command() -> None:
    """Handle one RFC 5322 message from standard input; exit 0 when handled or listed, 75 on a database error."""

    raw = click.get_binary_stream("stdin").read()  # type: ignore[operator]  # click 8.5 types it oddly
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's real app
    with app.test_request_context(base_url=app.config["BASE_URL"]):  # mails render links with url_for
        try:
            with unit_of_work():  # committed, then the mails it caused are sent; rolled back on an error
                handled = receive(raw)
                entry = handled.entry
                outcome = "schon bearbeitet" if handled.duplicate else entry.outcome_label
                message_id = entry.message_id
        except SQLAlchemyError:
            app.logger.exception("Incoming mail: database error, the mail server will retry")
            raise SystemExit(EX_TEMPFAIL) from None
        click.echo(f"{message_id}: {outcome}")
