"""The poll form (title, details, a list of proposed slots) and the small action forms."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from netzwerk import clock
from netzwerk.forms import BaseForm, RowForm, too_long, web_address

SLOT_ROWS = 6  # empty rows on a new form; "Weitere Zeilen" adds MORE_ROWS at a time (no JavaScript needed)
MORE_ROWS = 3
MAX_SLOTS = 30
MIN_SLOTS = 2


class BlankIsNone:
    """An empty input is "not given" (the row may stay empty), anything unreadable is an error."""

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


class OptionalDateField(BlankIsNone, DateField):
    pass


class OptionalTimeField(BlankIsNone, TimeField):
    pass


class OptionalDateTimeField(BlankIsNone, DateTimeLocalField):
    pass


class SlotForm(RowForm):
    """One proposed slot: a day and the time from/to (Europe/Berlin)."""

    day = OptionalDateField(
        _l("Datum"),
        format=["%Y-%m-%d", "%d.%m.%Y"],
        invalid_value_message=_l("Bitte ein Datum wie 24.03.2027 angeben."),
    )
    start = OptionalTimeField(
        _l("Beginn"), format=["%H:%M", "%H.%M"], invalid_value_message=_l("Bitte eine Uhrzeit wie 18:00 angeben.")
    )
    end = OptionalTimeField(
        _l("Ende"), format=["%H:%M", "%H.%M"], invalid_value_message=_l("Bitte eine Uhrzeit wie 20:00 angeben.")
    )

    def is_blank(self) -> bool:
        return not any((field.raw_data or [""])[0].strip() for field in (self.day, self.start, self.end))


class PollForm(BaseForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel ein.")), too_long(200)])
    place = StringField(_l("Ort (Adresse, Raum)"), validators=[Optional(), too_long(300)])
    online_url = URLField(
        _l("Online-Link"),
        validators=[Optional(), web_address, too_long(500)],
    )
    description = TextAreaField(
        _l("Beschreibung"),
        validators=[Optional(), too_long(5000)],
        description=_l("Worum es geht; wird später die Tagesordnung der Sitzung (Markdown)."),
    )
    deadline = OptionalDateTimeField(
        _l("Abstimmung bis (freiwillig)"),
        format=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
        invalid_value_message=_l("Bitte Datum und Uhrzeit wie 24.03.2027 18:00 angeben."),
    )
    slots = FieldList(FormField(SlotForm), min_entries=SLOT_ROWS, max_entries=MAX_SLOTS)
    submit = SubmitField(_l("Umfrage starten und Mitglieder einladen"))

    def __init__(self, *args, to_utc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_utc = to_utc
        self.slots_error = None
        self.slot_times: list[tuple[datetime, datetime]] = []  # UTC, filled by validate

    def add_rows(self, count: int = MORE_ROWS) -> None:
        for _ in range(min(count, MAX_SLOTS - len(self.slots))):
            self.slots.append_entry()

    def validate_deadline(self, field) -> None:
        if field.data and self.to_utc and self.to_utc(field.data) < clock.now():
            raise ValidationError(_l("Dieser Zeitpunkt liegt in der Vergangenheit."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.slot_times = []
        for row in self.slots:
            if row.is_blank() or row.day.errors or row.start.errors or row.end.errors:
                continue
            times = self.check_slot(row.form)
            if times in self.slot_times:
                row.day.errors.append(_l("Dieser Termin steht schon weiter oben."))
            elif times:
                self.slot_times.append(times)
        rows_with_errors = any(row.day.errors or row.start.errors or row.end.errors for row in self.slots)
        self.slots.errors = [row.errors for row in self.slots] if rows_with_errors else []  # after the checks above
        if not rows_with_errors and len(self.slot_times) < MIN_SLOTS:
            self.slots_error = _l("Bitte schlagen Sie mindestens zwei Termine vor (Datum, Beginn und Ende).")
            self.form_errors.append(self.slots_error)
        return valid and not rows_with_errors and self.slots_error is None

    def check_slot(self, row: SlotForm) -> tuple[datetime, datetime] | None:
        """The row's (start, end) in UTC, or None with the problem noted at the row's field."""
        if row.day.data is None:
            row.day.errors.append(_l("Bitte das Datum angeben."))
            return None
        if row.start.data is None or row.end.data is None:
            (row.start if row.start.data is None else row.end).errors.append(_l("Bitte Beginn und Ende angeben."))
            return None
        if row.end.data <= row.start.data:
            row.end.errors.append(_l("Das Ende muss nach dem Beginn liegen."))
            return None
        starts = self.to_utc(datetime.combine(row.day.data, row.start.data))
        if starts < clock.now():
            row.day.errors.append(_l("Dieser Termin liegt in der Vergangenheit."))
            return None
        return starts, self.to_utc(datetime.combine(row.day.data, row.end.data))


class ActionForm(BaseForm):
    """Carries the CSRF token of a button (vote, remind, close); the values are read by the view."""


class ConvertForm(BaseForm):
    slot = StringField(_l("Termin"))
