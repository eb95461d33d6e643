"""Lists shown a page at a time without counting their rows: a page reads one row more than it shows, and that
row says whether a next page exists. Counting every row for "page 3 of 400" is what made long lists slow."""

from dataclasses import dataclass

from sqlalchemy import Select

from netzwerk.extensions import db


@dataclass
class Window:
    """One page of a list: its rows, its number (from 1) and whether more follow (``window_pager`` in
    templates/_macros.html draws the links)."""

    rows: list
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def window(query: Select, page: int, size: int) -> Window:
    """Page ``page`` of an ordered query of ORM objects (or of rows, for a query of several columns)."""
    result = db.session.execute(query.offset((page - 1) * size).limit(size + 1))
    rows = result.scalars().all() if len(query.column_descriptions) == 1 else result.all()
    return Window(list(rows[:size]), page, len(rows) > size)


def window_of(items: list, page: int, size: int) -> Window:
    """Page ``page`` of a list already in memory (a computed result such as the network picture's tables)."""
    start = (page - 1) * size
    return Window(items[start : start + size], page, len(items) > start + size)


def contains(column, text: str):
    """A WHERE condition: the column contains the text, case-insensitive, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
