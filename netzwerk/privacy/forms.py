from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from netzwerk.forms import BaseForm, MultiCheckboxField, too_long


class NoticeForm(BaseForm):
    acknowledged = BooleanField(
        _l("Ich habe die Datenschutzerklärung und die Übersicht, was gespeichert wird, zur Kenntnis genommen."),
        validators=[DataRequired(_l("Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben."))],
    )
    share_contact_details = BooleanField(
        _l("Ich willige ein, dass andere Mitglieder meine E-Mail-Adresse und Telefonnummer sehen (freiwillig)."),
        description=_l(
            "Ohne Einwilligung sehen andere Mitglieder nur Ihren Namen und Ihre Organisation. Sie können "
            "die Einwilligung jederzeit in Ihrem Profil widerrufen."
        ),
    )
    submit = SubmitField(_l("Bestätigen und weiter"))


class DeletionRequestForm(BaseForm):
    message = TextAreaField(
        _l("Nachricht an das Regionalmanagement (freiwillig)"), validators=[Optional(), too_long(2000)]
    )
    confirm = BooleanField(
        _l("Ja, ich beantrage die Löschung meines Kontos und meiner persönlichen Daten."),
        validators=[DataRequired(_l("Bitte bestätigen Sie den Löschantrag."))],
    )
    submit = SubmitField(_l("Löschantrag stellen"))


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("Ja, diese Person und ihre persönlichen Daten endgültig löschen."),
        validators=[DataRequired(_l("Bitte bestätigen Sie die Löschung."))],
    )
    submit = SubmitField(_l("Endgültig löschen"))


class DeclineForm(BaseForm):
    reason = TextAreaField(
        _l("Begründung (die Person erhält sie per E-Mail)"),
        validators=[DataRequired(_l("Bitte geben Sie eine Begründung an.")), too_long(2000)],
    )
    submit = SubmitField(_l("Löschantrag ablehnen"))


class RetentionForm(BaseForm):
    user_ids = MultiCheckboxField(_l("Zu löschende Konten"), coerce=int)
    submit = SubmitField(_l("Ausgewählte Konten löschen"))

    def validate_user_ids(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Bitte wählen Sie mindestens ein Konto aus."))


class ContactEraseForm(BaseForm):
    reason = StringField(
        _l("Anlass der Löschung"),
        validators=[DataRequired(_l("Bitte geben Sie den Anlass an.")), too_long(300)],
        description=_l(
            "Steht im Änderungsprotokoll. Bitte ohne Namen oder Kontaktdaten der Person, z. B. "
            "„Löschbitte per E-Mail vom 3. Dezember“."
        ),
    )
    submit = SubmitField(_l("Ansprechperson löschen"))
