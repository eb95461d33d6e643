"""THE declaration of personal data: which table, which column points at a person. The export (Art. 15) and
the erasure (Art. 17) both read it, and tests/test_privacy_export.py fails when a table with a column pointing at
``user_account.id`` (or an e-mail column) is missing here. A new table with personal data: add a line."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# what an erasure does with the rows found
KEEP = "keep"  # history keeps its counts; the person appears as "ehemaliges Mitglied" (the account row stays)
DELETE = "delete"
UNLINK = "unlink"  # the column pointing at the person is set to NULL
ANONYMISE = "anonymise"  # the account row itself (services.anonymise_account)


@dataclass(frozen=True)
class PersonalData:
    table: str
    column: str
    label: object  # heading on the readable page
    match: str = "id"  # "id": column = the user's id; "email": column = the user's address; "target": audit
    fields: tuple[str, ...] | None = None  # exported columns (None: all but ``secret``)
    secret: tuple[str, ...] = ()  # never exported (hashes, login links)
    erase: str = KEEP
    clear: tuple[tuple[str, object], ...] = ()  # on erasure: these columns get these values


PERSONAL_DATA = (
    PersonalData(
        "user_account",
        "id",
        _l("Konto und Profil"),
        secret=("password_hash", "session_token", "calendar_key"),
        erase=ANONYMISE,
    ),
    PersonalData("consent", "user_id", _l("Einwilligungen")),
    PersonalData("deletion_request", "user_id", _l("Löschanträge"), clear=(("message", ""),)),
    PersonalData(
        "deletion_request",
        "decided_by_id",
        _l("Von Ihnen bearbeitete Löschanträge"),
        fields=("id", "status", "decided_at", "decided_by_id"),
    ),
    PersonalData(
        "user_token",
        "user_id",
        _l("Einladungs- und Passwort-Links (ohne die Links selbst)"),
        fields=("id", "user_id", "purpose", "created_at", "expires_at", "used_at"),
        erase=DELETE,
    ),
    PersonalData("membership", "user_id", _l("Mitgliedschaften in Arbeitskreisen (auch frühere)")),
    PersonalData("join_request", "user_id", _l("Anfragen zur Mitgliedschaft"), clear=(("message", ""),)),
    PersonalData(
        "join_request",
        "decided_by_id",
        _l("Von Ihnen entschiedene Anfragen zur Mitgliedschaft"),
        fields=("id", "group_id", "status", "decided_at", "decided_by_id"),
    ),
    PersonalData("group_message", "author_id", _l("Von Ihnen verschickte Rundmails")),
    PersonalData("meeting_message", "author_id", _l("Von Ihnen verschickte Nachrichten an Eingeladene")),
    PersonalData("task", "assignee_id", _l("Ihnen zugewiesene Aufgaben aus Protokollen")),
    PersonalData(
        "meeting",
        "organizer_id",
        _l("Von Ihnen geplante Sitzungen"),
        fields=("id", "group_id", "title", "starts_at", "organizer_id", "created_at"),
    ),
    PersonalData(
        "invitation", "user_id", _l("Einladungen zu Sitzungen, Zu- und Absagen, Anwesenheit"), clear=(("comment", ""),)
    ),
    PersonalData(
        "poll",
        "created_by_id",
        _l("Von Ihnen gestartete Terminumfragen"),
        fields=("id", "group_id", "title", "created_by_id", "created_at"),
    ),
    PersonalData("poll_vote", "user_id", _l("Ihre Antworten in Terminumfragen")),
    PersonalData("poll_reminder", "user_id", _l("Erinnerungen an Terminumfragen an Sie")),
    PersonalData(
        "poll_reminder",
        "sent_by_id",
        _l("Von Ihnen verschickte Erinnerungen an Terminumfragen"),
        fields=("id", "poll_id", "sent_by_id", "sent_at"),
    ),
    PersonalData(
        "partnership",
        "contact_user_id",
        _l("Partnerschaften, für die Sie Ansprechperson im Regionalmanagement sind"),
        fields=("id", "actor_id", "type", "status", "since", "contact_user_id"),
        erase=UNLINK,
    ),
    PersonalData("partner_user", "user_id", _l("Ihre Partnerorganisation"), erase=DELETE),
    PersonalData(
        "news_item",
        "author_id",
        _l("Von Ihnen verfasste Meldungen"),
        fields=("id", "title", "publish_at", "author_id", "created_at"),
    ),
    PersonalData("contact_person", "user_id", _l("Eintrag als Ansprechperson bei Akteuren"), erase=DELETE),
    PersonalData("contact_person", "email", _l("Eintrag als Ansprechperson bei Akteuren"), match="email", erase=DELETE),
    PersonalData("outgoing_mail", "user_id", _l("E-Mails an Sie"), secret=("secret_link",), erase=DELETE),
    PersonalData(
        "outgoing_mail", "recipient", _l("E-Mails an Sie"), match="email", secret=("secret_link",), erase=DELETE
    ),
    PersonalData("incoming_mail", "user_id", _l("E-Mails von Ihnen an das Netzwerk"), erase=DELETE),
    PersonalData("incoming_mail", "sender_email", _l("E-Mails von Ihnen an das Netzwerk"), match="email", erase=DELETE),
    PersonalData(
        "audit_entry",
        "actor_id",
        _l("Änderungsprotokoll: was Sie getan haben"),
        fields=("id", "created_at", "action", "actor_id", "target_type", "target_id", "ip_address"),
        clear=(("ip_address", None),),
    ),
    # entries about the person: their personal values are blanked by services.redact_audit_about
    # without who made the change and from where: that is the other person's data (the manager's, usually)
    PersonalData(
        "audit_entry",
        "target_id",
        _l("Änderungsprotokoll: Einträge über Sie"),
        match="target",
        fields=("id", "created_at", "action", "target_type", "target_id", "summary", "changes"),
    ),
)

# Columns that look like personal data but are not about a user account (checked by the coverage test).
NOT_ABOUT_A_USER = {
    ("actor", "email"): "die allgemeine Adresse einer Organisation",
}

# Where names and addresses are copied as plain text into other records: an erasure replaces them there.
TEXT_COPIES = (
    ("audit_entry", "summary"),
    ("audit_entry", "changes"),
    ("outgoing_mail", "recipient"),
    ("outgoing_mail", "subject"),
    ("outgoing_mail", "body_text"),
    ("outgoing_mail", "body_html"),
    ("outgoing_mail", "calendar"),  # an invitation's ORGANIZER line names the organiser (unfolded first)
    ("incoming_mail", "subject"),
    ("incoming_mail", "reason"),  # may name the address of a person who answered for someone else
    ("task", "who"),
    ("invitation", "represented_by"),
    # free text in which others may have named the person
    ("meeting", "agenda"),
    ("meeting", "minutes"),
    ("meeting", "decisions"),
    ("group_message", "subject"),
    ("group_message", "body"),
    ("meeting_message", "subject"),
    ("meeting_message", "body"),
    ("news_item", "summary"),
    ("news_item", "body"),
    ("deletion_request", "decision_reason"),
)

# Fields of audit entries about a person that hold their personal values.
PERSONAL_FIELDS = ("name", "email", "phone", "organisation")
