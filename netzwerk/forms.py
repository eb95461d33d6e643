"""The base form every form of the app derives from."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput

# Control characters other than tab and line breaks; NUL in particular would crash PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Die Eingabe enthält unzulässige Steuerzeichen."))


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, StringField):
                options["validators"] = [no_control_characters, *options.get("validators", ())]
            return unbound_field.bind(form=form, **options)


class VersionedForm(BaseForm):
    """A form for a record with a ``version`` column: a save based on an older version is refused."""

    version = IntegerField(widget=HiddenInput())

    def is_stale(self, obj) -> bool:
        if self.version.data != obj.version:
            self.form_errors.append(
                _l(
                    "Dieser Datensatz wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind unten "
                    "erhalten; bitte prüfen Sie die aktuelle Fassung (neu laden) und speichern Sie erneut."
                )
            )
            return True
        return False


def query_text(name: str, max_length: int = 100) -> str:
    """A search or filter value from the query string, trimmed and without control characters."""
    from flask import request

    return CONTROL_CHARACTERS.sub("", request.args.get(name, "")).strip()[:max_length]


def form_status(form) -> int:
    """422 when a submitted form is shown again with errors, else 200."""
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
