"""Fetching the tool's mailbox by IMAP (when MAIL_IMAP_HOST is set): the scheduler's poll job.

Each unseen message in MAIL_IMAP_FOLDER is read without marking it (BODY.PEEK), handled as a unit of work of
its own (committed, then the mails it caused are sent), then moved to MAIL_IMAP_DONE_FOLDER. A message whose
handling hit a database error stays where it is, unseen, for the next poll; one handled before whose move
failed is recognised by its Message-ID and only moved."""

import imaplib
import re
from contextlib import contextmanager

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from netzwerk.mail.incoming import receive
from netzwerk.unit_of_work import unit_of_work


def quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def mailbox_connection():
    config = current_app.config
    timeout = config["MAIL_TIMEOUT"]
    if config["MAIL_IMAP_TLS"]:
        connection = imaplib.IMAP4_SSL(config["MAIL_IMAP_HOST"], config["MAIL_IMAP_PORT"], timeout=timeout)
    else:
        connection = imaplib.IMAP4(config["MAIL_IMAP_HOST"], config["MAIL_IMAP_PORT"], timeout=timeout)
    try:
        connection.login(config["MAIL_IMAP_USERNAME"] or "", config["MAIL_IMAP_PASSWORD"] or "")
        yield connection
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def server_folder(connection: imaplib.IMAP4, name: str) -> str:
    """The configured name with "/" written as the server's hierarchy separator (often "." or "/")."""
    status, data = connection.list('""', '""')
    listing = data[0] if status == "OK" and data and isinstance(data[0], bytes) else b""
    match = re.search(rb'\) "(.)"', listing)
    separator = match.group(1).decode() if match else "/"
    return name.replace("/", separator)


def ensure_folder(connection: imaplib.IMAP4, folder: str) -> None:
    status, data = connection.list('""', quoted(folder))
    if status == "OK" and data and data[0]:
        return
    connection.create(quoted(folder))  # an error here (no right to create) shows in the move that follows


def move(connection: imaplib.IMAP4, uid: bytes, folder: str, can_move: bool) -> None:
    if can_move:
        status, _ = connection.uid("MOVE", uid, quoted(folder))  # type: ignore[arg-type]  # imaplib takes bytes
        if status == "OK":
            return
    status, data = connection.uid("COPY", uid, quoted(folder))  # type: ignore[arg-type]  # imaplib takes bytes
    if status != "OK":
        raise imaplib.IMAP4.error(f"COPY nach {folder} fehlgeschlagen: {data}")
    connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)")  # type: ignore[arg-type]  # imaplib takes bytes
    connection.expunge()


def fetch(connection: imaplib.IMAP4, uid: bytes) -> bytes | None:
    status, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")  # type: ignore[arg-type]  # imaplib takes bytes
    if status != "OK":
        return None
    return next((item[1] for item in data if isinstance(item, tuple)), None)


def poll_mailbox() -> int:
    """Handle every unseen message; returns how many were handled (moved)."""
    config = current_app.config
    handled = 0
    with mailbox_connection() as connection:
        status, capabilities = connection.capability()
        can_move = b"MOVE" in (capabilities[0] or b"").upper().split() if status == "OK" else False
        done = server_folder(connection, config["MAIL_IMAP_DONE_FOLDER"])
        ensure_folder(connection, done)
        status, _ = connection.select(quoted(config["MAIL_IMAP_FOLDER"]))
        if status != "OK":
            raise imaplib.IMAP4.error(f"Ordner {config['MAIL_IMAP_FOLDER']} nicht gefunden")
        status, data = connection.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split() if status == "OK" else []:
            raw = fetch(connection, uid)
            if raw is None:
                continue
            try:
                with unit_of_work():
                    receive(raw)
            except SQLAlchemyError:
                current_app.logger.exception("Incoming mail %s: database error, left for the next poll", uid)
                continue
            move(connection, uid, done, can_move)
            handled += 1
    return handled
