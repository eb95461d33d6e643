from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
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
    submit = SubmitField(_l("Speichern"))
