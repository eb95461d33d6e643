from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, RadioField, StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from netzwerk.dbtypes import utcnow
from netzwerk.forms import BaseForm
from netzwerk.meetings.models import ANSWER_LABELS


def too_long(n: int):
    return Length(max=n, message=_l("Höchstens %(max)d Zeichen."))


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
        validators=[Optional(), too_long(500), URL(message=_l("Bitte eine Adresse wie https://… angeben."))],
    )
    agenda = TextAreaField(
        _l("Tagesordnung"),
        validators=[Optional(), too_long(20000)],
        description=_l("Markdown: eine Zeile je TOP, z. B. „1. Begrüßung“; **fett**, Listen mit „-“."),
    )
    submit = SubmitField(_l("Sitzung planen und einladen"))

    def __init__(self, *args, to_utc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_utc = to_utc

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Das Ende muss nach dem Beginn liegen."))

    def validate_starts_at(self, field) -> None:
        if field.data and self.to_utc and self.to_utc(field.data) < utcnow():
            raise ValidationError(_l("Der Beginn liegt in der Vergangenheit."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.place.data or "").strip() and not (self.online_url.data or "").strip():
            self.place.errors = [*self.place.errors, _l("Bitte geben Sie einen Ort oder einen Online-Link an.")]
            return False
        return valid


class AnswerForm(BaseForm):
    answer = RadioField(
        _l("Ihre Antwort"),
        choices=[SelectChoice(value.value, label) for value, label in ANSWER_LABELS.items()],
        validators=[DataRequired(_l("Bitte wählen Sie Zusage, Absage oder Vielleicht."))],
    )
    comment = StringField(_l("Bemerkung (freiwillig)"), validators=[Optional(), too_long(500)])
    submit = SubmitField(_l("Antwort speichern"))


class ButtonForm(BaseForm):
    """Carries the CSRF token of a button that changes something (cancel, renew the feed address …)."""
