"""The base form every form of the app derives from."""

import re
from collections.abc import Callable
from datetime import date, datetime

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import (
    DateTimeField,
    EmailField,
    FieldList,
    Form,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from netzwerk import clock, validation
from netzwerk.errors import Conflict
from netzwerk.extensions import db

# Control characters other than tab and line breaks; NUL in particular would crash PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form, field) -> None:
    """Stops the field's other checks, so no lookup ever sees such a value."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        field.errors[:] = []
        raise StopValidation(_l("Die Eingabe enthält unzulässige Steuerzeichen."))


def rule_validator(rule):
    """A WTForms validator from a rule of netzwerk/validation.py: a filled-in field gets the rule's
    normalised value (what is saved), or the rule's German reason as its error. Put a length check after it:
    it then measures the value as saved."""

    def validate(form, field) -> None:
        if field.data:
            try:
                field.data = rule(field.data)
            except validation.Invalid as error:
                raise ValidationError(error.reason) from error

    validate.__name__ = rule.__name__
    return validate


german_postal_code = rule_validator(validation.postal_code)
web_address = rule_validator(validation.website)
email_address = rule_validator(validation.email)
phone_number = rule_validator(validation.phone)


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


FIRST_YEAR = 2000
YEARS_AHEAD = 10


def last_allowed_year() -> int:
    return clock.today().year + YEARS_AHEAD


def in_date_range(day: date) -> bool:
    """Dates the app can store, shift between time zones and show: from 2000 to ten years ahead."""
    return FIRST_YEAR <= day.year <= last_allowed_year()


def date_in_range(form, field) -> None:
    """Stops the field's other checks (and clears its value, so no other check computes with it): year 1 or
    9999 would overflow when converted to UTC."""
    if isinstance(field.data, date | datetime) and not in_date_range(field.data):
        field.data = None
        field.errors[:] = []
        raise StopValidation(
            _l("Bitte ein Datum zwischen %(first)d und %(last)d angeben.", first=FIRST_YEAR, last=last_allowed_year())
        )


class CleanText:
    """Form meta: every text field refuses control characters; all but passwords lose surrounding blanks;
    every date field refuses years outside FIRST_YEAR … YEARS_AHEAD from now."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, DateTimeField) and not issubclass(field_class, TimeField):
            validators = options.get("validators", unbound_field.kwargs.get("validators")) or ()
            options["validators"] = [date_in_range, *validators]
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
        def wrap_formdata(self, form, formdata):
            """Only form fields: Flask-WTF would also read a JSON body, whose numbers and lists no field expects."""
            wrapped = super().wrap_formdata(form, formdata)
            return None if wrapped is not None and formdata is _Auto and request.is_json else wrapped


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
            email_address,
        ],
        **kwargs,
    )


INCOMPLETE_FORM = _l(
    "Das Formular ist unvollständig angekommen; es wurde nichts gespeichert. Bitte laden Sie die Seite neu "
    "und speichern Sie erneut."
)


class VersionedForm(BaseForm):
    """A form for a record with a ``version`` column: a save based on an older version is refused.

    The posted version is also the proof that the whole form was sent: the page always renders it, so a
    browser always sends it. Only then may an absent checkbox or list mean "none chosen"; a POST without it
    (a script, a cut-off request) would otherwise empty every list and flag of the record."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])  # empty on a create form

    def is_complete(self) -> bool:
        """The version was posted, and every list of rows the page renders (min_entries) sent at least one."""
        if not self.version.raw_data or not self.version.raw_data[0].strip():
            return False
        return all(
            any(key.startswith(f"{field.name}-") for key in request.form)
            for field in self
            if isinstance(field, FieldList) and field.min_entries
        )

    def validate(self, extra_validators=None) -> bool:
        """An edit form (built from a record) that arrived incomplete is named first, whatever else is wrong."""
        valid = super().validate(extra_validators)
        if self.version.object_data is not None and not self.is_complete():
            self.refuse_incomplete(self.version.object_data)
            return False
        return valid

    def refuse_incomplete(self, current_version: int) -> None:
        self.version.data, self.version.raw_data = current_version, [str(current_version)]
        if INCOMPLETE_FORM not in self.form_errors:
            self.form_errors.append(INCOMPLETE_FORM)

    def is_stale(self, obj) -> bool:
        """True (with a message) if the POST is incomplete (nothing is saved) or someone saved since this form
        was opened. The form then carries the current version, so saving again after checking is deliberate,
        not another dead end."""
        if not self.is_complete():
            self.refuse_incomplete(obj.version)
            return True
        if self.version.data != obj.version:
            self.show_conflict(obj.version)
            return True
        return False

    def show_conflict(self, current_version: int) -> None:
        self.version.data, self.version.raw_data = current_version, [str(current_version)]  # rendered from raw_data
        if CONFLICT not in self.form_errors:
            self.form_errors.append(CONFLICT)

    def crossed(self, obj) -> None:
        """Another save of the same record committed between this request's check and its UPDATE (the
        version column refused it: StaleDataError). Rolled back; the form keeps what was typed and names the
        conflict, as is_stale does; ``form_status`` answers 409."""

        db.session.rollback()
        self.crossed_save = True
        self.show_conflict(obj.version)  # read again after the rollback: the version now stored

    def saved(self, obj, save: Callable[[], object]) -> bool:
        """The edit form's whole round: submitted, valid, not stale, and ``save()`` (a service ending with
        ``unit_of_work.flush()``) went through. A save that crossed another one (its ``Conflict``) is rolled back
        and named on the form, which keeps what was typed."""
        if not self.validate_on_submit() or self.is_stale(obj):
            return False
        try:
            save()
        except Conflict as conflict:
            if type(conflict) is not Conflict:
                raise  # a more particular refusal (a taken name) is the view's to show
            self.crossed(obj)
            return False
        return True


CONFLICT = _l(
    "Dieser Datensatz wurde inzwischen von jemand anderem geändert. Ihre Eingaben sind unten "
    "erhalten; bitte prüfen Sie die aktuelle Fassung (neu laden) und speichern Sie erneut."
)


MAX_PAGE = 10_000


def page_number(name: str = "page") -> int:
    """``?page=`` (or ``?<name>=``) as a sane number: junk gives page 1, huge values are capped (no
    out-of-range OFFSET)."""
    value = request.args.get(name, "")
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
    return small_int(request.args.get(name))


def date_arg(name: str) -> tuple[date | None, bool]:
    """``?name=YYYY-MM-DD`` (what a date input sends) as (date, ok); junk gives (None, False), empty (None, True)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None, True
    try:
        day = date.fromisoformat(value) if len(value) == 10 and value.isascii() else None
    except ValueError:
        return None, False
    return (day, True) if day and in_date_range(day) else (None, False)


def query_text(name: str, max_length: int = 100) -> str:
    """A search or filter value from the query string, trimmed and without control characters."""
    return CONTROL_CHARACTERS.sub("", request.args.get(name, "")).strip()[:max_length]


def form_status(form) -> int:
    """409 after a crossed save, 422 when a submitted form is shown again with errors, else 200."""
    if getattr(form, "crossed_save", False):
        return 409
    return 422 if form.is_submitted() and (form.errors or form.form_errors) else 200
