"""Full-text search over actors, with the database's own index: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

The indexed texts are ``Actor.search_document`` (name, description, sectors: what the public may search) and
``Actor.contact_search`` (contact names: signed-in readers only), kept current by
``services.refresh_search_document``. On SQLite, triggers created by migration 0002 mirror them into the FTS5
table ``actor_search``; a later migration that rebuilds the actor table in batch mode must recreate them."""

import re
import unicodedata

from sqlalchemy import func, text
from sqlalchemy.sql.elements import ColumnElement

from netzwerk.actors.models import Actor
from netzwerk.extensions import db

# Schema objects that live only in the migrations (not in the models); the model/migration comparison skips them.
SEARCH_TABLE_PREFIX = "actor_search"
SEARCH_INDEXES = ("ix_actor_search_document", "ix_actor_search_all")
MAX_WORDS = 8


# How German is typed without umlauts: "Mueller", "Praezision", "Strasse"
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def fold(value: str) -> str:
    """Lower case without accents, so "Müller", "Muller" and "MÜLLER" find each other on every database."""
    value = value.lower().replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))


def transliterate(value: str) -> str:
    """Lower case with umlauts written out and other accents dropped: "Müller" → "mueller", "Café" → "cafe"."""
    return fold(unicodedata.normalize("NFC", value).lower().translate(TRANSLITERATION))


def search_text(value: str) -> str:
    """The indexed form of a text: each word written out and, where that differs, also folded ("Müller" →
    "mueller muller"), so that "Mueller", "Muller" and "Müller" find it, and "Müller" finds "Mueller"."""
    words = []
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", value)):
        written_out, folded = transliterate(word), fold(word)
        words.append(written_out if written_out == folded else f"{written_out} {folded}")
    return " ".join(words)


def search_words(query: str) -> list[str]:
    return re.findall(r"\w+", transliterate(query))[:MAX_WORDS]


def search_condition(query: str, include_contacts: bool) -> ColumnElement | None:
    """A WHERE condition: every word of the query starts a word of the actor's texts (contact names only with
    ``include_contacts``). Words are letters and digits only, so no search syntax reaches the database."""
    words = search_words(query)
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        document = Actor.search_document
        if include_contacts:  # the same expression as the index ix_actor_search_all
            document = Actor.search_document.op("||")(" ").op("||")(Actor.contact_search)
        tsquery = " & ".join(f"{word}:*" for word in words)
        return func.to_tsvector("simple", document).op("@@")(func.to_tsquery("simple", tsquery))
    terms = " ".join(f'"{word}"*' for word in words)
    match = terms if include_contacts else "{search_document} : (" + terms + ")"
    return Actor.id.in_(text("SELECT rowid FROM actor_search WHERE actor_search MATCH :match").bindparams(match=match))


def include_in_schema_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: the search index objects are made by hand in the migration, not by the models."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)
