"""Access (Art. 15 DSGVO): everything the tool holds about a person, table by table, as registry.py declares."""

import json
from datetime import date, datetime

from sqlalchemy import and_, select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.privacy.registry import (
    PERSONAL_DATA,
    PersonalData,
)


def table_of(entry: PersonalData):
    return db.metadata.tables[entry.table]


def condition(entry: PersonalData, user):
    table = table_of(entry)
    if entry.match == "email":
        return table.c[entry.column] == user.email
    if entry.match == "target":
        return and_(table.c.target_type == "User", table.c.target_id == user.id)
    return table.c[entry.column] == user.id


def exported_columns(entry: PersonalData) -> list[str]:
    table = table_of(entry)
    return list(entry.fields) if entry.fields else [c.name for c in table.columns if c.name not in entry.secret]


def jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def export_data(user) -> dict:
    """Everything the tool holds about the user, table by table, as the registry declares it. A row found by
    several declarations (e.g. an audit entry by and about the person) appears once, with all its fields."""
    tables: dict[str, dict] = {}
    for entry in PERSONAL_DATA:
        table = table_of(entry)
        section = tables.setdefault(entry.table, {"labels": [], "rows": {}})
        if str(entry.label) not in section["labels"]:
            section["labels"].append(str(entry.label))
        columns = exported_columns(entry)
        key_columns = [c.name for c in table.primary_key.columns]
        query = select(table).where(condition(entry, user)).order_by(*table.primary_key.columns)
        for row in db.session.execute(query).mappings():
            key = tuple(row[name] for name in key_columns)
            section["rows"].setdefault(key, {}).update({name: jsonable(row[name]) for name in columns})
    return {
        "erstellt_am": clock.now().isoformat(),
        "rechtsgrundlage": "Auskunft nach Art. 15 DSGVO",
        "person_id": user.id,
        "tabellen": {
            name: {"bezeichnung": "; ".join(section["labels"]), "zeilen": list(section["rows"].values())}
            for name, section in tables.items()
        },
    }


def export_json(user) -> str:
    return json.dumps(export_data(user), ensure_ascii=False, indent=2, default=str)
