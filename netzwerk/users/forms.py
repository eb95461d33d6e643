from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from netzwerk.auth.models import AccountStatus, Role
from netzwerk.auth.services import find_user_by_email
from netzwerk.forms import BaseForm, VersionedForm, email_field, phone_number

LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]


def role_choices():
    return Role.choices()


def name_field() -> StringField:
    return StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Bitte geben Sie einen Namen ein.")),
            Length(max=120, message=_l("Der Name darf höchstens %(max)d Zeichen lang sein.")),
        ],
        render_kw={"autocomplete": "name"},
    )


def organisation_field() -> StringField:
    return StringField(
        _l("Organisation"),
        validators=[Length(max=200, message=_l("Die Organisation darf höchstens %(max)d Zeichen lang sein."))],
        render_kw={"autocomplete": "organization"},
    )


class InviteForm(BaseForm):
    name = name_field()
    email = email_field(_l("E-Mail-Adresse"))
    role = RadioField(_l("Rolle"), choices=role_choices, default=Role.MEMBER.value)
    organisation = organisation_field()
    submit = SubmitField(_l("Einladung senden"))

    def validate_email(self, field) -> None:
        if not field.errors and find_user_by_email(field.data) is not None:
            raise ValidationError(_l("Für diese E-Mail-Adresse gibt es bereits ein Konto."))


class UserEditForm(VersionedForm):
    name = name_field()
    role = RadioField(_l("Rolle"), choices=role_choices)
    organisation = organisation_field()
    partnership_id = SelectField(
        _l("Partnerorganisation"),
        coerce=lambda value: "" if value is None else str(value),
        validate_choice=False,  # not sent by older forms: no organisation
        description=_l("Nur für Partnerkonten: die eine Organisation, deren Profil die Person pflegt."),
    )
    active = BooleanField(_l("Konto ist aktiv (abwählen, um den Zugang zu sperren)"))
    submit = SubmitField(_l("Speichern"))

    def __init__(self, user, *args, partnerships=(), partnership_id=None, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self.user = user
        self.partnership_id.choices = [SelectChoice("", _l("– keine –"))] + [
            SelectChoice(str(p.id), p.actor.name) for p in partnerships
        ]
        if not self.is_submitted():
            self.active.data = user.status != AccountStatus.DEACTIVATED
            self.partnership_id.data = str(partnership_id or "")

    def validate_partnership_id(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Bitte wählen Sie eine Partnerorganisation aus der Liste."))
        if field.data and self.role.data != Role.PARTNER:
            raise ValidationError(_l("Nur Partnerkonten gehören zu einer Partnerorganisation."))


class ProfileForm(VersionedForm):
    name = name_field()
    phone = TelField(
        _l("Telefon"),
        validators=[
            Optional(),
            Length(max=40, message=_l("Die Telefonnummer darf höchstens %(max)d Zeichen lang sein.")),
            phone_number,
        ],
        render_kw={"autocomplete": "tel"},
    )
    organisation = organisation_field()
    language = SelectField(_l("Sprache der Oberfläche und der E-Mails"), choices=LANGUAGE_CHOICES)
    notify_by_email = BooleanField(
        _l("Erinnerungen und Rundmails per E-Mail erhalten"),
        description=_l("Einladungen zu Sitzungen und Links zum Zurücksetzen des Passworts kommen immer."),
    )
    share_contact_details = BooleanField(
        _l("Meine E-Mail-Adresse und Telefonnummer anderen Mitgliedern zeigen"),
        description=_l("Ohne Ihre Zustimmung sehen andere Mitglieder nur Ihren Namen und Ihre Organisation."),
    )
    submit = SubmitField(_l("Profil speichern"))
