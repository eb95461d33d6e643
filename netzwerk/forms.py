"""The base form every form of the app derives from."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import EmailField, Form, IntegerField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

# Control characters other than tab and line breaks; NUL in particular would crash PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field) -> None:
    """Stops the field's other checks, so no lookup ever sees such a value."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        field.errors[:] = []
        raise StopValidation(_l("Die Eingabe enthält unzulässige Steuerzeichen."))


PHONE_PATTERN = re.compile(r"[0-9 +()/\-.]*")
PHONE_MESSAGE = _l("Bitte nur Ziffern, Leerzeichen und + ( ) / - verwenden.")


def phone_number(form, field) -> None:
    if field.data and not PHONE_PATTERN.fullmatch(field.data):
        raise ValidationError(PHONE_MESSAGE)


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class CleanText:
    """Form meta: every text field refuses control characters; all but passwords lose surrounding blanks."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField):
            validators = options.get("validators", unbound_field.kwargs.get("validators")) or ()
            options["validators"] = [no_control_characters, *validators]
            if not issubclass(field_class, PasswordField):
                filters = options.get("filters", unbound_field.kwargs.get("filters")) or ()
                options["filters"] = [strip_text, *filters]
        return unbound_field.bind(form=form, **options)


class BaseForm(FlaskForm):
    """Every text field refuses control characters; all but passwords lose surrounding blanks."""

    class Meta(CleanText):
        pass


class RowForm(Form):
    """One repeated row inside a BaseForm (FieldList of FormField): same text rules, the outer form's CSRF,
    WTForms' own messages in the user's language like FlaskForm."""

    class Meta(CleanText):
        def get_translations(self, form):
            return wtforms_translations


class MultiSelectField(SelectMultipleField):
    """Several choices; a value not offered gets a German message (WTForms' own is not translated)."""

    def pre_validate(self, form) -> None:
        offered = {self.coerce(choice[0]) for choice in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Bitte wählen Sie nur aus den angebotenen Einträgen."))


class MultiCheckboxField(MultiSelectField):
    """A list of checkboxes (several choices), rendered as a fieldset by render_field."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def email_field(label, **kwargs) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(_l("Bitte geben Sie eine E-Mail-Adresse ein.")),
            Length(max=254, message=_l("Die E-Mail-Adresse darf höchstens %(max)d Zeichen lang sein.")),
            Email(_l("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")),
        ],
        **kwargs,
    )


class VersionedForm(BaseForm):
    """A form for a record with a ``version`` column: a save based on an older version is refused."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])  # empty on a create form

    def is_stale(self, obj) -> bool:
        """True (with a message) if someone saved since this form was opened. The form then carries the
        current version, so saving again after checking is deliberate, not another dead end."""
        if self.version.data != obj.version:
            self.version.data, self.version.raw_data = obj.version, [str(obj.version)]  # rendered from raw_data
            self.form_errors.append(
                _l(
                    "Dieser Datensatz wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind unten "
                    "erhalten; bitte prüfen Sie die aktuelle Fassung (neu laden) und speichern Sie erneut."
                )
            )
            return True
        return False


MAX_PAGE = 10_000


def page_number() -> int:
    """``?page=`` as a sane number: junk gives page 1, huge values are capped (no out-of-range OFFSET)."""
    from flask import request

    value = request.args.get("page", "")
    if value.isascii() and value.isdigit() and len(value) <= 5:
        return max(1, min(int(value), MAX_PAGE))
    return 1


def too_long(n: int) -> Length:
    return Length(max=n, message=_l("Höchstens %(max)d Zeichen."))


def small_int(value: str | int | None) -> int | None:
    """A form or query value as a non-negative int, or None: junk, "²" or a 5,000-digit number is not an error."""
    value = str(value) if value is not None else ""
    return int(value) if value.isascii() and value.isdecimal() and len(value) < 10 else None


def int_arg(name: str) -> int | None:
    from flask import request

    return small_int(request.args.get(name))


def date_arg(name: str) -> tuple[date | None, bool]:
    """``?name=YYYY-MM-DD`` (what a date input sends) as (date, ok); junk gives (None, False), empty (None, True)."""
    from flask import request

    value = request.args.get(name, "").strip()
    if not value:
        return None, True
    try:
        return (date.fromisoformat(value), True) if len(value) == 10 else (None, False)
    except ValueError:
        return None, False


def query_text(name: str, max_length: int = 100) -> str:
    """A search or filter value from the query string, trimmed and without control characters."""
    from flask import request

    return CONTROL_CHARACTERS.sub("", request.args.get(name, "")).strip()[:max_length]


def form_status(form) -> int:
    """422 when a submitted form is shown again with errors, else 200."""
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
