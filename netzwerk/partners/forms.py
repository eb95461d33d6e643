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
    target = SelectField(
        _l("Verknüpft mit"),
        coerce=str,
        validators=[DataRequired(_l("Bitte wählen Sie einen Arbeitskreis oder Akteur."))],
    )
    about = StringField(
        _l("Worum geht es?"),
        validators=[DataRequired(_l("Bitte beschreiben Sie kurz, worum es in der Kooperation geht.")), too_long(300)],
    )
    since = date_field(_l("Seit"), required=True)
    submit = SubmitField(_l("Kooperation anlegen"))

    def set_choices(self, groups, actors) -> None:
        self.target.choices = [SelectChoice("", _l("– bitte wählen –"))]
        self.target.choices += [SelectChoice(f"g{g.id}", g.name, render_kw=None) for g in groups]
        self.target.choices += [SelectChoice(f"a{a.id}", a.name) for a in actors]


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
