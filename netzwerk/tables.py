"""Lists as files: CSV (semicolons and a BOM, so Excel opens it with umlauts and columns intact) and xlsx, with
every text cell kept as text, so that no value a person typed runs as a spreadsheet formula."""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HARMLESS_NUMBER = re.compile(r"[+-]?[\d\s()/.+-]*")  # "+49 871 …": no function can hide in digits
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

Row = Sequence[str | int | float | date | None]


def spreadsheet_safe(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ (or tab/CR) as formulas: an apostrophe makes them text."""
    if value[:1] in FORMULA_STARTS and not HARMLESS_NUMBER.fullmatch(value):
        return "'" + value
    return value


def text_cell(sheet, value: str) -> WriteOnlyCell:
    """A cell that is always text: openpyxl would store a value starting with "=" as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    return spreadsheet_safe(str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value):
    if isinstance(value, str):
        return text_cell(sheet, value)
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD.MM.YYYY"
        return cell
    return value  # numbers stay numbers, None an empty cell


def xlsx_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Row]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])  # Excel's limit for a sheet name
    sheet.append([text_cell(sheet, header) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_name(*parts: str) -> str:
    """A file name from words: "AK Fachkräfte", "2026-12-06" → "ak-fachkraefte-2026-12-06" (ASCII for every mail
    client and file system)."""
    text = "-".join(parts).lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "liste"


def download(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Row], sheet_title: str = "") -> Response:
    """The list as an attachment ``<filename>.<fmt>`` (fmt: "csv" or "xlsx"); private, never cached."""
    if fmt == "xlsx":
        body, mimetype = xlsx_bytes(sheet_title or filename, headers, rows), XLSX
    else:
        body, mimetype = csv_bytes(headers, rows), "text/csv"
    return attachment(body, mimetype, f"{filename}.{fmt}")


def attachment(body: bytes, mimetype: str, filename: str) -> Response:
    """A file to save (not to show), never kept by a cache: lists and PDFs carry personal data."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
