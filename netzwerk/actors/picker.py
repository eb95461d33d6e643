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
from netzwerk.forms import CONTROL_CHARACTERS, small_int

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


def pick(field, scope) -> Actor | None:
    """The actor a picker names (``field``: its text, chosen_id and options): the radio button chosen from earlier
    matches, else the typed text; None when both are empty. Several matches are kept on ``field.options`` to
    choose from; a refusal is a StopValidation with the reason in German."""
    if CONTROL_CHARACTERS.search(field.text):
        raise StopValidation(_l("Die Eingabe enthält unzulässige Steuerzeichen."))
    if field.chosen_id is not None:
        query = db.select(Actor).where(Actor.id == field.chosen_id, Actor.archived_at.is_(None))
        chosen = db.session.scalar(query.where(scope) if scope is not None else query)
        if chosen is not None:
            return chosen
    if not field.text:
        return None
    found = resolve(field.text, scope)
    if found.actor is None:
        field.options = found.options
        raise StopValidation(found.error)
    return found.actor


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
            self.chosen_id = small_int(chosen)

    def process_data(self, value) -> None:
        """An actor given as the field's value (an edit form) is shown by its label."""
        self.data = value.id if isinstance(value, Actor) else None
        self.text = label(value) if isinstance(value, Actor) else ""

    def process_formdata(self, valuelist) -> None:
        self.text = (valuelist[0] if valuelist else "").strip()[:200]
        self.data = None

    def pre_validate(self, form) -> None:
        actor = pick(self, self.scope())
        if actor is None:
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        self.data, self.text = actor.id, label(actor)


class ActorsPickerWidget:
    """The chosen actors as checkboxes (untick to remove), then a search field to add one more."""

    def __call__(self, field: "ActorsField", **kwargs) -> Markup:
        html = ['<div class="picker">']
        if field.current:
            html.append('<ul class="plain picker__chosen">')
            for n, actor in enumerate(field.current):
                box_id = f"{field.id}-{n}"
                box = html_params(type="checkbox", name=field.name, id=box_id, value=actor.id, checked=True)
                html.append(
                    f'<li class="checkbox"><input {box}> <label for="{box_id}">{escape(label(actor))}</label></li>'
                )
            html.append("</ul>")
        html.append(ActorPickerWidget()(field.adder, **kwargs))
        html.append("</div>")
        return Markup("".join(html))  # noqa: S704 (every value above is escaped)


class ActorsField(Field):
    """Several actors (a project's participants): ``data`` is the list of ids. Those chosen stay ticked; one
    more is added by name per save, with the same suggestions and server-side resolution as ActorField."""

    widget = ActorsPickerWidget()

    def __init__(self, label=None, validators=None, *, suggest_url, scope=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self._suggest_url, self._scope = suggest_url, scope
        self._loaded: tuple[tuple, list[Actor]] = ((), [])
        self.adder = _Adder(self)

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        if formdata is not None and (self.name in formdata or f"{self.name}-neu" in formdata):
            values = formdata.getlist(self.name)
            self.data = [n for n in (small_int(v) for v in values) if n is not None]
            self.adder.text = (formdata.get(f"{self.name}-neu") or "").strip()[:200]
            chosen = formdata.get(f"{self.name}-neu-wahl", "")
            self.adder.chosen_id = small_int(chosen)
        else:
            self.data = [a.id if isinstance(a, Actor) else int(a) for a in (data or [])]

    @property
    def current(self) -> list[Actor]:
        """The chosen actors (one query per set of ids, also when a view sets ``data`` after the form is made)."""
        ids = tuple(self.data or ())
        if self._loaded[0] != ids:
            query = db.select(Actor).where(Actor.id.in_(ids)).options(selectinload(Actor.municipality))
            self._loaded = (ids, sorted(db.session.scalars(query), key=lambda actor: actor.name_key) if ids else [])
        return self._loaded[1]

    def pre_validate(self, form) -> None:
        known = {actor.id for actor in self.current}
        self.data = [actor_id for actor_id in self.data if actor_id in known]  # ids that no longer exist drop out
        added = self.adder.resolve()
        if added is not None and added not in self.data:
            self.data.append(added)
            self.adder.text = ""


class _Adder:
    """The search field of an ActorsField, rendered and resolved like an ActorField of its own."""

    def __init__(self, owner: ActorsField):
        self.owner = owner
        self.text, self.options, self.chosen_id = "", (), None

    @property
    def id(self) -> str:
        return self.owner.id

    @property
    def name(self) -> str:
        return f"{self.owner.name}-neu"

    @property
    def choice_name(self) -> str:
        return f"{self.owner.name}-neu-wahl"

    @property
    def suggest_url(self) -> str:
        return self.owner._suggest_url()

    def scope(self):
        return self.owner._scope() if self.owner._scope else None

    def resolve(self) -> int | None:
        actor = pick(self, self.scope())
        return actor.id if actor else None
