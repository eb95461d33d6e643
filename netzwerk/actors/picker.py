"""The actor picker: a search field in place of a select of every actor (20,000 options at Landshut ×10).

People type a name; with JavaScript the field suggests matching actors as they type (a ``<datalist>`` filled
from a suggestion URL, see static/js/app.js), without it the form is sent as typed. Either way the server
resolves the text: one match is taken, several are shown again as a choice, none is an error in German."""

from dataclasses import dataclass

from flask import jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import true
from sqlalchemy.orm import selectinload
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from netzwerk.actors.models import Actor
from netzwerk.actors.search import search_condition
from netzwerk.extensions import db
from netzwerk.forms import CONTROL_CHARACTERS

SUGGESTIONS = 10
MIN_LENGTH = 2


def label(actor: Actor) -> str:
    """What the picker shows and takes back: the name, and the municipality that tells namesakes apart."""
    return f"{actor.name} ({actor.municipality.name})" if actor.municipality else actor.name


def matching_actors(text: str, scope=None, limit: int = SUGGESTIONS) -> list[Actor]:
    """Actors (not archived, within ``scope``, a WHERE condition) whose texts start with the typed words."""
    condition = search_condition(text, include_contacts=False)
    if condition is None:
        return []
    query = (
        db.select(Actor)
        .where(Actor.archived_at.is_(None), scope if scope is not None else true(), condition)
        .options(selectinload(Actor.municipality))
        .order_by(Actor.name_key, Actor.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def suggestions(text: str, scope=None):
    """The JSON answer of a suggestion URL: the labels of the first matches."""
    found = matching_actors(text, scope) if len(text) >= MIN_LENGTH else []
    response = jsonify(vorschlaege=[label(actor) for actor in found])
    response.headers["Cache-Control"] = "private, no-store"
    return response


@dataclass
class Resolution:
    actor: Actor | None = None
    options: tuple[Actor, ...] = ()
    error: str = ""


def resolve(text: str, scope=None) -> Resolution:
    """The actor a typed text names: its exact label or name, else the only match; several are offered."""
    found = matching_actors(text, scope, limit=SUGGESTIONS + 1)
    typed = text.casefold()
    exact = [actor for actor in found if typed in (label(actor).casefold(), actor.name.casefold())]
    if len(exact) == 1:
        return Resolution(actor=exact[0])
    if len(found) == 1:
        return Resolution(actor=found[0])
    if not found:
        return Resolution(error=_("Kein Akteur gefunden, der zu „%(text)s“ passt.", text=text))
    error = _("Mehrere Akteure passen zu „%(text)s“: bitte wählen Sie einen aus.", text=text)
    if len(found) > SUGGESTIONS:
        error += " " + _("Es gibt weitere Treffer: geben Sie mehr vom Namen ein.")
    return Resolution(options=tuple(found[:SUGGESTIONS]), error=error)


class ActorPickerWidget:
    def __call__(self, field: "ActorField", **kwargs) -> Markup:
        list_id = f"{field.id}-vorschlaege"
        kwargs.setdefault("id", field.id)
        attributes = html_params(
            name=field.name,
            type="search",
            value=field.text,
            list=list_id,
            autocomplete="off",
            maxlength=200,
            data_picker=field.suggest_url,
            **kwargs,
        )
        html = [f"<input {attributes}>", f'<datalist id="{list_id}"></datalist>']
        if field.options:
            html.append(f'<fieldset class="fieldset picker__choice"><legend>{escape(_l("Treffer"))}</legend>')
            for n, actor in enumerate(field.options):
                option_id = f"{field.id}-wahl-{n}"
                radio = html_params(type="radio", name=field.choice_name, id=option_id, value=actor.id)
                html.append(
                    f'<div class="radio"><input {radio}> <label for="{option_id}">{escape(label(actor))}</label></div>'
                )
            html.append("</fieldset>")
        return Markup("".join(html))  # noqa: S704 (every value above is escaped)


class ActorField(Field):
    """A form field whose ``data`` is the chosen actor's id (or None when left empty and optional).

    ``scope``: a callable returning a WHERE condition on Actor (which actors may be chosen, evaluated per
    request); ``suggest_url``: a callable returning the URL that answers ``?q=`` with suggestions."""

    widget = ActorPickerWidget()

    def __init__(self, label=None, validators=None, *, suggest_url, scope=None, required_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._suggest_url, self._scope = suggest_url, scope
        self.required_message = required_message
        self.text, self.options, self.chosen_id = "", (), None

    @property
    def suggest_url(self) -> str:
        return self._suggest_url()

    @property
    def choice_name(self) -> str:
        return f"{self.name}-wahl"

    def scope(self):
        return self._scope() if self._scope else None

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            chosen = formdata.get(self.choice_name, "")
            self.chosen_id = int(chosen) if chosen.isdigit() and len(chosen) < 12 else None

    def process_data(self, value) -> None:
        """An actor given as the field's value (an edit form) is shown by its label."""
        self.data = value.id if isinstance(value, Actor) else None
        self.text = label(value) if isinstance(value, Actor) else ""

    def process_formdata(self, valuelist) -> None:
        self.text = (valuelist[0] if valuelist else "").strip()[:200]
        self.data = None

    def pre_validate(self, form) -> None:
        if CONTROL_CHARACTERS.search(self.text):
            raise StopValidation(_l("Die Eingabe enthält unzulässige Steuerzeichen."))
        if self.chosen_id is not None:
            self.data = self._chosen()
            if self.data is not None:
                return
        if not self.text:
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        found = resolve(self.text, self.scope())
        if found.actor is None:
            self.options = found.options
            raise StopValidation(found.error)
        self.data, self.text = found.actor.id, label(found.actor)

    def _chosen(self) -> int | None:
        scope = self.scope()
        query = db.select(Actor.id).where(Actor.id == self.chosen_id, Actor.archived_at.is_(None))
        return db.session.scalar(query.where(scope) if scope is not None else query)
