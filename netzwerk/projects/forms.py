from flask import url_for
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from netzwerk.actors.picker import ActorsField
from netzwerk.forms import MultiCheckboxField, RowForm, VersionedForm, too_long
from netzwerk.projects.models import ProjectLead, ProjectStatus


class MilestoneRow(RowForm):
    title = StringField(_l("Meilenstein"), validators=[too_long(300)])  # not Optional(): see validate_title
    due_on = DateField(_l("bis"), validators=[Optional()])
    done = BooleanField(_l("erreicht"))

    def validate_title(self, field) -> None:
        if not field.data and self.due_on.data:
            raise ValidationError(_l("Bitte benennen Sie den Meilenstein."))


class ProjectForm(VersionedForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Bitte geben Sie einen Titel ein.")), too_long(200)])
    field_of_action_id = SelectField(_l("Handlungsfeld"), coerce=str)
    status = SelectField(_l("Stand"), choices=ProjectStatus.choices())
    lead = SelectField(_l("Federführung"), choices=ProjectLead.choices())
    description = TextAreaField(_l("Beschreibung"), validators=[Optional(), too_long(10000)])
    synergies = TextAreaField(
        _l("Synergien und Abstimmung"),
        validators=[Optional(), too_long(10000)],
        description=_l("Was Stadt und Landkreis gemeinsam planen und wo sie voneinander profitieren."),
    )
    group_ids = MultiCheckboxField(_l("Beteiligte Arbeitskreise"), coerce=int)
    actor_ids = ActorsField(
        _l("Beteiligte Akteure und Partner"),
        description=_l(
            "Angehakt: beteiligt (Haken entfernen zum Streichen). Einen weiteren Akteur beim Namen eingeben."
        ),
        suggest_url=lambda: url_for("actors.suggest"),
    )
    milestones = FieldList(FormField(MilestoneRow), label=_l("Meilensteine"))
    is_public = BooleanField(_l("Öffentlich sichtbar"))
    submit = SubmitField(_l("Speichern"))

    def set_choices(self, fields, groups) -> None:
        self.field_of_action_id.choices = [SelectChoice("", _l("– keines –"))] + [
            SelectChoice(str(f.id), f.name) for f in fields
        ]
        self.group_ids.choices = [SelectChoice(g.id, g.name) for g in groups]
