"""Read a page's forms as a browser would send them, and a fingerprint of every table (did a request change data?)."""

import hashlib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import select


@dataclass
class HtmlForm:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser sends untouched (in order)
    names: dict[str, str] = field(default_factory=dict)  # every named control and its type

    def data(self, **overrides) -> dict:
        """The default submission as a dict of lists, with some names replaced."""
        result: dict[str, list[str]] = {}
        for name, value in self.fields:
            result.setdefault(name, []).append(value)
        for name, value in overrides.items():
            if value is None:
                result.pop(name, None)
            else:
                result[name] = value if isinstance(value, list) else [value]
        return result


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    @property
    def form(self) -> HtmlForm | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action") or "", (a.get("method") or "get").upper()))
            return
        if self.form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self.form.names[name] = kind
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "reset", "image", "file"):
                self.form.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self.form.names[name] = "select-multiple" if "multiple" in a else "select"
            self._select, self._select_first, self._select_chosen = name, None, "multiple" in a
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self.form.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self.form.names[name] = "textarea"
            self._textarea, self._text = name, []
        elif tag == "button" and name:
            self.form.names[name] = "button"

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            text = text[2:] if text.startswith("\r\n") else text[1:] if text.startswith("\n") else text
            self.form.fields.append((self._textarea, text))  # a browser drops one leading line break
            self._textarea = None


def forms_in(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, name: str) -> HtmlForm:
    """The page's form that has a control of this name."""
    matches = [form for form in forms_in(html) if name in form.names]
    assert matches, f"no form with a field {name!r}"
    return matches[0]


def fingerprint(db) -> dict[str, str]:
    """A hash of every table's rows, to compare before and after a request."""
    result = {}
    for table in db.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        result[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    db.session.rollback()
    return result
