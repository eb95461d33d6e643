from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from netzwerk.forms import MultiCheckboxField, VersionedForm
from netzwerk.reminders.models import DAY_CHOICES


def day_label(days: int):
    if days == 0:
        return _l("am Tag der Sitzung")
    if days == 1:
        return _l("1 Tag vorher")
    return _l("%(num)d Tage vorher", num=days)


def day_choices() -> list[SelectChoice]:
    return [SelectChoice(str(days), day_label(days)) for days in DAY_CHOICES]


class ReminderSettingsForm(VersionedForm):
    days = MultiCheckboxField(
        _l("Erinnerung vor jeder Sitzung"),
        choices=day_choices(),
        description=_l("Gilt für alle, die in ihrem Profil nichts anderes gewählt haben."),
    )
    send_hour = SelectField(
        _l("Uhrzeit der Erinnerungen"),
        choices=[SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(6, 21)],
    )
    answer_days = SelectField(
        _l("Erinnerung an die Antwort (an alle, die noch nicht geantwortet haben)"),
        choices=[SelectChoice("", _l("keine"))] + [SelectChoice(str(d), day_label(d)) for d in (7, 5, 3, 2, 1)],
    )
    submit = SubmitField(_l("Speichern"))

    def validate_days(self, field) -> None:
        if any(value not in {str(d) for d in DAY_CHOICES} for value in field.data or []):
            raise ValidationError(_l("Bitte nur die angebotenen Zeitpunkte wählen."))


class MyRemindersForm(VersionedForm):
    """A member's own choice (stored on the user; the version is the user's)."""

    reminder_days = MultiCheckboxField(
        _l("Erinnerungen vor meinen Sitzungen"),
        choices=day_choices(),
        description=_l("Ohne Auswahl erhalten Sie keine Erinnerungen vor Sitzungen."),
    )
    answer_reminders = BooleanField(
        _l("An die Antwort erinnern, solange ich auf eine Einladung nicht geantwortet habe")
    )
    poll_reminders = BooleanField(_l("An Terminumfragen erinnern, in denen ich noch nicht abgestimmt habe"))
    weekly_digest = BooleanField(_l("Montags eine Übersicht meiner Termine der nächsten zwei Wochen erhalten"))
    submit = SubmitField(_l("Speichern"))

    def validate_reminder_days(self, field) -> None:
        if any(value not in {str(d) for d in DAY_CHOICES} for value in field.data or []):
            raise ValidationError(_l("Bitte nur die angebotenen Zeitpunkte wählen."))
