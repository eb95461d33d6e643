"""The readable page of the Art. 15 export: German column headings and values a person can read. The JSON file
keeps the database's own names and ISO dates, which is what a machine wants."""

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from netzwerk.vocabulary import code_list

# Columns the page leaves to the file: the HTML copy of a mail and its calendar attachment repeat the text.
FILE_ONLY = frozenset({"body_html", "calendar", "calendar_method", "message_id", "key", "version"})
LONG_TEXT = 160  # longer values fold away behind their first words

COLUMN_LABELS = {
    "id": _l("Nr."),
    "action": _l("Vorgang"),
    "actor_id": _l("Akteur/Person (Nr.)"),
    "answer": _l("Antwort"),
    "answered_at": _l("beantwortet am"),
    "at": _l("Zeitpunkt"),
    "attempts": _l("Versuche"),
    "attendance": _l("Anwesenheit"),
    "author_id": _l("verfasst von (Nr.)"),
    "body": _l("Text"),
    "body_text": _l("Text"),
    "changes": _l("Änderungen"),
    "claimed_at": _l("in Versand seit"),
    "comment": _l("Kommentar"),
    "contact_user_id": _l("Ansprechperson (Nr.)"),
    "created_at": _l("angelegt am"),
    "created_by_id": _l("angelegt von (Nr.)"),
    "decided_at": _l("entschieden am"),
    "decided_by_id": _l("entschieden von (Nr.)"),
    "decision_reason": _l("Begründung"),
    "deleted_at": _l("gelöscht am"),
    "due_at": _l("fällig am"),
    "email": _l("E-Mail-Adresse"),
    "end_date": _l("bis"),
    "expires_at": _l("gültig bis"),
    "function": _l("Funktion"),
    "given": _l("erteilt"),
    "group_id": _l("Arbeitskreis (Nr.)"),
    "ip_address": _l("IP-Adresse"),
    "is_guest": _l("als Gast"),
    "kind": _l("Art"),
    "language": _l("Sprache"),
    "last_error": _l("letzter Fehler"),
    "last_login_at": _l("letzte Anmeldung"),
    "meeting_id": _l("Sitzung (Nr.)"),
    "message": _l("Nachricht"),
    "name": _l("Name"),
    "notify_by_email": _l("E-Mails erwünscht"),
    "organisation": _l("Organisation"),
    "organizer_id": _l("eingeladen von (Nr.)"),
    "partnership_id": _l("Partnerschaft (Nr.)"),
    "password_changed_at": _l("Passwort geändert am"),
    "phone": _l("Telefon"),
    "poll_id": _l("Terminumfrage (Nr.)"),
    "publish_at": _l("veröffentlicht am"),
    "purpose": _l("Zweck"),
    "recipient": _l("Empfänger"),
    "recipients": _l("Empfänger (Anzahl)"),
    "reminded_at": _l("erinnert am"),
    "reminder_days": _l("Erinnerungen (Tage vorher)"),
    "represented_by": _l("vertreten durch"),
    "role": _l("Rolle"),
    "sent_at": _l("verschickt am"),
    "sent_by_id": _l("verschickt von (Nr.)"),
    "share_contact_details": _l("Kontaktdaten für Mitglieder sichtbar"),
    "since": _l("seit"),
    "slot_id": _l("Terminvorschlag (Nr.)"),
    "source": _l("Herkunft der Daten"),
    "start_date": _l("seit"),
    "starts_at": _l("Beginn"),
    "status": _l("Status"),
    "subject": _l("Betreff"),
    "summary": _l("Zusammenfassung"),
    "target_id": _l("betrifft (Nr.)"),
    "target_type": _l("betrifft"),
    "text_version": _l("Fassung"),
    "title": _l("Titel"),
    "type": _l("Art"),
    "used_at": _l("benutzt am"),
    "user_id": _l("Person (Nr.)"),
    "value": _l("Wert"),
    "voted_at": _l("abgestimmt am"),
    "waitlisted_at": _l("auf der Warteliste seit"),
    "weekly_digest": _l("Wochenübersicht"),
    "answer_reminders": _l("Erinnerung an die Antwort auf Einladungen"),
    "poll_reminders": _l("Erinnerung an Terminumfragen"),
}


def readable_columns(rows: list[dict]) -> list[str]:
    """The columns of a section in their first appearance's order, without those left to the file."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(name for name in row if name not in FILE_ONLY))
    return list(columns)


def column_label(name: str) -> str:
    return str(COLUMN_LABELS.get(name, name))


def readable_value(value, table: str = "", column: str = "") -> str:
    """The German label of a stored code (netzwerk.vocabulary), yes/no for flags, a local date and time for ISO
    timestamps, a dash for nothing."""
    codes = code_list(table, column)
    if isinstance(value, str) and codes is not None and codes.lookup(value) is not None:
        return str(codes.label_of(value))
    if value is None or value == "" or value == {} or value == []:
        return "–"
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return format_datetime(datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)
