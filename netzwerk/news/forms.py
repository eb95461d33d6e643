from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateTimeLocalField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional

from netzwerk.forms import VersionedForm, too_long


class NewsForm(VersionedForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel ein.")), too_long(200)])
    summary = TextAreaField(
        _l("Kurzfassung (freiwillig)"),
        validators=[Optional(), too_long(500)],
        description=_l("Zwei, drei Sätze für die Übersicht und den Feed."),
    )
    body = TextAreaField(
        _l("Text"),
        validators=[DataRequired(_l("Bitte schreiben Sie den Text.")), too_long(50000)],
        description=_l(
            "Markdown: Absätze mit Leerzeile, Überschriften mit „##“, Listen mit „-“, Links als [Text](https://…)."
        ),
    )
    is_press_release = BooleanField(_l("Pressemitteilung"))
    publish = BooleanField(_l("Veröffentlichen (sonst bleibt es ein Entwurf)"))
    publish_at = DateTimeLocalField(
        _l("Veröffentlichen am (freiwillig)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Leer: sofort. Ein späterer Zeitpunkt plant die Veröffentlichung."),
    )
    submit = SubmitField(_l("Speichern"))
