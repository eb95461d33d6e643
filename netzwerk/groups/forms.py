from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from netzwerk.actors.picker import ActorField
from netzwerk.auth.services import find_user_by_email
from netzwerk.forms import BaseForm, VersionedForm, email_field, too_long
from netzwerk.groups.models import MemberRole


def role_choices():
    return MemberRole.choices()


class GroupForm(VersionedForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte geben Sie einen Namen ein.")), too_long(150)])
    short_name = StringField(
        _l("Kurzname"), validators=[Optional(), too_long(30)], description=_l("z. B. „AK Fachkräfte“")
    )
    field_of_action_id = SelectField(_l("Handlungsfeld"), coerce=str)
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), too_long(5000)])
    goals = TextAreaField(_l("Ziele"), validators=[Optional(), too_long(5000)])
    is_public = BooleanField(
        _l("Öffentlich"),
        description=_l(
            "Besucherinnen und Besucher sehen Name, Beschreibung und Handlungsfeld; alles andere bleibt intern."
        ),
    )
    partners_see_meetings = BooleanField(
        _l("Verknüpfte Partner sehen die Sitzungen"),
        description=_l(
            "Partnerorganisationen mit einer Kooperation zu diesem Arbeitskreis sehen Termine und Protokolle."
        ),
    )
    submit = SubmitField(_l("Speichern"))

    def set_choices(self, fields) -> None:
        self.field_of_action_id.choices = [SelectChoice("", _l("– keines –"))] + [
            SelectChoice(str(f.id), f.name) for f in fields
        ]


class AddMemberForm(BaseForm):
    """The page shows a name search; each result has its own button, which sends the person's id as user_id
    (the view checks that it is a candidate, so no list of all accounts and their addresses reaches the page).
    The represented actor is picked by name (ActorField), not from a select of the whole registry."""

    user_id = StringField(_l("Person"), validators=[DataRequired(_l("Bitte wählen Sie eine Person."))])
    role = SelectField(_l("Rolle im Arbeitskreis"), choices=role_choices, default="member")
    actor_id = ActorField(
        _l("vertritt (Akteur)"),
        description=_l("Name des Akteurs, z. B. „Stadtwerke“; leer lassen, wenn die Person niemanden vertritt."),
        suggest_url=lambda: url_for("actors.suggest"),
    )
    submit = SubmitField(_l("Hinzufügen"))


class RoleForm(BaseForm):
    role = SelectField(_l("Neue Rolle"), choices=role_choices)
    submit = SubmitField(_l("Rolle ändern"))


class InviteIntoGroupForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte geben Sie einen Namen ein.")), too_long(120)])
    email = email_field(_l("E-Mail-Adresse"))
    organisation = StringField(_l("Organisation"), validators=[Optional(), too_long(200)])
    role = SelectField(_l("Rolle im Arbeitskreis"), choices=role_choices, default="member")
    submit = SubmitField(_l("Einladen"))

    def validate_email(self, field) -> None:
        if not field.errors and find_user_by_email(field.data) is not None:
            raise ValidationError(
                _l("Für diese Adresse gibt es schon ein Konto; wählen Sie die Person oben unter „Person“ aus.")
            )


class JoinRequestForm(BaseForm):
    message = TextAreaField(_l("Nachricht an die Leitung (freiwillig)"), validators=[Optional(), too_long(2000)])
    submit = SubmitField(_l("Mitgliedschaft anfragen"))


class GroupMessageForm(BaseForm):
    subject = StringField(
        _l("Betreff"), validators=[DataRequired(_l("Bitte geben Sie einen Betreff ein.")), too_long(200)]
    )
    body = TextAreaField(
        _l("Nachricht"), validators=[DataRequired(_l("Bitte schreiben Sie eine Nachricht.")), too_long(20000)]
    )
    submit = SubmitField(_l("Rundmail senden"))


class JoinRequestDecisionForm(BaseForm):
    """Carries the CSRF token of the approve/decline buttons."""
