"""The region's reference data shipped with the app (netzwerk/data, sources in data/SOURCES.md)."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class ReferenceOrganisation:
    name: str
    kind: str
    description: str  # German; the source list's English summary is in the CSV's "what" column
    website: str


@dataclass(frozen=True)
class Municipality:
    name: str  # everyday spelling
    official_name: str
    kind: str  # Stadt, Markt, Gemeinde, kreisfreie Stadt
    ags: str  # Amtlicher Gemeindeschlüssel
    population: int | None  # None: not found in the sources, shown as "unbekannt"

    @property
    def title(self) -> str:
        """How the municipality names itself, e.g. "Markt Ergolding"."""
        kind = "Stadt" if self.kind == "kreisfreie Stadt" else self.kind
        return f"{kind} {self.name}"


def _rows(filename: str) -> list[dict]:
    with open(DATA / filename, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@cache
def reference_organisations() -> dict[str, ReferenceOrganisation]:
    return {
        row["name"]: ReferenceOrganisation(row["name"], row["kind"], row["description_de"], row["website"])
        for row in _rows("partners.csv")
    }


@cache
def municipalities() -> dict[str, Municipality]:
    return {
        row["name_common"]: Municipality(
            row["name_common"],
            row["name_official"],
            row["type"],
            row["ags"],
            int(row["population"]) if row["population"] else None,
        )
        for row in _rows("municipalities.csv")
    }
