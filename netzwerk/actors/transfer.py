"""Import and export of the actor list: CSV (UTF-8 or Excel's semicolon/Windows-1252) and .xlsx.

Import runs in three steps: ``read_table`` turns the upload into rows, ``check_rows`` validates them under a
column mapping (every problem with row number, field and reason), ``import_rows`` writes all or nothing."""

import csv
import difflib
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from sqlalchemy import select

from netzwerk import clock, validation
from netzwerk.actors.models import Actor, ActorKind, ContactPerson, FieldOfAction, Municipality
from netzwerk.actors.search import fold
from netzwerk.actors.services import normalise_name, refresh_search_document, sectors_named, snapshot
from netzwerk.audit.services import changes_between, record
from netzwerk.extensions import db
from netzwerk.tables import FORMULA_STARTS, csv_bytes, xlsx_bytes

MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL_LENGTH = 5_000  # longer than any field of an actor (the description allows 5,000)
MAX_LINE_LENGTH = 100_000  # one CSV line: 60 columns of long text
# An .xlsx is a zip: these bound what openpyxl would unpack, before it reads anything (a "zip bomb" of a few
# hundred KB can unpack to gigabytes).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_COMPRESSION_RATIO = 200  # XML of a real sheet packs 5–30:1; a bomb of repeated rows 1,000:1 and more


class ImportFileError(ValueError):
    """The file cannot be read as a table; the message says why, in German."""


# --- Reading ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, cells)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it, decided line by line: lists pasted
    together from several sources often mix both."""
    lines = []
    for line in raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
    return "\n".join(lines)


def read_csv(raw: bytes) -> Table:
    text = decode(raw).replace("\x00", "")
    longest = max((len(line) for line in text.split("\n", MAX_ROWS + 2)[: MAX_ROWS + 2]), default=0)
    if longest > MAX_LINE_LENGTH:
        raise ImportFileError(
            _l("Eine Zeile der Datei ist länger als %(n)d Zeichen; bitte prüfen Sie die Datei.", n=MAX_LINE_LENGTH)
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(itertools.islice(enumerate(reader, start=1), MAX_ROWS + 2))
    except csv.Error as error:
        raise ImportFileError(_l("Die CSV-Datei ist beschädigt (%(reason)s).", reason=str(error))) from error
    return _table(lines)


def check_zip(raw: bytes) -> None:
    """Refuses an .xlsx whose parts would unpack to more than the limits, judged from the zip's directory
    (zipfile never reads past the size an entry declares, so the declared sizes bound what openpyxl gets)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportFileError(_l("Die Excel-Datei lässt sich nicht lesen.")) from error
    too_big = _l(
        "Die Excel-Datei ist entpackt größer als %(mb)d MB oder ungewöhnlich stark gepackt; bitte speichern Sie "
        "sie neu oder als CSV.",
        mb=MAX_UNPACKED_BYTES // (1024 * 1024),
    )
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ImportFileError(
            _l("Die Excel-Datei besteht aus mehr als %(n)d Teilen; bitte speichern Sie sie neu.", n=MAX_ZIP_ENTRIES)
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ImportFileError(too_big)
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise ImportFileError(too_big)


def read_xlsx(raw: bytes) -> Table:
    check_zip(raw)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(_l("Die Excel-Datei lässt sich nicht lesen.")) from error
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        lines = [
            (number, [excel_text(value) for value in row])
            for number, row in itertools.islice(enumerate(rows, start=1), MAX_ROWS + 2)
        ]
    except Exception as error:
        raise ImportFileError(_l("Die Excel-Datei lässt sich nicht lesen.")) from error
    finally:
        workbook.close()
    return _table(lines)


def excel_text(value) -> str:
    """A cell as the manager sees it: whole numbers without ".0", dates as TT.MM.JJJJ."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _table(lines: list[tuple[int, list[str]]]) -> Table:
    if any(len(cell) > MAX_CELL_LENGTH for _n, cells in lines for cell in cells[:MAX_COLUMNS]):
        raise ImportFileError(
            _l("Ein Feld der Datei ist länger als %(n)d Zeichen; bitte prüfen Sie die Datei.", n=MAX_CELL_LENGTH)
        )
    lines = [(n, [cell.strip() for cell in cells[:MAX_COLUMNS]]) for n, cells in lines if any(c.strip() for c in cells)]
    if not lines:
        raise ImportFileError(_l("Die Datei enthält keine Zeilen."))
    if len(lines) > MAX_ROWS + 1:
        raise ImportFileError(_l("Die Datei hat mehr als %(n)d Zeilen; bitte teilen Sie sie auf.", n=MAX_ROWS))
    (_n, headers), rows = lines[0], lines[1:]
    headers = [header or f"Spalte {i}" for i, header in enumerate(headers, start=1)]
    return Table(headers, rows)


def read_table(filename: str, raw: bytes) -> Table:
    if filename.lower().endswith(".xlsx"):
        return read_xlsx(raw)
    if filename.lower().endswith((".csv", ".txt")):
        return read_csv(raw)
    raise ImportFileError(_l("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen."))


# --- Mapping -------------------------------------------------------------------------------------------

# field: (label, words that suggest a column header)
FIELDS = {
    "name": (_l("Name der Organisation"), ("name", "organisation", "firma", "akteur", "einrichtung")),
    "kind": (_l("Art"), ("art", "typ", "kategorie")),
    "municipality": (_l("Gemeinde"), ("gemeinde", "ort", "kommune", "stadt")),
    "street": (_l("Straße und Hausnummer"), ("strasse", "straße", "adresse", "anschrift")),
    "postal_code": (_l("PLZ"), ("plz", "postleitzahl")),
    "website": (_l("Website"), ("website", "web", "homepage", "internet", "url")),
    "email": (_l("E-Mail"), ("e-mail", "email", "mail")),
    "phone": (_l("Telefon"), ("telefon", "tel", "phone")),
    "description": (_l("Beschreibung"), ("beschreibung", "notiz", "bemerkung", "info")),
    "sectors": (_l("Branchen und Themen"), ("branche", "sektor", "themen", "schlagwort")),
    "fields_of_action": (_l("Handlungsfelder"), ("handlungsfeld",)),
    "is_public": (_l("Öffentlich sichtbar"), ("öffentlich", "oeffentlich", "public")),
    "contact_name": (_l("Ansprechperson"), ("ansprechpartner", "ansprechperson", "kontaktperson", "kontakt")),
    "contact_function": (_l("Funktion der Ansprechperson"), ("funktion", "position", "rolle")),
    "contact_email": (_l("E-Mail der Ansprechperson"), ("e-mail ansprech", "mail ansprech", "kontakt e-mail")),
    "contact_phone": (_l("Telefon der Ansprechperson"), ("telefon ansprech", "tel ansprech", "kontakt telefon")),
}
REQUIRED = ("name",)


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Field → column index, from the header words. Contact columns are matched first, and the actor's own
    fields never take a column about the contact person ("E-Mail Ansprechpartner")."""
    folded = [fold(header) for header in headers]
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for name in sorted(FIELDS, key=lambda name: not name.startswith("contact_")):
        hints = [fold(hint) for hint in FIELDS[name][1]]
        for index, header in enumerate(folded):
            about_contact = "ansprech" in header or "kontakt" in header
            if index in taken or (about_contact and not name.startswith("contact_")):
                continue
            if any(hint in header for hint in hints):
                mapping[name] = index
                taken.add(index)
                break
    return mapping


# --- Checking ------------------------------------------------------------------------------------------


@dataclass
class Problem:
    row: int
    field: str
    message: str
    is_error: bool = True


@dataclass
class PlannedActor:
    row: int
    values: dict
    municipality_id: int | None = None
    municipality_name: str = ""  # as recognised, e.g. "Ergolding" for "Ergoldng"
    existing_id: int | None = None  # already in the registry: not imported again


@dataclass
class Question:
    """A municipality only similar to a real one ("Vilsbiburgg"): asked once, the answer holds for every row."""

    typed: str
    suggestion: Municipality
    answer: bool | None = None  # None: not answered yet
    rows: list[int] = field(default_factory=list)


@dataclass
class Check:
    planned: list[PlannedActor] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)  # by the folded typed value

    def valid_part(self) -> "Check":
        """The rows without errors, to import now while the others go back to be fixed."""
        return Check(self.planned, [p for p in self.problems if not p.is_error])

    def rejected(self, table: "Table") -> tuple[list[str], list[list[str]]]:
        """The rows with errors as they came (same columns), with the reasons in a last column "Grund"."""
        reasons: dict[int, list[str]] = {}
        for problem in self.errors:
            reasons.setdefault(problem.row, []).append(f"{problem.field}: {problem.message}")
        rows = [[*cells, "; ".join(reasons[number])] for number, cells in table.rows if number in reasons]
        return [*table.headers, str(_l("Grund"))], rows

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def new(self) -> list[PlannedActor]:
        return [p for p in self.planned if p.existing_id is None]

    @property
    def existing(self) -> list[PlannedActor]:
        return [p for p in self.planned if p.existing_id is not None]


# The rules of the actor and contact forms (netzwerk/validation.py), which also give the value as saved.
RULES = {
    "postal_code": validation.postal_code,
    "website": validation.website,
    "email": validation.email,
    "contact_email": validation.email,
    "phone": validation.phone,
    "contact_phone": validation.phone,
}
# What people type in the "Art" column: the German label, the code, or the German code used before 0021.
KIND_WORDS = (
    {fold(str(kind.label)): kind for kind in ActorKind}
    | {fold(kind.value): kind for kind in ActorKind}
    | {fold(legacy): kind for kind in ActorKind for legacy in kind.legacy_codes}
)
YES = {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "öffentlich"}
NO = {"", "nein", "n", "no", "0", "false", "falsch", "intern"}
LIMITS = {
    "name": 200,
    "street": 200,
    "website": 300,
    "email": 254,
    "phone": 40,
    "description": 5000,
    "contact_name": 120,
    "contact_function": 120,
    "contact_email": 254,
    "contact_phone": 40,
}


class Lookup:
    """Reference data and the registry's existing keys, loaded once per check (not once per row)."""

    def __init__(self):
        self.answers: dict[str, bool] = {}
        municipalities = db.session.scalars(select(Municipality)).all()
        self.municipalities = {fold(m.name): m for m in municipalities} | {
            fold(m.official_name): m for m in municipalities
        }
        self.fields = {fold(f.name): f for f in db.session.scalars(select(FieldOfAction))}
        self.fields |= {fold(f.short_name): f for f in self.fields.values() if f.short_name}
        self.existing = {
            (key, municipality_id): actor_id
            for actor_id, key, municipality_id in db.session.execute(
                select(Actor.id, Actor.name_key, Actor.municipality_id)
            )
        }

    def municipality(self, text: str) -> tuple[Municipality | None, str | None]:
        key = fold(re.sub(r"^(stadt|markt|gemeinde)\s+", "", text.strip(), flags=re.I))
        if key in self.municipalities:
            return self.municipalities[key], None
        close = difflib.get_close_matches(key, list(self.municipalities), n=1, cutoff=0.8)
        if close:
            return self.municipalities[close[0]], "similar"
        return None, "unknown"


def cell(cells: list[str], index: int | None) -> str:
    value = cells[index].strip() if index is not None and index < len(cells) else ""
    # our own export protects formula-like cells with an apostrophe: take it off again
    return value[1:] if value[:1] == "'" and value[1:2] in FORMULA_STARTS else value


def check_rows(table: Table, mapping: dict[str, int | None], answers: dict[str, bool] | None = None) -> Check:
    """Validate every row under the mapping; nothing is written. ``answers``: the manager's answers to the
    questions about similar municipalities (folded typed value → taken or not)."""
    lookup = Lookup()
    lookup.answers = answers or {}
    result = Check()
    if mapping.get("name") is None:
        result.problems.append(Problem(0, str(FIELDS["name"][0]), str(_l("Keine Spalte für den Namen gewählt."))))
        return result
    seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        values = {name: cell(cells, index) for name, index in mapping.items()}
        problems = check_values(number, values, lookup)
        if question := values.pop("_question", None):
            result.questions.setdefault(fold(question.typed), question).rows.append(number)
        planned = PlannedActor(number, values)
        municipality = values.pop("_municipality", None)
        planned.municipality_id = municipality.id if municipality else None
        planned.municipality_name = municipality.name if municipality else ""
        result.problems.extend(problems)
        if any(p.is_error for p in problems):
            continue
        key = (normalise_name(values["name"]), planned.municipality_id)
        if key in seen:
            result.problems.append(
                Problem(
                    number,
                    str(FIELDS["name"][0]),
                    str(_l("Steht schon in Zeile %(row)d; diese Zeile wird übersprungen.", row=seen[key])),
                    is_error=False,
                )
            )
            continue
        seen[key] = number
        planned.existing_id = lookup.existing.get(key)
        result.planned.append(planned)
    return result


def check_values(number: int, values: dict, lookup: Lookup) -> list[Problem]:
    problems = []

    def problem(name, message, is_error=True):
        problems.append(Problem(number, str(FIELDS[name][0]), str(message), is_error))

    if not values["name"]:
        problem("name", _l("Der Name fehlt."))
    for name, rule in RULES.items():  # before the limits: they apply to the value as saved
        if values.get(name):
            try:
                values[name] = rule(values[name])
            except validation.Invalid as error:
                problem(name, _l("„%(value)s“: %(reason)s", value=values[name], reason=error.reason))
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            problem(name, _l("Länger als %(max)d Zeichen.", max=limit))
    kind = values.get("kind", "")
    if kind and fold(kind) not in KIND_WORDS:
        problem(
            "kind",
            _l(
                "Unbekannte Art „%(value)s“; erlaubt: %(allowed)s.",
                value=kind,
                allowed=", ".join(str(kind.label) for kind in ActorKind),
            ),
        )
    values["kind"] = KIND_WORDS.get(fold(kind), ActorKind.OTHER) if kind else ActorKind.OTHER
    if values.get("municipality"):
        municipality, issue = lookup.municipality(values["municipality"])
        if issue == "unknown":
            problem(
                "municipality",
                _l(
                    "Unbekannte Gemeinde „%(value)s“ (nicht in Stadt oder Landkreis Landshut).",
                    value=values["municipality"],
                ),
            )
        elif issue == "similar":
            answer = lookup.answers.get(fold(values["municipality"]))
            values["_question"] = Question(values["municipality"], municipality, answer)
            if answer is None:  # never taken silently: the preview asks once per value
                problem(
                    "municipality",
                    _l(
                        "„%(value)s“: meinen Sie „%(name)s“? Bitte oben unter „Ähnliche Gemeinden“ beantworten.",
                        value=values["municipality"],
                        name=municipality.name,
                    ),
                )
            elif not answer:
                problem(
                    "municipality",
                    _l(
                        "Unbekannte Gemeinde „%(value)s“ (nicht in Stadt oder Landkreis Landshut).",
                        value=values["municipality"],
                    ),
                )
                municipality = None
        values["_municipality"] = municipality
    fields = []
    for word in re.split(r"[;,|]", values.get("fields_of_action", "")):
        if word.strip():
            found = lookup.fields.get(fold(word.strip()))
            if found is None:
                problem("fields_of_action", _l("Unbekanntes Handlungsfeld „%(value)s“.", value=word.strip()))
            else:
                fields.append(found.id)
    values["fields_of_action"] = fields
    public = fold(values.get("is_public", ""))
    if public not in YES | NO:
        problem("is_public", _l("„%(value)s“: bitte ja oder nein.", value=values["is_public"]))
    values["is_public"] = public in YES
    if (values.get("contact_email") or values.get("contact_phone")) and not values.get("contact_name"):
        problem("contact_name", _l("Kontaktdaten ohne Namen der Ansprechperson."))
    return problems


# --- Writing -------------------------------------------------------------------------------------------


def import_rows(check: Check, source: str) -> list[Actor]:
    """Create the new actors of a checked import (call only without errors); the caller commits once."""
    if check.errors:
        raise ValueError("import with errors")
    all_sectors = {s for p in check.new for s in re.split(r"[;,|]", p.values.get("sectors", "")) if s.strip()}
    sectors = sectors_named(sorted(all_sectors))
    fields = {f.id: f for f in db.session.scalars(select(FieldOfAction))}
    created = []
    for planned in check.new:
        values = planned.values
        actor = Actor(
            name=values["name"],
            name_key=normalise_name(values["name"]),
            kind=values["kind"],
            municipality_id=planned.municipality_id,
            street=values.get("street", ""),
            postal_code=values.get("postal_code", ""),
            website=values.get("website", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            description=values.get("description", ""),
            is_public=values["is_public"],
        )
        actor.sectors = [
            sectors[s.strip().lower()[:80]]
            for s in re.split(r"[;,|]", values.get("sectors", ""))
            if s.strip() and s.strip().lower()[:80] in sectors
        ]
        actor.fields_of_action = [fields[i] for i in values["fields_of_action"]]
        if values.get("contact_name"):
            actor.contacts = [
                ContactPerson(
                    name=values["contact_name"],
                    function=values.get("contact_function", ""),
                    email=values.get("contact_email", ""),
                    phone=values.get("contact_phone", ""),
                    source=source,
                )
            ]
        refresh_search_document(actor)
        created.append(actor)
    db.session.add_all(created)
    db.session.flush()
    for actor in created:  # each actor's history starts with its import
        record("actor.created", actor, summary=source, changes=changes_between({}, snapshot(actor)))
    record("actor.imported", summary=f"{source}: {len(created)} neu, {len(check.existing)} schon vorhanden")
    return created


# --- Export --------------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("Name", lambda a: a.name),
    ("Art", lambda a: str(a.kind_label)),
    ("Gemeinde", lambda a: a.municipality.name if a.municipality else ""),
    ("AGS", lambda a: a.municipality.ags if a.municipality else ""),  # Amtlicher Gemeindeschlüssel
    ("Stadt/Landkreis", lambda a: str(a.municipality.area_label) if a.municipality else ""),
    ("Straße", lambda a: a.street),
    ("PLZ", lambda a: a.postal_code),
    ("Website", lambda a: a.website),
    ("E-Mail", lambda a: a.email),
    ("Telefon", lambda a: a.phone),
    ("Beschreibung", lambda a: a.description),
    ("Branchen", lambda a: ", ".join(s.name for s in a.sectors)),
    ("Handlungsfelder", lambda a: "; ".join(f.name for f in a.fields_of_action)),
    ("Öffentlich", lambda a: "ja" if a.is_public else "nein"),
    (
        "Ansprechpersonen",
        lambda a: "; ".join(
            ", ".join(part for part in (c.name, c.function, c.email, c.phone) if part) for c in a.contacts
        ),
    ),
)


def export_rows(actors) -> list[list[str]]:
    return [[get(actor) or "" for _title, get in EXPORT_COLUMNS] for actor in actors]


def export_csv(actors) -> bytes:
    return csv_bytes([title for title, _get in EXPORT_COLUMNS], export_rows(actors))


def export_xlsx(actors) -> bytes:
    return xlsx_bytes(
        f"Akteure {clock.today():%Y-%m-%d}", [title for title, _get in EXPORT_COLUMNS], export_rows(actors)
    )
