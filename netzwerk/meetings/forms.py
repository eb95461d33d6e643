from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from netzwerk import clock
from netzwerk.forms import BaseForm, RowForm, VersionedForm, too_long, web_address
from netzwerk.meetings.models import Answer, Attendance, Audience, parse_documents
from netzwerk.meetings.recurrence import RECURRENCE_LABELS
from netzwerk.meetings.services.scheduling import PAST_MEETING_AHEAD


class MeetingForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel ein.")), too_long(200)])
    starts_at = DateTimeLocalField(
        _l("Beginn"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Bitte geben Sie Datum und Uhrzeit des Beginns an (TT.MM.JJJJ, HH:MM)."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ende"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Bitte geben Sie Datum und Uhrzeit des Endes an (TT.MM.JJJJ, HH:MM)."))],
    )
    place = StringField(_l("Ort (Adresse)"), validators=[Optional(), too_long(300)])
    room = StringField(_l("Raum"), validators=[Optional(), too_long(100)])
    online_url = URLField(
        _l("Online-Link"),
        validators=[Optional(), web_address, too_long(500)],
    )
    agenda = TextAreaField(
        _l("Tagesordnung"),
        validators=[Optional(), too_long(20000)],
        description=_l("Markdown: eine Zeile je TOP, z. B. „1. Begrüßung“; **fett**, Listen mit „-“."),
    )
    documents = TextAreaField(
        _l("Unterlagen (Links)"),
        validators=[Optional(), too_long(5000)],
        description=_l(
            "Eine Zeile je Unterlage: zuerst die Adresse, dann die Bezeichnung, z. B. "
            "„https://www.landshut.de/flyer.pdf Flyer Ausbildungsmesse“."
        ),
    )
    capacity = IntegerField(
        _l("Plätze (freiwillig)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message=_l("Bitte eine Zahl zwischen %(min)s und %(max)s angeben.")),
        ],
        description=_l(
            "Ist die Sitzung voll, kommen weitere Zusagen auf die Warteliste und rücken nach, wenn jemand absagt."
        ),
    )
    guests_allowed = BooleanField(_l("Gäste außerhalb des Arbeitskreises dürfen sich anmelden"))
    reminder_note = TextAreaField(
        _l("Hinweis für die Erinnerungen (freiwillig)"),
        validators=[Optional(), too_long(2000)],
        description=_l("Steht in jeder Erinnerung an diese Sitzung, z. B. „Bitte Unterlagen vorab lesen“."),
    )
    repeat = SelectField(
        _l("Wiederholung"), choices=[SelectChoice(k, v) for k, v in RECURRENCE_LABELS.items()], default=""
    )
    repeat_count = IntegerField(_l("Anzahl der Termine"), default=4)  # checked below, only for a series
    submit = SubmitField(_l("Sitzung planen und einladen"))

    def __init__(self, *args, to_utc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_utc = to_utc

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))

    def validate_documents(self, field) -> None:
        _links, problems = parse_documents(field.data or "")
        if problems:
            raise ValidationError(
                _l("Zeile %(line)d: bitte mit einer Adresse wie https://… beginnen.", line=problems[0])
            )

    def validate_repeat_count(self, field) -> None:
        if not self.repeat.data:
            return
        if field.data is None:
            raise ValidationError(_l("Bitte geben Sie an, wie viele Termine geplant werden sollen."))
        if not 2 <= field.data <= 24:
            raise ValidationError(_l("Bitte eine Zahl zwischen %(min)s und %(max)s angeben.", min=2, max=24))

    def validate_starts_at(self, field) -> None:
        if field.data and self.to_utc and self.to_utc(field.data) < clock.now():
            raise ValidationError(_l("Der Beginn liegt in der Vergangenheit."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.place.data or "").strip() and not (self.online_url.data or "").strip():
            self.place.errors = [*self.place.errors, _l("Bitte geben Sie einen Ort oder einen Online-Link an.")]
            return False
        return valid


class PastMeetingForm(MeetingForm):
    """A meeting that took place without the tool, entered afterwards: no invitations go out, so there is
    nothing to plan (capacity, guests, reminders, series); attendance and minutes follow on the next page."""

    capacity = None
    guests_allowed = None
    reminder_note = None
    repeat = None
    repeat_count = None
    submit = SubmitField(_l("Sitzung nachtragen"))

    def validate_starts_at(self, field) -> None:
        if field.data and self.to_utc and self.to_utc(field.data) > clock.now():
            raise ValidationError(PAST_MEETING_AHEAD)

    def validate_repeat_count(self, field) -> None:
        """No series: one meeting is entered at a time."""


class EditMeetingForm(MeetingForm, VersionedForm):
    """Changing one meeting: a series is scheduled in one go, but each of its meetings is changed on its own.
    Versioned: two leads saving the same meeting at once do not overwrite each other."""

    repeat = None
    repeat_count = None


class AnswerForm(BaseForm):
    answer = RadioField(
        _l("Ihre Antwort"),
        choices=Answer.choices(),
        validators=[DataRequired(_l("Bitte wählen Sie Zusage, Absage oder Vielleicht."))],
    )
    comment = StringField(_l("Bemerkung (freiwillig)"), validators=[Optional(), too_long(500)])
    submit = SubmitField(_l("Antwort speichern"))


class ButtonForm(BaseForm):
    """Carries the CSRF token of a button that changes something (cancel, renew the feed address …)."""


class CancelMeetingForm(BaseForm):
    """The confirmation before a meeting is called off; the reason goes to everyone invited."""

    reason = TextAreaField(
        _l("Grund (optional)"),
        validators=[Optional(), too_long(2000)],
        description=_l("Steht in der Absage an alle Eingeladenen, in ihrem Kalender und auf der Seite der Sitzung."),
    )
    submit = SubmitField(_l("Sitzung absagen"))


class AttendanceRow(RowForm):
    invitation_id = HiddenField()
    status = SelectField(
        _l("Anwesenheit"),
        choices=[SelectChoice("", _l("– bitte wählen –"))] + Attendance.choices(),
        validators=[DataRequired(_l("Bitte wählen Sie, ob die Person anwesend war."))],
    )
    # not Optional(), which would stop the chain before validate_represented_by
    represented_by = StringField(_l("vertreten durch"), validators=[too_long(120)])

    def validate_represented_by(self, field) -> None:
        if self.status.data == "represented" and not field.data:
            raise ValidationError(_l("Bitte geben Sie an, wer vertreten hat."))


class TaskRow(RowForm):
    what = StringField(_l("Was"), validators=[too_long(500)])  # not Optional(), which would skip validate_what
    who = StringField(_l("Wer"), validators=[Optional(), too_long(200)])
    due_on = DateField(_l("Bis wann"), validators=[Optional()])
    done = BooleanField(_l("erledigt"))

    def validate_what(self, field) -> None:
        if not field.data and (self.who.data or self.due_on.data):
            raise ValidationError(_l("Bitte beschreiben Sie die Aufgabe."))


class MinutesForm(VersionedForm):
    attendance = FieldList(FormField(AttendanceRow))
    minutes = TextAreaField(
        _l("Protokoll"),
        validators=[Optional(), too_long(100000)],
        description=_l("Markdown: Überschriften mit „##“, Listen mit „-“, **fett**."),
    )
    decisions = TextAreaField(_l("Beschlüsse"), validators=[Optional(), too_long(20000)])
    tasks = FieldList(FormField(TaskRow), min_entries=1)
    publish = BooleanField(_l("Protokoll veröffentlichen: die Eingeladenen sehen es und werden per E-Mail informiert"))
    submit = SubmitField(_l("Protokoll speichern"))


class MeetingMessageForm(BaseForm):
    audience = RadioField(_l("An wen?"), choices=Audience.choices(), default=Audience.ALL)
    subject = StringField(
        _l("Betreff"), validators=[DataRequired(_l("Bitte geben Sie einen Betreff ein.")), too_long(200)]
    )
    body = TextAreaField(
        _l("Nachricht"), validators=[DataRequired(_l("Bitte schreiben Sie eine Nachricht.")), too_long(20000)]
    )
    submit = SubmitField(_l("Nachricht senden"))
