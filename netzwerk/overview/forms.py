from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from netzwerk.forms import VersionedForm, too_long


class OfficeSettingsForm(VersionedForm):
    office_name = StringField(
        _l("Name der Stelle"),
        validators=[DataRequired(_l("Bitte geben Sie den Namen der Stelle an.")), too_long(200)],
        description=_l("Steht auf dem Jahresbericht und auf jeder Teilnehmerliste."),
    )
    funding_notice = TextAreaField(
        _l("Fördervermerk"),
        validators=[DataRequired(_l("Bitte geben Sie den Fördervermerk an.")), too_long(2000)],
        description=_l("Der Hinweis auf die Förderung, den geförderte Veranstaltungen und Berichte tragen müssen."),
    )
    logo = FileField(
        _l("Logo (freiwillig)"),
        description=_l("PNG oder JPEG, höchstens 2 MB; steht auf dem Deckblatt des Jahresberichts."),
    )
    remove_logo = BooleanField(_l("Logo entfernen"))
    submit = SubmitField(_l("Speichern"))
