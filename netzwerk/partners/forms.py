from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, FieldList, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from netzwerk.actors.forms import ContactForm, ContactRows, MultiCheckboxField
from netzwerk.actors.picker import ActorField
from netzwerk.forms import BaseForm, VersionedForm, german_postal_code, too_long, web_address
from netzwerk.partners.models import PartnerStatus, PartnerType, ProfileField
from netzwerk.partners.services.partnerships import without_partnership


def date_field(label, required: bool = False, **kwargs) -> DateField:
    first = DataRequired(_l("Bitte geben Sie ein Datum an.")) if required else Optional()
    return DateField(label, validators=[first], format="%Y-%m-%d", **kwargs)


class PartnershipForm(VersionedForm):
    actor_id = ActorField(  # only on the create form
        _l("Akteur"),
        description=_l("Name des Akteurs, der Partnerorganisation wird (noch ohne Partnerschaft)."),
        suggest_url=lambda: url_for("partners.suggest_actor"),
        scope=without_partnership,
        required_message=_l("Bitte wählen Sie den Akteur."),
    )
    type = SelectField(_l("Art der Partnerschaft"), choices=PartnerType.choices())
    since = date_field(_l("Partner seit"))
    contact_user_id = SelectField(_l("Ansprechperson im Regionalmanagement"), coerce=str)
    status = SelectField(_l("Status"), choices=PartnerStatus.choices())
    submit = SubmitField(_l("Speichern"))

    def set_choices(self, managers, creating: bool) -> None:
        if not creating:
            del self.actor_id
        self.contact_user_id.choices = [SelectChoice("", _l("– niemand –"))] + [
            SelectChoice(str(u.id), u.name) for u in managers
        ]


class LinkForm(BaseForm):
    """A cooperation with a working group (a select: groups are few) or with an actor (typed: the registry
    has thousands, see ActorField)."""

    group_id = SelectField(_l("mit einem Arbeitskreis"), coerce=str)
    actor = ActorField(
        _l("oder mit einem Akteur"),
        description=_l("Name des Akteurs; leer lassen, wenn die Kooperation einem Arbeitskreis gilt."),
        suggest_url=lambda: url_for("actors.suggest"),
    )
    about = StringField(
        _l("Worum geht es?"),
        validators=[DataRequired(_l("Bitte beschreiben Sie kurz, worum es in der Kooperation geht.")), too_long(300)],
    )
    since = date_field(_l("Seit"), required=True)
    submit = SubmitField(_l("Kooperation anlegen"))

    def set_choices(self, groups, actor_scope) -> None:
        self.group_id.choices = [SelectChoice("", _l("– keiner –"))] + [SelectChoice(str(g.id), g.name) for g in groups]
        self.actor._scope = actor_scope

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and bool(self.group_id.data) == bool(self.actor.data):
            self.group_id.errors = [_l("Bitte wählen Sie entweder einen Arbeitskreis oder einen Akteur.")]
            return False
        return valid


class EndLinkForm(BaseForm):
    """Carries the CSRF token of the "end" button."""


def public_field_choices():
    return ProfileField.choices()


class ProfileForm(ContactRows, VersionedForm):
    """A partner user's own organisation. There is deliberately no field naming the organisation: the
    server takes it from the signed-in user."""

    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), too_long(5000)])
    offers = TextAreaField(
        _l("Angebote und Themen"),
        validators=[Optional(), too_long(5000)],
        description=_l("Was Ihre Organisation der Region anbietet und woran sie arbeitet."),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), web_address, too_long(300)],
        description=_l("z. B. www.beispiel.de; https:// wird ergänzt, wenn es fehlt."),
    )
    street = StringField(_l("Straße und Hausnummer"), validators=[Optional(), too_long(200)])
    postal_code = StringField(_l("PLZ"), validators=[Optional(), german_postal_code])
    logo = FileField(
        _l("Logo (PNG oder JPEG, höchstens 2 MB und 4000 × 4000 Pixel)"),
        description=_l("Das Bild wird neu gespeichert; Metadaten wie Kamera- oder Ortsangaben werden entfernt."),
    )
    remove_logo = BooleanField(_l("Bisheriges Logo entfernen"))
    public_fields = MultiCheckboxField(
        _l("Öffentlich sichtbar"),
        choices=public_field_choices,
        description=_l(
            "Angehakte Angaben sehen alle Besucherinnen und Besucher; die übrigen nur das Regionalmanagement und "
            "die Mitglieder des Netzwerks. Ansprechpersonen sind nie öffentlich."
        ),
    )
    contacts = FieldList(FormField(ContactForm), label=_l("Ansprechpersonen"), min_entries=1)
    submit = SubmitField(_l("Profil speichern"))


class UndoForm(BaseForm):
    """Carries the CSRF token of the undo button."""


class RequestUpdateForm(BaseForm):
    """Carries the CSRF token of the "request an update" button."""
