from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import code_label


class AuditEntry(db.Model):
    """Who did what to which record, and when. Written in the same transaction as the change itself."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "user.invited"
    target_type: Mapped[str | None] = mapped_column(String(60))
    target_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)  # {"field": [old, new]}
    ip_address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    def readable_changes(self) -> list[tuple[str, object, object]]:
        """(field label, old, new) for the template, with coded values (roles, kinds) in words: the labels of
        this record type's field (netzwerk.vocabulary), which also know the German codes of old entries."""

        def readable(field, value):
            if isinstance(value, list):
                return [readable(field, item) for item in value]
            if isinstance(value, dict):
                return value
            label = code_label(self.target_type, field, value)
            return value if label is value else str(label)

        def pair(field, old, new):
            if field in FILE_FIELDS:  # a stored file's number says nothing; whether there is one, and that it changed
                return (str(_l("bisheriges Logo")) if old else None), (str(_l("neues Logo")) if new else None)
            return readable(field, old), readable(field, new)

        changes = self.changes.items()
        return [(str(FIELD_LABELS.get(field, field)), *pair(field, old, new)) for field, (old, new) in changes]


FILE_FIELDS = {"logo_id"}  # ids of stored files (netzwerk.partners.models.PartnerLogo)

ACTION_LABELS = {
    "auth.login": _l("Anmeldung"),
    "auth.login_failed": _l("Fehlgeschlagene Anmeldung"),
    "auth.logout": _l("Abmeldung"),
    "auth.password_changed": _l("Passwort geändert"),
    "auth.password_reset_requested": _l("Neues Passwort angefordert"),
    "auth.password_reset": _l("Passwort neu gesetzt"),
    "user.invited": _l("Person eingeladen"),
    "user.invitation_resent": _l("Einladung erneut gesendet"),
    "user.invitation_accepted": _l("Einladung angenommen"),
    "user.updated": _l("Konto geändert"),
    "user.role_changed": _l("Rolle geändert"),
    "user.profile_updated": _l("Profil geändert"),
    "demo.loaded": _l("Demo-Daten geladen"),
    "actor.created": _l("Akteur angelegt"),
    "actor.updated": _l("Akteur geändert"),
    "actor.archived": _l("Akteur archiviert"),
    "actor.restored": _l("Akteur wiederhergestellt"),
    "actor.deleted": _l("Akteur gelöscht"),
    "actor.imported": _l("Akteure importiert"),
    "field_of_action.updated": _l("Handlungsfeld geändert"),
    "group.created": _l("Arbeitskreis angelegt"),
    "group.updated": _l("Arbeitskreis geändert"),
    "group.status_changed": _l("Status des Arbeitskreises geändert"),
    "group.member_added": _l("Mitglied aufgenommen"),
    "group.member_role_changed": _l("Rolle im Arbeitskreis geändert"),
    "group.member_removed": _l("Mitgliedschaft beendet"),
    "group.join_requested": _l("Mitgliedschaft angefragt"),
    "group.join_approved": _l("Anfrage angenommen"),
    "group.join_declined": _l("Anfrage abgelehnt"),
    "group.message_sent": _l("Rundmail verschickt"),
    "meeting.scheduled": _l("Sitzung geplant"),
    "meeting.recorded": _l("Sitzung nachgetragen"),
    "task.done": _l("Aufgabe erledigt"),
    "task.reopened": _l("Aufgabe wieder offen"),
    "office.settings_changed": _l("Name und Fördervermerk geändert"),
    "meeting.message_sent": _l("Nachricht an Eingeladene"),
    "meeting.answered": _l("Auf Einladung geantwortet"),
    "meeting.changed": _l("Sitzung geändert"),
    "meeting.cancelled": _l("Sitzung abgesagt"),
    "meeting.series_scheduled": _l("Sitzungsreihe geplant"),
    "meeting.guest_registered": _l("Als Gast angemeldet"),
    "meeting.moved_up": _l("Von der Warteliste nachgerückt"),
    "meeting.reminded": _l("An die Antwort erinnert"),
    "meeting.attendance_recorded": _l("Anwesenheit erfasst"),
    "meeting.minutes_saved": _l("Protokoll gespeichert"),
    "meeting.minutes_published": _l("Protokoll veröffentlicht"),
    "user.calendar_renewed": _l("Kalender-Adresse erneuert"),
    "reminders.settings_changed": _l("Einstellungen für Erinnerungen geändert"),
    "user.unsubscribed": _l("Benachrichtigung per Link in der E-Mail abbestellt"),
    "project.created": _l("Vorhaben angelegt"),
    "project.updated": _l("Vorhaben geändert"),
    "legal_page.updated": _l("Rechtliche Seite geändert"),
    "legal.feedback_received": _l("Rückmeldung zur Barrierefreiheit eingegangen"),
    "news.created": _l("Meldung angelegt"),
    "news.updated": _l("Meldung geändert"),
    "news.deleted": _l("Meldung gelöscht"),
    "poll.created": _l("Terminumfrage gestartet"),
    "poll.voted": _l("In Terminumfrage abgestimmt"),
    "poll.closed": _l("Terminumfrage beendet"),
    "poll.converted": _l("Termin aus Umfrage festgelegt"),
    "poll.reminded": _l("An Terminumfrage erinnert"),
    "partner.created": _l("Partnerschaft angelegt"),
    "partner.updated": _l("Partnerschaft geändert"),
    "partner.user_assigned": _l("Partnerorganisation des Kontos geändert"),
    "partner.link_created": _l("Kooperation angelegt"),
    "partner.link_ended": _l("Kooperation beendet"),
    "partner.profile_updated": _l("geändert durch Partner"),
    "partner.change_undone": _l("Änderung durch Partner zurückgenommen"),
    "partner.update_requested": _l("Partner um Aktualisierung gebeten"),
    "privacy.notice_acknowledged": _l("Datenschutzerklärung bestätigt"),
    "privacy.contact_consent_given": _l("Einwilligung zu Kontaktdaten erteilt"),
    "privacy.contact_consent_withdrawn": _l("Einwilligung zu Kontaktdaten widerrufen"),
    "privacy.deletion_requested": _l("Löschantrag gestellt"),
    "privacy.deletion_declined": _l("Löschantrag abgelehnt"),
    "privacy.user_erased": _l("Person gelöscht (Art. 17 DSGVO)"),
    "privacy.contact_erased": _l("Ansprechperson gelöscht"),
    "privacy.purged": _l("Aufbewahrungsfrist: alte Einträge gelöscht"),
}

FIELD_LABELS = {
    "name": _l("Name"),
    "email": _l("E-Mail-Adresse"),
    "role": _l("Rolle"),
    "status": _l("Status"),
    "organisation": _l("Organisation"),
    "phone": _l("Telefon"),
    "language": _l("Sprache"),
    "notify_by_email": _l("E-Mail-Benachrichtigungen"),
    "share_contact_details": _l("Kontaktdaten für Mitglieder sichtbar"),
    "kind": _l("Art"),
    "municipality_id": _l("Gemeinde"),
    "street": _l("Straße"),
    "postal_code": _l("PLZ"),
    "website": _l("Website"),
    "description": _l("Beschreibung"),
    "is_public": _l("öffentlich sichtbar"),
    "sectors": _l("Branchen"),
    "fields_of_action": _l("Handlungsfelder"),
    "contacts": _l("Ansprechpersonen"),
    "member": _l("Mitglied"),
    "answer": _l("Antwort"),
    "goals": _l("Ziele"),
    "short_name": _l("Kurzname"),
    "field_of_action_id": _l("Handlungsfeld"),
    "title": _l("Titel"),
    "starts_at": _l("Beginn"),
    "ends_at": _l("Ende"),
    "place": _l("Ort"),
    "room": _l("Raum"),
    "online_url": _l("Online-Link"),
    "agenda": _l("Tagesordnung"),
    "documents": _l("Unterlagen"),
    "capacity": _l("Plätze"),
    "guests_allowed": _l("Gäste können sich anmelden"),
    "minutes": _l("Protokoll"),
    "decisions": _l("Beschlüsse"),
    "days": _l("Tage vorher"),
    "send_hour": _l("Uhrzeit"),
    "answer_days": _l("Erinnerung an die Antwort"),
    "reminder_days": _l("Erinnerungen"),
    "weekly_digest": _l("Wochenübersicht"),
    "answer_reminders": _l("Erinnerung an die Antwort auf Einladungen"),
    "poll_reminders": _l("Erinnerung an Terminumfragen"),
    "cancel_reason": _l("Grund der Absage"),
    "reminder_note": _l("Hinweis für Erinnerungen"),
    "summary": _l("Kurzfassung"),
    "body": _l("Text"),
    "is_press_release": _l("Pressemitteilung"),
    "publish_at": _l("Veröffentlichung"),
    "lead": _l("Federführung"),
    "synergies": _l("Synergien"),
    "groups": _l("Arbeitskreise"),
    "actors": _l("Akteure"),
    "milestones": _l("Meilensteine"),
    "offers": _l("Angebote und Themen"),
    "public_fields": _l("öffentlich sichtbare Angaben"),
    "logo_id": _l("Logo"),
    "since": _l("seit"),
    "contact_user_id": _l("Ansprechperson im Regionalmanagement"),
    "type": _l("Art der Partnerschaft"),
    "link": _l("Kooperation"),
    "ended_on": _l("beendet am"),
    "partner_organisation": _l("Partnerorganisation"),
    "partners_see_meetings": _l("Verknüpfte Partner sehen die Sitzungen"),
}
