"""Import of existing lists (CSV in both encodings, .xlsx) and export of the filtered list."""

import csv
import io
import os
import re
import time

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from netzwerk.actors.models import Actor, ContactPerson
from netzwerk.actors.staging import staging_folder
from netzwerk.extensions import db
from netzwerk.privacy.services.retention import purge_expired
from netzwerk.scheduler import run_job
from tests.conftest import csrf_token_from, post_form

MESSY = (
    "Firma;Ort;PLZ;Branche;Ansprechpartner;E-Mail Ansprechpartner;Öffentlich;Handlungsfeld\r\n"
    "\r\n"
    "Bäckerei Huber GmbH;Ergolding;84030;Lebensmittel, Handwerk;Franz Huber;f.huber@example.de;ja;Fachkräfte\r\n"
    ";Essenbach;84051;;;;nein;\r\n"
    "Schreinerei Maier;Ergoldng;84030;Handwerk;;;nein;\r\n"
    "Sportverein Gilching;München;;;;;ja;\r\n"
    "Bäckerei Huber;Ergolding;;;;;ja;\r\n"
    ";;;;;;;\r\n"
    "Kanzlei Öttl;Landshut;8403;;Eva Öttl;eva@@example;vielleicht;Vernetzung\r\n"
).encode("cp1252") + "Gärtnerei Süß;Altdorf;84032;;;;nein;\r\n".encode()  # a line pasted in from a UTF-8 file


def upload(client, filename: str, content: bytes, follow=True):
    token = csrf_token_from(client.get("/akteure/import").text)
    return client.post(
        "/akteure/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=follow,
    )


def confirm(client, check_url: str, check_page: str, **mapping):
    data = {"csrf_token": csrf_token_from(check_page), "aktion": "importieren"}
    for name, options in re.findall(r'name="spalte-(\w+)"[^>]*>(.*?)</select>', check_page, re.S):
        selected = re.search(r'<option value="(\d+)" selected', options)
        if selected:
            data[f"spalte-{name}"] = selected.group(1)
    data.update(mapping)
    return client.post(check_url, data=data, follow_redirects=True)


ERGOLDING_YES = {"gemeinde-0-wert": "Ergoldng", "gemeinde-0": "ja"}


def actor_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Actor))


def test_a_messy_excel_csv_shows_every_problem_and_imports_nothing(app, as_role):
    manager, _ = as_role("admin")
    page = upload(manager, "kontakte.csv", MESSY)
    assert page.status_code == 200, page.text
    text = page.text
    # the guessed mapping
    assert re.search(r'name="spalte-name"[^>]*>.*?<option value="0" selected>Firma', text, re.S)
    assert re.search(r'name="spalte-contact_email">.*?<option value="5" selected>E-Mail Ansprechpartner', text, re.S)
    # every problem with row number, field and reason (row numbers as in the file, blank lines counted)
    expected = [
        ("4", "Name der Organisation", "Der Name fehlt."),
        ("5", "Gemeinde", "„Ergoldng“: meinen Sie „Ergolding“?"),  # never taken silently
        ("6", "Gemeinde", "Unbekannte Gemeinde „München“"),
        ("7", "Name der Organisation", "Steht schon in Zeile 3"),
        ("9", "PLZ", "„8403“: Eine Postleitzahl hat fünf Ziffern"),
        ("9", "E-Mail der Ansprechperson", "„eva@@example“: Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ("9", "Öffentlich sichtbar", "„vielleicht“: bitte ja oder nein."),
    ]
    rows = re.findall(
        r"<tr class=\"row--\w+\">\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>(.*?)</td>", text, re.S
    )
    for row, field, message in expected:
        assert any(r == row and f == field and message in m for r, f, m in rows), (row, field, message, rows)
    # all or nothing
    response = confirm(manager, page.request.path, text)
    assert "Die Datei hat noch Fehler. Es wurde nichts importiert." in response.text
    assert actor_count(app) == 0
    assert "Gärtnerei Süß" in text  # the UTF-8 line among the Windows-1252 ones


def test_a_clean_file_imports_once(app, as_role):
    manager, _ = as_role("admin")
    lines = MESSY.decode("cp1252").split("\r\n")
    skip = (";Essenbach", "Sportverein", "Kanzlei", "G")
    clean = "\r\n".join(line for line in lines if not line.startswith(skip))
    page = upload(manager, "kontakte.csv", clean.encode("cp1252"))
    assert "Zeilen mit Inhalt" in page.text
    assert "„Ergoldng“ → „Ergolding“?" in page.text  # asked once for the value, before anything is imported
    response = confirm(manager, page.request.path, page.text)
    assert response.status_code == 422 and actor_count(app) == 0
    response = confirm(manager, page.request.path, page.text, **ERGOLDING_YES)
    assert "2 Akteure importiert, 0 waren schon vorhanden." in response.text
    with app.app_context():
        baker = db.session.scalar(select(Actor).where(Actor.name == "Bäckerei Huber GmbH"))
        assert baker.municipality.name == "Ergolding" and baker.is_public
        assert [s.name for s in baker.sectors] == ["Handwerk", "Lebensmittel"]
        assert [f.short_name for f in baker.fields_of_action] == ["Fachkräfte"]
        contact = db.session.scalar(select(ContactPerson))
        assert contact.email == "f.huber@example.de" and contact.source.startswith("Import kontakte.csv")
        carpenter = db.session.scalar(select(Actor).where(Actor.name == "Schreinerei Maier"))
        assert carpenter.municipality.name == "Ergolding"
    again = upload(manager, "kontakte.csv", clean.encode("cp1252"))
    response = confirm(manager, again.request.path, again.text, **ERGOLDING_YES)
    assert "0 Akteure importiert, 2 waren schon vorhanden." in response.text
    assert actor_count(app) == 2
    assert "Bäckerei Huber GmbH" in manager.get("/akteure/?q=backerei").text


def test_the_valid_rows_go_in_now_and_the_others_come_back_with_a_reason(app, as_role):
    """The manager's choice besides all or nothing: the two good rows are imported, the bad ones (and the
    similar municipality answered "nein") come back as a file with the same columns and a reason column."""
    manager, _ = as_role("admin")
    page = upload(manager, "kontakte.csv", MESSY)
    assert "Nur 2 fehlerfreie Akteure importieren" in page.text  # Bäckerei Huber GmbH and Gärtnerei Süß
    answer_no = {"gemeinde-0-wert": "Ergoldng", "gemeinde-0": "nein", "aktion": "gueltige-importieren"}
    response = confirm(manager, page.request.path, page.text, **answer_no)
    assert response.status_code == 200 and "2 Akteure sind importiert." in response.text
    with app.app_context():
        assert set(db.session.scalars(select(Actor.name))) == {"Bäckerei Huber GmbH", "Gärtnerei Süß"}
    token = re.search(r"/akteure/import/([\w-]+)/zurueck\.csv", response.text).group(1)
    text = manager.get(f"/akteure/import/{token}/zurueck.csv").data.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text), delimiter=";")
    assert header == [
        *"Firma;Ort;PLZ;Branche;Ansprechpartner;E-Mail Ansprechpartner;Öffentlich;Handlungsfeld".split(";"),
        "Grund",
    ]
    reasons = {row[0]: row[-1] for row in rows}
    assert set(reasons) == {"", "Schreinerei Maier", "Sportverein Gilching", "Kanzlei Öttl"}  # row 4 has no name
    assert "Unbekannte Gemeinde „Ergoldng“" in reasons["Schreinerei Maier"]
    assert "Postleitzahl" in reasons["Kanzlei Öttl"] and "E-Mail" in reasons["Kanzlei Öttl"]
    sheet = load_workbook(io.BytesIO(manager.get(f"/akteure/import/{token}/zurueck.xlsx").data)).active
    assert sheet["I1"].value == "Grund" and sheet.max_row == 5
    other, _ = as_role("admin")
    assert other.get(f"/akteure/import/{token}/zurueck").status_code == 404  # only for who imported


def test_the_actor_page_and_the_export_show_the_ags(app, as_role, make_actor):
    from tests.test_actors import municipality_id

    manager, _ = as_role("admin")
    actor = make_actor(name="Käserei Ergolding", municipality_id=municipality_id(app, "Ergolding"))
    assert "AGS</abbr> 09274126" in manager.get(f"/akteure/{actor.id}").text
    body = manager.get("/akteure/export.csv").data.decode("utf-8-sig")
    assert (
        body.splitlines()[0].startswith("Name;Art;Gemeinde;AGS;")
        and "Käserei Ergolding;Unternehmen;Ergolding;09274126;" in body
    )


def test_utf8_comma_csv_and_xlsx(app, as_role):
    manager, _ = as_role("admin")
    csv_file = "\ufeffName,Gemeinde,Website\nLINK e.V.,Landshut,link.example.de\n".encode()
    page = upload(manager, "liste.csv", csv_file)
    assert "Akteur importieren" in page.text
    confirm(manager, page.request.path, page.text)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisation", "Art", "Gemeinde"])
    sheet.append(["Gymnasium Seligenthal", "Bildungseinrichtung", "Landshut"])
    sheet.append([None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = upload(manager, "schulen.xlsx", buffer.getvalue())
    confirm(manager, page.request.path, page.text)
    with app.app_context():
        names = dict(db.session.execute(select(Actor.name, Actor.kind)).all())
        websites = db.session.scalars(select(Actor.website)).all()
    assert names == {"LINK e.V.": "other", "Gymnasium Seligenthal": "education"}
    assert "https://link.example.de" in websites


def test_bad_uploads_are_explained(as_role):
    manager, _ = as_role("admin")
    for filename, content, message in [
        ("liste.pdf", b"%PDF", "Bitte eine CSV- oder Excel-Datei"),
        ("leer.csv", b"\n\n", "Die Datei enthält keine Zeilen."),
        ("kaputt.xlsx", b"no zip", "Die Excel-Datei lässt sich nicht lesen."),
    ]:
        response = upload(manager, filename, content)
        assert response.status_code == 422, filename
        assert message in response.text, filename
    assert manager.get("/akteure/import/" + "x" * 32).status_code == 404


def test_five_thousand_rows(app, as_role):
    manager, _ = as_role("admin")
    rows = ["Name;Gemeinde;Branche;Ansprechperson"] + [
        f"Firma {n};{'Landshut' if n % 2 else 'Ergolding'};Logistik;Person {n}" for n in range(5000)
    ]
    started = time.monotonic()
    page = upload(manager, "gross.csv", "\n".join(rows).encode())
    response = confirm(manager, page.request.path, page.text)
    assert "5000 Akteure importiert" in response.text
    assert actor_count(app) == 5000
    print(f"5000 rows: upload, check and import in {time.monotonic() - started:.1f} s")


def test_export_follows_the_filters_and_is_excel_safe(app, as_role, make_actor):
    from tests.test_actors import municipality_id

    manager, _ = as_role("admin")
    make_actor(name='=HYPERLINK("http://evil")', municipality_id=municipality_id(app, "Landshut"))
    make_actor(
        name="Käserei Ergolding",
        municipality_id=municipality_id(app, "Ergolding"),
        contacts=[{"name": "Kurt Käser", "email": "kurt@example.de"}],
    )
    response = manager.get("/akteure/export.csv?gebiet=county")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="akteure-')
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeffName;Art;Gemeinde")
    assert "Käserei Ergolding" in body and "Kurt Käser, kurt@example.de" in body and "HYPERLINK" not in body
    everything = manager.get("/akteure/export.csv").data.decode("utf-8")
    assert "'=HYPERLINK" in everything
    xlsx = manager.get("/akteure/export.xlsx?q=kaserei")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Name", "Art", "Gemeinde"] and values[1][0] == "Käserei Ergolding" and len(values) == 2
    formula = load_workbook(io.BytesIO(manager.get("/akteure/export.xlsx?q=hyperlink").data)).active["A2"]
    assert formula.data_type == "s" and formula.value == '=HYPERLINK("http://evil")'


def test_phone_numbers_stay_readable_in_the_export(app, as_role, make_actor):
    manager, _ = as_role("admin")
    make_actor(name="Telefon AG", phone="+49 871 123-45")
    body = manager.get("/akteure/export.csv").data.decode("utf-8")
    assert ";+49 871 123-45;" in body


def test_broken_or_hostile_files_are_explained(as_role):
    manager, _ = as_role("admin")
    huge_cell = ("Name;Notiz\nA;" + "x" * 200_000 + "\n").encode()
    response = upload(manager, "riesig.csv", huge_cell)
    assert response.status_code == 422 and "länger als 100000 Zeichen" in response.text
    page = upload(manager, "ok.csv", b"Name\nA\n")
    token = csrf_token_from(page.text)
    response = manager.post(page.request.path, data={"csrf_token": token, "spalte-name": "²", "aktion": "pruefen"})
    assert response.status_code == 200 and "Keine Spalte für den Namen gewählt." in response.text


def test_an_upload_is_only_for_the_manager_who_made_it(as_role):
    manager, _ = as_role("admin")
    colleague, _ = as_role("admin")
    page = upload(manager, "liste.csv", b"Name\nA\n")
    assert colleague.get(page.request.path).status_code == 404


def test_import_applies_the_form_rules_for_phone_and_website(as_role):
    manager, _ = as_role("admin")
    page = upload(manager, "liste.csv", b"Name;Telefon;Website\nA;ruf an;kein web\nB;0871 1;b.example.de\n")
    assert "„ruf an“: Bitte eine Telefonnummer aus Ziffern" in page.text
    assert "„kein web“: Bitte eine Web-Adresse wie" in page.text
    assert page.text.count("Fehler:") == 2


def test_imported_actors_have_a_history(app, as_role):
    manager, _ = as_role("admin")
    page = upload(manager, "liste.csv", b"Name;Gemeinde\nImport GmbH;Landshut\n")
    confirm(manager, page.request.path, page.text)
    with app.app_context():
        actor_id = db.session.scalar(select(Actor.id))
    assert "Akteur angelegt" in manager.get(f"/akteure/{actor_id}").text


def staged_files(app) -> set[str]:
    with app.app_context():
        return {path.name for path in staging_folder().glob("*.json")}


def test_staged_uploads_go_after_a_day_with_the_daily_job(app, as_role):
    manager, _ = as_role("admin")
    page = upload(manager, "kontakte.csv", MESSY)
    token = page.request.path.rsplit("/", 1)[-1]
    assert f"{token}.json" in staged_files(app)
    run_job(app, purge_expired)
    assert f"{token}.json" in staged_files(app)  # younger than a day: kept for its check
    with app.app_context():
        path = staging_folder() / f"{token}.json"
        old = time.time() - 25 * 3600
        os.utime(path, (old, old))
    run_job(app, purge_expired)
    assert f"{token}.json" not in staged_files(app)
    assert manager.get(page.request.path).status_code == 404


def test_erasing_a_contact_deletes_staged_uploads_that_name_them(app, as_role, make_actor):
    manager, _ = as_role("admin")
    actor = make_actor("Kanzlei Öttl", contacts=[{"name": "Eva Öttl", "email": "eva@example.de"}])
    page = upload(manager, "kontakte.csv", MESSY)  # names "Eva Öttl" (escaped in the stored JSON)
    other = upload(manager, "schulen.csv", b"Name;Gemeinde\nGymnasium Seligenthal;Landshut\n")
    token, other_token = (p.request.path.rsplit("/", 1)[-1] for p in (page, other))
    with app.app_context():
        contact = db.session.scalar(select(ContactPerson).where(ContactPerson.actor_id == actor.id))
    url = f"/akteure/{actor.id}/ansprechpersonen/{contact.id}/loeschen"
    assert post_form(manager, url, {"reason": "Wunsch der Person"}).status_code == 302
    assert f"{token}.json" not in staged_files(app)
    assert f"{other_token}.json" in staged_files(app)


# --- Hostile files: zip bombs, endless lines, huge cells --------------------------------------------------


def zip_bomb(unpacked_mb: int = 60) -> bytes:
    """A real .xlsx whose sheet is megabytes of the same row: a few hundred KB that unpack to unpacked_mb."""
    import zipfile

    workbook = Workbook()
    workbook.active.append(["Name", "Ort"])
    template = io.BytesIO()
    workbook.save(template)
    bomb = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                target.writestr(entry, source.read(entry))
                continue
            with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                    b'spreadsheetml/2006/main"><sheetData>'
                )
                row = b'<row><c t="inlineStr"><is><t>' + b"A" * 900 + b"</t></is></c></row>"
                chunk = row * 1000
                for _ in range(unpacked_mb * 1024 * 1024 // len(chunk) + 1):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return bomb.getvalue()


def peak_rss_kb() -> int:
    """The process's peak resident memory (VmHWM), after resetting it where the kernel allows."""
    from pathlib import Path

    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def reset_peak_rss() -> None:
    from pathlib import Path

    try:
        Path("/proc/self/clear_refs").write_text("5")  # "5" resets VmHWM to the current RSS
    except OSError:
        pass


def test_a_zip_bomb_is_refused_before_it_is_unpacked(app, as_role):
    manager, _ = as_role("admin")
    bomb = zip_bomb(60)
    assert len(bomb) < 1024 * 1024  # small on the wire …
    reset_peak_rss()
    before = peak_rss_kb()
    response = upload(manager, "bombe.xlsx", bomb)
    grown_mb = (peak_rss_kb() - before) / 1024
    assert response.status_code == 422
    assert "Die Excel-Datei ist entpackt größer als 50 MB" in response.text
    assert grown_mb < 50, f"reading the upload grew the process by {grown_mb:.0f} MB"
    assert actor_count(app) == 0


def test_an_xlsx_packed_suspiciously_tight_is_refused(as_role):
    manager, _ = as_role("admin")
    response = upload(manager, "dicht.xlsx", zip_bomb(5))  # below 50 MB unpacked, but packed 1,000:1
    assert response.status_code == 422 and "ungewöhnlich stark gepackt" in response.text


def test_endless_csv_lines_and_huge_cells_are_refused(as_role):
    manager, _ = as_role("admin")
    for filename, content, message in [
        ("lang.csv", b"Name;Ort\r\n" + b"x" * 200_000 + b";Landshut\r\n", "länger als 100000 Zeichen"),
        ("feld.csv", b"Name;Ort\r\n" + b"x" * 6_000 + b";Landshut\r\n", "Ein Feld der Datei ist länger als 5000"),
    ]:
        response = upload(manager, filename, content)
        assert response.status_code == 422 and message in response.text, filename
    workbook = Workbook()
    workbook.active.append(["Name", "Ort"])
    workbook.active.append(["y" * 6_000, "Landshut"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(manager, "feld.xlsx", buffer.getvalue())
    assert response.status_code == 422 and "Ein Feld der Datei ist länger als 5000" in response.text
