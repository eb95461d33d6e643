from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from netzwerk.actors.models import ActorKind, FoerlaField
from netzwerk.forms import (
    BaseForm,
    MultiCheckboxField,
    VersionedForm,
    email_address,
    german_postal_code,
    phone_number,
    too_long,
    web_address,
)


class ContactForm(BaseForm):
    class Meta:
        csrf = False  # part of the actor form, which carries the token

    id = HiddenField()
    name = StringField(_l("Name"), validators=[Optional(), too_long(120)])
    function = StringField(_l("Funktion"), validators=[Optional(), too_long(120)])
    email = EmailField(_l("E-Mail"), validators=[Optional(), too_long(254), email_address])
    phone = StringField(_l("Telefon"), validators=[Optional(), too_long(40), phone_number])


MANAGER_SOURCE = "Eingabe Regionalmanagement"


class ManagerContactForm(ContactForm):
    """A contact row in the manager's actor form: with where the data came from (Art. 14 DSGVO)."""

    source = StringField(
        _l("Herkunft der Daten"),
        validators=[Optional(), too_long(200)],
        default=MANAGER_SOURCE,
        description=_l("Woher die Angaben stammen, z. B. „Visitenkarte Messe 2026“ oder „Eingabe Regionalmanagement“."),
    )


class ContactRows:
    """For forms with a list of contact rows (``contacts``): empty rows are ignored, a filled one needs a name."""

    def contact_rows(self):
        """The filled-in contact rows."""
        return [
            row for row in self.contacts if any((row.form[n].data or "").strip() for n in ("name", "email", "phone"))
        ]

    def validate_contacts(self, field) -> None:
        nameless = [row for row in self.contact_rows() if not (row.form.name.data or "").strip()]
        for row in nameless:
            row.form.name.errors.append(_l("Bitte einen Namen angeben."))
        if nameless:
            raise ValidationError(_l("Jede Ansprechperson braucht einen Namen."))


class ActorForm(ContactRows, VersionedForm):
    name = StringField(
        _l("Name der Organisation"),
        validators=[DataRequired(_l("Bitte geben Sie den Namen der Organisation ein.")), too_long(200)],
    )
    kind = SelectField(_l("Art"), choices=ActorKind.choices())
    municipality_id = SelectField(_l("Gemeinde"), coerce=str, validate_choice=True)
    street = StringField(_l("Straße und Hausnummer"), validators=[Optional(), too_long(200)])
    postal_code = StringField(_l("PLZ"), validators=[Optional(), german_postal_code])
    website = StringField(
        _l("Website"),
        validators=[Optional(), web_address, too_long(300)],
        description=_l("z. B. www.beispiel.de; https:// wird ergänzt, wenn es fehlt."),
    )
    email = EmailField(_l("E-Mail"), validators=[Optional(), too_long(254), email_address])
    phone = StringField(_l("Telefon"), validators=[Optional(), too_long(40), phone_number])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), too_long(5000)])
    sectors = StringField(
        _l("Branchen und Themen"),
        validators=[Optional(), too_long(500)],
        description=_l("Mehrere durch Komma trennen, z. B. „Künstliche Intelligenz, Logistik“."),
        render_kw={"list": "branchen-vorschlaege"},
    )
    fields_of_action = MultiCheckboxField(_l("Handlungsfelder"), coerce=int)
    is_public = BooleanField(
        _l("Öffentlich sichtbar"),
        description=_l(
            "Name, Art, Gemeinde, Website, Beschreibung, Branchen und Handlungsfelder erscheinen im öffentlichen "
            "Verzeichnis; Adresse, Ansprechpersonen und Kontaktdaten nie."
        ),
    )
    contacts = FieldList(FormField(ManagerContactForm), label=_l("Ansprechpersonen"), min_entries=1)
    confirm_duplicate = BooleanField(_l("Trotzdem neu anlegen"))
    submit = SubmitField(_l("Speichern"))

    def set_choices(self, municipalities, fields_of_action) -> None:
        self.municipality_id.choices = [SelectChoice("", _l("– keine Angabe –"))] + [
            SelectChoice(str(m.id), f"{m.name} ({m.area_label})") for m in municipalities
        ]
        self.fields_of_action.choices = [SelectChoice(f.id, f.name) for f in fields_of_action]

    def validate_contacts(self, field) -> None:
        super().validate_contacts(field)
        sourceless = [row for row in self.contact_rows() if row.form.source.raw_data and not row.form.source.data]
        for row in sourceless:
            row.form.source.errors.append(_l("Bitte angeben, woher die Daten stammen."))
        if sourceless:
            raise ValidationError(_l("Bei jeder Ansprechperson ist die Herkunft der Daten anzugeben (Art. 14 DSGVO)."))


class FieldOfActionForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte einen Namen angeben.")), too_long(150)])
    short_name = StringField(_l("Kurzname"), validators=[Optional(), too_long(60)])
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), too_long(2000)])
    is_cross_cutting = BooleanField(_l("Querschnittsthema"))
    foerla_field = SelectField(
        _l("Handlungsfeld der Förderrichtlinie (FöRLa)"),
        choices=[SelectChoice("", _l("– keines –"))] + FoerlaField.choices(),
    )
    submit = SubmitField(_l("Speichern"))


class DeleteForm(BaseForm):
    submit = SubmitField(_l("Endgültig löschen"))


class ImportUploadForm(BaseForm):
    file = FileField(
        _l("Datei (CSV oder Excel)"),
        validators=[
            FileRequired(_l("Bitte wählen Sie eine Datei aus.")),
            FileAllowed(["csv", "txt", "xlsx"], _l("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen.")),
        ],
        description=_l(
            "CSV in UTF-8 oder wie Excel sie speichert (Semikolon, Windows-1252), oder .xlsx. Die erste "
            "Zeile enthält die Spaltennamen."
        ),
    )
    submit = SubmitField(_l("Hochladen und prüfen"))


class ImportConfirmForm(BaseForm):
    """Carries the CSRF token; the column choices are read from the request by the view."""
