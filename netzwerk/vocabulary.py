"""One vocabulary for every stored code: an English code in the database, a German label on the screen.

A code list is a ``LabelledEnum``; each member names its code, its (lazy) label and any legacy codes it once had,
e.g. ``COMPANY = "company", _l("Unternehmen"), "unternehmen"``. ``stored_codes`` ties a model's columns to their
code lists: the database gets a CHECK constraint per column, and the audit log and the data export find the
labels by (record type or table, field) in one registry, also for legacy codes in old audit entries.
"""

import unicodedata
from enum import StrEnum

from sqlalchemy import CheckConstraint, case
from wtforms.fields.choices import SelectChoice


class LabelledEnum(StrEnum):
    """A ``StrEnum`` whose members carry their label; looked up by code, legacy codes included."""

    def __new__(cls, code: str, label=None, *legacy: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member._label = label if label is not None else code
        member._legacy = legacy
        return member

    @property
    def label(self):
        return self._label

    @property
    def legacy_codes(self) -> tuple[str, ...]:
        """The codes this member was stored as before (German ones, up to migration 0021)."""
        return self._legacy

    @classmethod
    def _missing_(cls, value):
        """Accept a legacy code (e.g. "unternehmen" for ``ActorKind.COMPANY``)."""
        for member in cls:
            if value in member.legacy_codes:
                return member
        return None

    @classmethod
    def lookup(cls, code) -> "LabelledEnum | None":
        """The member of a code (current or legacy), None for anything else."""
        try:
            return cls(code)
        except ValueError:
            return None

    @classmethod
    def label_of(cls, code, default=None):
        """The label of a code; ``default`` (the code itself unless given) for an unknown one."""
        member = cls.lookup(code)
        if member is not None:
            return member.label
        return code if default is None else default

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def choices(cls) -> list[SelectChoice]:
        """The options of a WTForms ``SelectField``, in declaration order."""
        return [SelectChoice(member.value, member.label) for member in cls]

    @classmethod
    def by_label(cls, column):
        """An ORDER BY term sorting a code column by the labels (in the current language), unknown codes last."""
        ranked = sorted(cls, key=lambda member: str(member.label).casefold())
        return case({member.value: rank for rank, member in enumerate(ranked)}, value=column, else_=len(ranked))

    @classmethod
    def labels(cls) -> dict["LabelledEnum", object]:
        """{member: label} for templates that list the options (filters)."""
        return {member: member.label for member in cls}


def check_sql(column: str, codes) -> str:
    """The CHECK condition allowing exactly these codes (NULL passes, as SQL has it)."""
    return f"{column} IN ({', '.join(repr(str(code)) for code in codes)})"


# (record type or table name, field) → its code list; filled by stored_codes and coded_fields.
_REGISTRY: dict[tuple[str, str], type[LabelledEnum]] = {}


def coded_fields(owner: str, **fields: type[LabelledEnum]) -> None:
    """Register code lists for fields of an audit record type (its class name) or a table, without a column."""
    for field, codes in fields.items():
        _REGISTRY[(owner, field)] = codes


def stored_codes(model, **columns: type[LabelledEnum]) -> None:
    """Columns of ``model`` that store codes: a CHECK constraint each (named ck_<table>_<column>), and the
    labels registered for the model's audit entries (class name) and its export rows (table name)."""
    table = model.__table__
    for column, codes in columns.items():
        table.append_constraint(CheckConstraint(check_sql(column, codes.values()), name=column))
    coded_fields(model.__name__, **columns)
    coded_fields(table.name, **columns)


def code_list(owner: str, field: str) -> type[LabelledEnum] | None:
    return _REGISTRY.get((owner, field))


def code_label(owner: str | None, field: str, value):
    """The label of a stored code of ``owner``'s field, legacy codes included; other values unchanged."""
    codes = _REGISTRY.get((owner or "", field))
    if codes is None or not isinstance(value, str):
        return value
    return codes.label_of(value)


def german_key(text: str) -> tuple[str, str]:
    """Sort key of the German dictionary order (DIN 5007, variant 1): "Bäckerei" before "Brauerei", "Öttl" among
    the O, "ß" as "ss", case and accents ignored; the text itself breaks ties. Python's own order (and SQLite's)
    puts every umlaut after "z"."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    return "".join(c for c in folded if not unicodedata.combining(c)), text
