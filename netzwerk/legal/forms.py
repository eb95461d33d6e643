from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from netzwerk.forms import BaseForm, VersionedForm, email_address, too_long


class PageForm(VersionedForm):
    title = StringField(
        _l("Überschrift"), validators=[DataRequired(_l("Bitte geben Sie eine Überschrift ein.")), too_long(200)]
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(_l("Bitte schreiben Sie den Text.")), too_long(100000)],
        description=_l("Markdown: Überschriften mit „##“, Listen mit „-“, Links als [Text](https://…)."),
    )
    submit = SubmitField(_l("Speichern"))


class FeedbackForm(BaseForm):
    """Report a barrier (BITV 2.0 § 4): anonymous if wished; an address only if an answer is wanted."""

    message = TextAreaField(
        _l("Welche Barriere haben Sie bemerkt?"),
        validators=[DataRequired(_l("Bitte beschreiben Sie die Barriere.")), too_long(5000)],
    )
    page = StringField(_l("Auf welcher Seite? (freiwillig)"), validators=[Optional(), too_long(300)])
    name = StringField(_l("Ihr Name (freiwillig)"), validators=[Optional(), too_long(120)])
    email = EmailField(
        _l("Ihre E-Mail-Adresse für eine Antwort (freiwillig)"),
        validators=[Optional(), too_long(254), email_address],
    )
    submit = SubmitField(_l("Rückmeldung senden"))
