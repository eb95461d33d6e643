"""User journeys in the machine's Chromium (Playwright) and an axe-core check of every page reachable so far."""

import re

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from playwright.sync_api import expect, sync_playwright

from netzwerk import clock
from netzwerk.auth.models import TokenPurpose
from netzwerk.auth.services import issue_token
from netzwerk.extensions import db
from tests import factories
from tests.conftest import OUTPUT, PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# resultTypes: axe-core details only the violations (the report needs nothing else), which halves its time
WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # bypass_csp only so axe-core can inject its script; the app's own pages never need it
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    yield page
    context.close()


def axe_results(page) -> AxeResults:
    """axe-core's WCAG 2.1 AA check of the page as it is now (injected unless the context's init script did)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return AxeResults(page.evaluate("options => axe.run(document, options)", WCAG))


SCREENSHOTS = {"taken": True}


@pytest.fixture(scope="session", autouse=True)
def screenshots_in_one_run(request):
    """`make test` runs both databases at once and both see the same pages: the SQLite run takes the screenshots
    (a full-page PNG costs about 0.1 s of CPU), the PostgreSQL run would only write the same files again."""
    SCREENSHOTS["taken"] = request.config.getoption("--db") == "sqlite"


def screenshot(page, name: str) -> None:
    if not SCREENSHOTS["taken"]:
        return
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / f"{name}.png", full_page=True)


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort", exact=True).fill(password)
    page.get_by_role("button", name="Anmelden").click()


@pytest.mark.parametrize(
    "role, heading",
    [
        ("admin", "Übersicht des Regionalmanagements"),
        ("member", "Guten Tag"),
        ("partner", "Hochschule Landshut"),
    ],
)
def test_login_and_logout_for_each_role(live_server, page, make_user, role, heading):
    user = make_user(role=role, organisation="Hochschule Landshut")
    log_in(page, live_server, user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.get_by_role("banner")).to_contain_text(user.name)
    screenshot(page, f"start-{role}")
    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Sie sind abgemeldet")
    page.goto(f"{live_server}/profil")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_wrong_password_shows_the_error_at_the_field(live_server, page, make_user):
    user = make_user()
    log_in(page, live_server, user.email, "falsches passwort 123")
    expect(page.get_by_role("alert")).to_contain_text("E-Mail-Adresse oder Passwort ist nicht richtig.")
    expect(page.get_by_label("E-Mail-Adresse")).to_have_value(user.email)


def test_the_managers_menu_stays_on_one_line_at_1280_pixels(live_server, browser, make_user):
    manager = make_user(role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    log_in(page, live_server, manager.email)
    menu = page.get_by_role("navigation", name="Hauptnavigation").locator(":scope > ul > li")
    tops = {round(box["y"]) for box in (item.bounding_box() for item in menu.all())}
    assert len(tops) == 1, tops
    page.get_by_role("navigation").get_by_text("Verwaltung").click()
    for name in ("Benutzer", "Postausgang", "Änderungsprotokoll"):
        expect(page.get_by_role("navigation").get_by_role("link", name=name, exact=True)).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Postausgang", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Postausgang")
    expect(page.get_by_role("link", name="Mein Profil")).to_be_visible()
    context.close()


def test_invitation_journey(app, live_server, page, make_user, mailbox):
    manager = make_user(role="admin")
    log_in(page, live_server, manager.email)
    page.get_by_role("navigation").get_by_text("Verwaltung").click()  # the office's tools, folded
    page.get_by_role("navigation").get_by_role("link", name="Benutzer", exact=True).click()
    page.get_by_role("link", name="Person einladen").click()
    page.get_by_label("Name", exact=True).fill("Karl Kreativ")
    page.get_by_label("E-Mail-Adresse").fill("karl@example.org")
    page.get_by_label("Partnerorganisation").check()
    page.get_by_label("Organisation", exact=True).fill("LINK – Landshuter Innovations- und Kreativzentrum e.V.")
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.get_by_text("Die Einladung an karl@example.org ist verschickt")).to_be_visible()
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")

    invitee = page.context.browser.new_context(locale="de-DE").new_page()
    invitee.goto(link)
    invitee.get_by_label("Neues Passwort", exact=True).fill("kreativ in landshut seit 2020")
    invitee.get_by_label("Neues Passwort wiederholen").fill("kreativ in landshut seit 2020")
    invitee.get_by_role("button", name="Passwort speichern").click()
    invitee.get_by_label("Ich habe die Datenschutzerklärung").check()  # first the privacy notice
    invitee.get_by_role("button", name="Bestätigen und weiter").click()
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("LINK")
    invitee.context.close()


def make_poll(app, group_id: int, voter_id: int) -> int:
    """A running date poll with one vote, so the table, the best slot and the lead's forms are on the page."""
    from datetime import timedelta

    from netzwerk.polls.models import PollVote

    soon = clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=5)
    with app.app_context():
        slots = [(soon + timedelta(days=d), soon + timedelta(days=d, hours=2)) for d in (0, 2)]
        poll = factories.poll(group_id, title="Termin für die Auftaktsitzung", place="Rathaus", slots=slots)
        db.session.add_all(
            PollVote(poll_id=poll.id, slot_id=slot.id, user_id=voter_id, value=value)
            for slot, value in zip(poll.slots, ("yes", "if_need_be"), strict=True)
        )
        db.session.commit()
        return poll.id


def reachable_pages(app, make_user, make_actor):
    """Every page a role can reach so far (GET routes), with the token pages for visitors."""
    actor = make_actor(
        name="Faserwerk GmbH",
        is_public=True,
        description="Leichtbau",
        sectors=["Leichtbau"],
        field_of_action_ids=[1, 6],
        contacts=[{"name": "Greta Gruber", "email": "greta@example.de"}],
    )
    invited = make_user(status="invited", password=None, email="eingeladen@example.org")
    from datetime import date, timedelta

    from netzwerk.meetings.models import Task
    from netzwerk.meetings.services.tokens import answer_token

    with app.test_request_context():
        group = factories.group(
            name="AK Barrierefrei", is_public=True, description="Für alle lesbar.", goals="Ziele", leads=[invited]
        )
        meeting = factories.meeting(
            group, title="Auftakt", starts_at=clock.now() + timedelta(days=3), place="Rathaus", agenda="1. Begrüßung"
        )
        invitation = factories.invitation(meeting, invited)
        held = factories.meeting(
            group,
            title="Rückblick",
            starts_at=clock.now() - timedelta(days=3),
            place="Rathaus",
            minutes="## TOP 1\nBegrüßung",
            decisions="- Messe im März",
            minutes_published_at=clock.now(),
            tasks=[Task(what="Flyer drucken", who="Max", due_on=date(2027, 1, 15))],
        )
        factories.invitation(held, invited, answer="yes", attendance="present")
        db.session.commit()
        group_id, meeting_id, answer_link = group.id, meeting.id, f"/antwort/{answer_token(invitation)}"
        held_id = held.id
        partnership_id = add_partnership(actor.id, group_id)
    poll_id = make_poll(app, group_id, voter_id=invited.id)
    news_id = factories.create(
        app, factories.news, title="Ausbildungsmesse", summary="Kurz", body="## Programm\n- Vorträge"
    )
    project_id = factories.create(
        app, factories.project, title="Ausbildungsmesse", is_public=True, milestones=[("Programm", None)]
    )
    reset_user = make_user(email="reset@example.org")
    privacy = privacy_pages(app, make_user, invited.id, actor.id)
    with app.test_request_context():
        invite_token = issue_token(
            db.session.merge(invited), TokenPurpose.INVITATION, app.config["INVITATION_VALID_FOR"]
        )
        reset_token = issue_token(
            db.session.merge(reset_user), TokenPurpose.PASSWORD_RESET, app.config["PASSWORD_RESET_VALID_FOR"]
        )
        db.session.commit()
    actor_pages = [
        "/akteure/",
        "/akteure/?kooperation=1",
        f"/akteure/{actor.id}",
        "/arbeitskreise/",
        f"/arbeitskreise/{group_id}",
        "/partner/",
        f"/partner/{partnership_id}",
        "/aktuelles/",
        f"/aktuelles/{news_id}",
        "/vorhaben/",
        f"/vorhaben/{project_id}",
        "/impressum",
        "/datenschutz",
        "/barrierefreiheit",
        "/leichte-sprache",
    ]
    signed_in = [
        "/",
        "/profil",
        "/passwort-aendern",
        "/termine/",
        "/aufgaben/",
        "/termine/kalender",
        "/kalender/",
        "/erinnerungen/meine",
        "/datenschutz/bestaetigen",
        "/profil/meine-daten",
        "/profil/loeschantrag",
        *actor_pages,
    ]
    return {
        None: [
            "/",
            "/login",
            "/passwort-vergessen",
            f"/einladung/{invite_token}",
            f"/passwort-zuruecksetzen/{reset_token}",
            "/einladung/ungueltig-ungueltig-ungueltig",
            "/gibt-es-nicht",
            answer_link,
            *actor_pages,
        ],
        "admin": [
            *signed_in,
            "/benutzer/",
            "/benutzer/einladen",
            f"/benutzer/{invited.id}/bearbeiten",
            "/postausgang/",
            "/erinnerungen/",
            "/aenderungsprotokoll/",
            "/akteure/neu",
            f"/akteure/{actor.id}/bearbeiten",
            f"/akteure/{actor.id}/loeschen",
            "/akteure/handlungsfelder",
            "/akteure/handlungsfelder/1",
            "/akteure/import",
            "/arbeitskreise/neu",
            f"/arbeitskreise/{group_id}/bearbeiten",
            f"/arbeitskreise/{group_id}/mitglieder",
            f"/arbeitskreise/{group_id}/mitgliederliste",
            f"/arbeitskreise/{group_id}/rundmail",
            f"/arbeitskreise/{group_id}/sitzungen/neu",
            f"/arbeitskreise/{group_id}/sitzungen/nachtragen",
            f"/termine/{meeting_id}/nachricht",
            f"/termine/{meeting_id}/teilnehmerliste",
            "/uebersicht/einstellungen",
            f"/termine/{meeting_id}",
            f"/termine/{meeting_id}/bearbeiten",
            f"/termine/{held_id}",
            f"/termine/{held_id}/protokoll",
            f"/arbeitskreise/{group_id}/umfragen/neu",
            f"/umfragen/{poll_id}",
            "/aktuelles/neu",
            "/uebersicht/",
            "/uebersicht/jahresbericht",
            "/uebersicht/jahresbericht?von=gestern",
            "/vorhaben/neu",
            "/seiten/barrierefreiheit/bearbeiten",
            f"/vorhaben/{project_id}/bearbeiten",
            f"/aktuelles/{news_id}/bearbeiten",
            "/partner/neu",
            f"/partner/{partnership_id}/bearbeiten",
            f"/partner/{partnership_id}/kooperationen/neu",
            "/partner/aenderungen",
            *privacy,
            "/uebersicht/netzwerkbild",
        ],
        "member": signed_in,
        "partner": [*signed_in, "/partner/profil"],
    }


def privacy_pages(app, make_user, invited_id: int, actor_id: int) -> list[str]:
    """The manager's data protection pages, with an open deletion request and an invitation past its period."""
    from datetime import timedelta

    from sqlalchemy import select

    from netzwerk.actors.models import ContactPerson
    from netzwerk.privacy.models import DeletionRequest

    make_user(status="invited", password=None, email="alt@example.org", created_at=clock.now() - timedelta(days=60))
    with app.app_context():
        request = DeletionRequest(user_id=invited_id, message="Bitte löschen")
        db.session.add(request)
        db.session.commit()
        contact_id = db.session.scalar(select(ContactPerson.id).where(ContactPerson.actor_id == actor_id))
        return [
            f"/benutzer/{invited_id}/loeschen",
            f"/benutzer/loeschantraege/{request.id}/ablehnen",
            "/benutzer/aufbewahrung",
            f"/akteure/{actor_id}/ansprechpersonen/{contact_id}/loeschen",
        ]


def add_partnership(actor_id: int, group_id: int) -> int:
    """The walk's actor as a partner organisation, linked to the walk's group."""
    partnership = factories.partnership(actor_id, type="research", offers="Transfer")
    factories.partner_link(partnership, group=group_id, about="Barrierefreiheit")
    db.session.commit()
    return partnership.id


def assign_to_partner(app, user_id: int, actor_name: str) -> None:
    from sqlalchemy import select

    from netzwerk.actors.models import Actor
    from netzwerk.partners.models import Partnership

    with app.app_context():
        partnership_id = db.session.scalar(
            select(Partnership.id).join(Actor, Actor.id == Partnership.actor_id).where(Actor.name == actor_name)
        )
        factories.partner_user(user_id, partnership_id)
        db.session.commit()


def test_the_axe_check_reports_what_it_should(page):
    """The cheaper options of the walk still find and describe a violation (an image without a text)."""
    page.set_content('<html lang="de"><title>T</title><main><img src="data:,"></main></html>')
    results = axe_results(page)
    assert [v["id"] for v in results.response["violations"]] == ["image-alt"]
    assert "image-alt" in results.generate_report() and "img" in results.generate_report()


def test_every_page_passes_axe(app, live_server, browser, make_user, make_actor, mailbox):
    pages = reachable_pages(app, make_user, make_actor)
    failures = []
    for role, urls in pages.items():
        context = browser.new_context(bypass_csp=True, locale="de-DE")
        context.add_init_script(script=AXE_SCRIPT)  # in every page before it loads: no injection per check
        page = context.new_page()
        if role:
            user = make_user(role=role)
            if role == "partner":
                assign_to_partner(app, user.id, "Faserwerk GmbH")
            log_in(page, live_server, user.email)
            if role == "admin":  # something in the Postausgang and the audit log
                page.goto(f"{live_server}/benutzer/einladen")
                page.get_by_label("Name", exact=True).fill("Axe Test")
                page.get_by_label("E-Mail-Adresse").fill("axe@example.org")
                page.get_by_role("button", name="Einladung senden").click()
        for url in urls:
            page.goto(f"{live_server}{url}")
            results = axe_results(page)
            if results.violations_count:
                failures.append(f"{role or 'visitor'} {url}:\n{results.generate_report()}")
            name = f"axe-{role or 'visitor'}-{url.strip('/').replace('/', '_')[:40] or 'start'}"
            screenshot(page, name)
        if role == "admin":  # the import check page, with problems listed
            page.goto(f"{live_server}/akteure/import")
            content = "Firma;Ort;PLZ\nBäckerei Huber;Ergoldng;84030\n;Landshut;123\n".encode()
            page.set_input_files("#file", files=[{"name": "liste.csv", "mimeType": "text/csv", "buffer": content}])
            page.get_by_role("button", name="Hochladen und prüfen").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Import prüfen")
            results = axe_results(page)
            if results.violations_count:
                failures.append(f"admin import check:\n{results.generate_report()}")
            screenshot(page, "axe-admin-import-check")
        # a form with errors must pass too
        if role == "member":
            page.goto(f"{live_server}/profil")
            page.get_by_label("Name", exact=True).fill("")
            page.get_by_role("button", name="Profil speichern").click()
            results = axe_results(page)
            if results.violations_count:
                failures.append(f"member /profil with errors:\n{results.generate_report()}")
            screenshot(page, "axe-member-profil-fehler")
        context.close()
    assert not failures, "\n\n".join(failures)


def test_keyboard_user_reaches_the_content_by_the_skip_link(live_server, page):
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#inhalt$"))


def test_manager_registers_and_finds_an_actor(app, live_server, page, make_user):
    manager = make_user(role="admin")
    log_in(page, live_server, manager.email)
    page.get_by_role("navigation").get_by_role("link", name="Akteure").click()
    page.get_by_role("link", name="Akteur anlegen").click()
    page.get_by_label("Name der Organisation").fill("Brauerei zum Löwen")
    page.get_by_label("Art").select_option(label="Unternehmen")
    page.get_by_label("Gemeinde").select_option(label="Essenbach (Landkreis Landshut)")
    page.get_by_label("Innovation").check()
    page.get_by_label("Branchen und Themen").fill("Lebensmittel, Tourismus")
    page.locator("#contacts-0-name").fill("Lorenz Löwenbräu")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brauerei zum Löwen")
    expect(page.get_by_text("Lorenz Löwenbräu", exact=True)).to_be_visible()
    screenshot(page, "actor-detail")
    page.get_by_role("link", name="Alle Akteure").click()
    page.get_by_label("Suche nach Name, Beschreibung, Branche oder Ansprechperson").fill("lowenbrau")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("status").filter(has_text="gefunden")).to_have_text("1 Akteur gefunden")
    expect(page).to_have_url(re.compile(r"q=lowenbrau"))
    screenshot(page, "actor-list")


def test_group_journey_manager_lead_member(app, live_server, browser, make_user, make_actor, mailbox):
    """The manager sets up a group with a lead (who represents an actor, picked by name as it is typed), the
    lead writes to the group, a member asks to join."""
    make_actor(name="Stadtwerke Landshut")
    make_actor(name="Stadtbücherei Landshut")
    manager = make_user(role="admin", name="Maria Manager")
    lead = make_user(name="Lea Leitung")
    member = make_user(name="Max Mitglied")

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, manager.email)
    page.get_by_role("navigation").get_by_role("link", name="Arbeitskreise").click()
    page.get_by_role("link", name="Arbeitskreis anlegen").click()
    page.get_by_label("Name", exact=True).fill("AK Fachkräfte")
    page.get_by_label("Handlungsfeld").select_option(label="Fachkräftesicherung und soziale Strukturen")
    page.get_by_label("Öffentlich").check()
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("link", name="Mitglieder verwalten").click()
    page.get_by_role("search").get_by_label("Name").fill("Lea")  # a search, not a list of every account
    page.get_by_role("button", name="Suchen").click()
    page.get_by_label("Rolle im Arbeitskreis").first.select_option(label="Leitung (Sprecher:in)")
    page.get_by_label("vertritt (Akteur)").press_sequentially("Stadtw")
    suggestions = page.locator("#aufnehmen-actor_id-vorschlaege option")
    expect(suggestions).to_have_count(1)
    expect(suggestions).to_have_attribute("value", "Stadtwerke Landshut")
    page.get_by_label("vertritt (Akteur)").fill("Stadtwerke Landshut")  # as the browser does when it is chosen
    page.get_by_label("vertritt (Akteur)").press("Tab")  # leaves the field: the suggestion list closes
    page.get_by_role("listitem").filter(has_text="Lea Leitung").get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_role("status")).to_contain_text("Lea Leitung gehört jetzt zum Arbeitskreis.")
    expect(page.get_by_role("row").filter(has_text="Lea Leitung")).to_contain_text("Stadtwerke Landshut")
    screenshot(page, "group-members")
    page.context.close()

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, lead.email)
    page.get_by_role("link", name="AK Fachkräfte").click()
    page.get_by_role("link", name="Rundmail schreiben").click()
    page.get_by_label("Betreff").fill("Erstes Treffen")
    page.get_by_label("Nachricht", exact=True).fill("Wir treffen uns bald.")
    page.get_by_role("button", name="Rundmail senden").click()
    expect(page.get_by_role("status")).to_contain_text("Die Rundmail geht an 1 Mitglied.")
    page.context.close()

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/arbeitskreise/")
    page.get_by_role("link", name="AK Fachkräfte").click()
    page.get_by_label("Nachricht an die Leitung (freiwillig)").fill("Ich bin Ausbilder.")
    page.get_by_role("button", name="Mitgliedschaft anfragen").click()
    expect(page.get_by_text("Ihre Anfrage liegt der Leitung vor.")).to_be_visible()
    screenshot(page, "group-request")
    page.context.close()
    assert [m["Subject"] for m in mailbox.messages] == [
        "[AK Fachkräfte] Erstes Treffen",
        "Anfrage zur Mitgliedschaft: AK Fachkräfte",
    ]


def test_meeting_journey_lead_and_member(app, live_server, browser, make_user, mailbox):
    """The lead schedules a meeting, the member answers from the mail link and subscribes the calendar; after
    the meeting the lead records attendance and minutes, and the member reads them."""
    from datetime import timedelta

    from icalendar import Calendar
    from sqlalchemy import select

    from netzwerk.meetings.models import Meeting

    lead = make_user(name="Lea Leitung")
    member = make_user(name="Max Mitglied")
    group_id = factories.create(
        app, factories.group, name="AK Fachkräfte", is_public=True, leads=[lead], members=[member]
    )

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, lead.email)
    page.goto(f"{live_server}/arbeitskreise/{group_id}")
    page.get_by_role("link", name="Sitzung planen").click()
    start = (clock.wall_clock(clock.now()) + timedelta(days=10)).replace(hour=16, minute=0)
    page.get_by_label("Titel").fill("Herbstsitzung")
    page.get_by_label("Beginn").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ort (Adresse)").fill("Landratsamt Landshut")
    page.get_by_label("Tagesordnung").fill("1. Begrüßung\n2. Ausbildungsmesse")
    page.get_by_label("Plätze (freiwillig)").fill("20")
    page.get_by_role("button", name="Sitzung planen und einladen").click()
    expect(page.get_by_role("status")).to_contain_text("2 Einladungen sind verschickt")
    screenshot(page, "meeting-scheduled")
    lead_page = page

    link = mailbox.link_in(next(m for m in mailbox.messages if m["To"] == member.email), "/antwort/")
    visitor = browser.new_context(locale="de-DE").new_page()
    visitor.goto(link)
    visitor.get_by_label("Zusage").check()
    visitor.get_by_role("button", name="Antwort speichern").click()
    expect(visitor.get_by_role("status")).to_contain_text("Zusage")
    visitor.context.close()

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, member.email)
    page.goto(f"{live_server}/termine/")
    expect(page.get_by_text("Ihre Antwort: Zusage")).to_be_visible()
    page.get_by_role("link", name="Kalender abonnieren").click()
    feed = page.get_by_label("Ihre Kalender-Adresse").input_value()
    screenshot(page, "calendar-subscribe")
    calendar = Calendar.from_ical(page.request.get(feed).body())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["AK Fachkräfte: Herbstsitzung"]

    with app.app_context():  # the meeting has taken place
        meeting = db.session.scalar(select(Meeting))
        meeting.starts_at, meeting.ends_at = clock.now() - timedelta(hours=3), clock.now() - timedelta(hours=1)
        db.session.commit()
        meeting_id = meeting.id
    lead_page.goto(f"{live_server}/termine/{meeting_id}")
    lead_page.get_by_role("link", name="Anwesenheit und Protokoll erfassen").click()
    lead_page.get_by_label("Anwesenheit von Lea Leitung").select_option(label="anwesend")
    lead_page.get_by_label("Protokoll", exact=True).fill("## TOP 1\nDie Messe findet im März statt.")
    lead_page.get_by_label("Beschlüsse").fill("- Messe im März")
    lead_page.get_by_label("Aufgabe 1: was").fill("Flyer drucken")
    lead_page.get_by_label("Aufgabe 1: wer").fill("Max Mitglied")
    lead_page.get_by_label("Protokoll veröffentlichen").check()
    screenshot(lead_page, "minutes-form")
    lead_page.get_by_role("button", name="Protokoll speichern").click()
    expect(lead_page.get_by_role("status")).to_contain_text("Das Protokoll ist veröffentlicht")
    lead_page.context.close()

    page.goto(f"{live_server}/termine/{meeting_id}")
    expect(page.get_by_role("heading", name="Protokoll", exact=True)).to_be_visible()
    expect(page.get_by_text("Max Mitglied (anwesend)")).to_be_visible()
    expect(page.get_by_role("cell", name="Flyer drucken")).to_be_visible()
    screenshot(page, "minutes-published")
    page.goto(f"{live_server}/termine/kalender")
    screenshot(page, "month-calendar")
    page.context.close()
    assert sum(m["Subject"].startswith("Protokoll: Herbstsitzung") for m in mailbox.messages) == 2


def test_date_poll_journey_lead_starts_member_votes_lead_schedules(app, live_server, browser, make_user, mailbox):
    """The lead proposes two slots, a member votes from "Meine Termine", the lead makes the best slot a meeting;
    the poll page (with the member's vote form) and the form with errors pass axe."""
    from datetime import timedelta

    lead = make_user(name="Lea Leitung")
    member = make_user(name="Max Mitglied")
    group_id = factories.create(
        app, factories.group, name="AK Fachkräfte", is_public=True, leads=[lead], members=[member]
    )
    first, second = clock.today() + timedelta(days=10), clock.today() + timedelta(days=11)

    page = browser.new_context(bypass_csp=True, locale="de-DE").new_page()
    log_in(page, live_server, lead.email)
    page.goto(f"{live_server}/arbeitskreise/{group_id}")
    page.get_by_role("link", name="Terminumfrage starten").click()
    page.get_by_label("Titel").fill("Frühjahrssitzung")
    page.locator("#slots-0-day").fill(first.isoformat())
    page.locator("#slots-0-start").fill("18:00")
    page.locator("#slots-0-end").fill("17:00")
    page.get_by_role("button", name="Umfrage starten und Mitglieder einladen").click()
    expect(page.get_by_role("alert")).to_contain_text("Termin 1, Ende: Das Ende muss nach dem Beginn liegen.")
    results = axe_results(page)
    assert not results.violations_count, results.generate_report()
    screenshot(page, "poll-form-errors")
    page.locator("#slots-0-end").fill("20:00")
    page.locator("#slots-1-day").fill(second.isoformat())
    page.locator("#slots-1-start").fill("09:00")
    page.locator("#slots-1-end").fill("11:00")
    page.get_by_role("button", name="Umfrage starten und Mitglieder einladen").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Die Terminumfrage läuft; 2 Mitglieder sind per E-Mail eingeladen."
    )
    poll_url = page.url

    voter = browser.new_context(bypass_csp=True, locale="de-DE").new_page()
    log_in(voter, live_server, member.email)
    voter.goto(f"{live_server}/termine/")
    voter.get_by_role("link", name="Frühjahrssitzung").click()
    groups = voter.get_by_role("group")
    groups.nth(0).get_by_label("Wenn nötig").check()
    groups.nth(1).get_by_label("Ja").check()
    voter.get_by_role("button", name="Stimme speichern").click()
    expect(voter.get_by_role("status")).to_contain_text("Ihre Stimme ist gespeichert.")
    table = voter.get_by_role("table")
    expect(table.get_by_role("row", name="Max Mitglied")).to_contain_text("Wenn nötig")
    expect(table.get_by_role("columnheader").nth(2)).to_contain_text("Bester Termin")
    results = axe_results(voter)
    assert not results.violations_count, results.generate_report()
    screenshot(voter, "poll-member-voted")
    voter.context.close()

    page.goto(poll_url)
    results = axe_results(page)
    assert not results.violations_count, results.generate_report()
    page.get_by_role("button", name="Termin festlegen und Sitzung planen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Termin steht; die Sitzung ist geplant")
    expect(page.get_by_role("heading", level=1)).to_have_text("Frühjahrssitzung")
    screenshot(page, "poll-meeting")
    page.context.close()
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects.count("Terminumfrage: Frühjahrssitzung (AK Fachkräfte)") == 2
    assert len([s for s in subjects if s.startswith("Einladung: Frühjahrssitzung")]) == 2


def test_partner_updates_its_organisation_and_the_manager_undoes_it(app, live_server, browser, make_user, make_actor):
    """Issue 7's journey: a partner user edits its organisation's profile and uploads a logo; the manager sees
    the change ("geändert durch Partner") with what changed, and undoes it."""
    import io

    from PIL import Image

    actor = make_actor(name="Metropolregion Beispiel e.V.", kind="partner", is_public=True, description="Alter Text")
    partner = make_user(role="partner", name="Paula Partner")
    manager = make_user(role="admin", name="Maria Manager")
    factories.create(app, factories.partnership, actor.id, type="metropolitan_region")
    assign_to_partner(app, partner.id, actor.name)
    logo = io.BytesIO()
    Image.new("RGB", (120, 60), "navy").save(logo, "PNG")

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, partner.email)
    page.get_by_role("link", name="Profil der Organisation bearbeiten").click()
    page.get_by_role("textbox", name="Beschreibung").fill("Wir verbinden die Region mit München.")
    page.get_by_role("textbox", name="Angebote und Themen").fill("Pendlerberatung")
    page.set_input_files("#logo", files=[{"name": "logo.png", "mimeType": "image/png", "buffer": logo.getvalue()}])
    page.get_by_role("button", name="Profil speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Profil ist gespeichert.")
    screenshot(page, "partner-profile")
    page.context.close()

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, manager.email)
    page.get_by_role("navigation").get_by_role("link", name="Partner").click()
    page.get_by_role("link", name="Änderungen durch Partner").click()
    change = page.get_by_role("listitem").filter(has_text="geändert durch Partner").first
    expect(change).to_contain_text("Alter Text → Wir verbinden die Region mit München.")
    expect(change).to_contain_text("Paula Partner")
    screenshot(page, "partner-changes")
    change.get_by_role("button", name="Rückgängig machen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Änderung ist rückgängig gemacht.")
    page.goto(f"{live_server}/akteure/{actor.id}")
    expect(page.get_by_text("Alter Text", exact=True)).to_be_visible()
    expect(page.get_by_text("Änderung durch Partner zurückgenommen")).to_be_visible()
    page.context.close()


def test_manager_changes_and_cancels_a_meeting(app, live_server, browser, make_user, mailbox):
    from datetime import timedelta

    manager = make_user(role="admin", name="Maria Manager")
    member = make_user(name="Max Mitglied")
    with app.app_context():
        group = factories.group(name="AK Mobilität", is_public=True, members=[member])
        start = (clock.now() + timedelta(days=12)).replace(second=0, microsecond=0)
        meeting = factories.meeting(
            group, title="Bahnanbindung", starts_at=start, place="Rathaus Landshut", answers={member: "yes"}
        )
        db.session.commit()
        meeting_id = meeting.id

    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/termine/{meeting_id}")
    page.get_by_role("link", name="Ändern").click()
    page.get_by_label("Ort (Adresse)").fill("Landratsamt Landshut, Veldener Straße 15")
    page.get_by_role("button", name="Änderung speichern und mitteilen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Eingeladenen sind benachrichtigt.")
    expect(page.get_by_text("Landratsamt Landshut, Veldener Straße 15")).to_be_visible()
    page.get_by_role("link", name="Absagen").click()  # asks first: nothing is cancelled yet
    expect(page.get_by_role("heading", level=1)).to_have_text("„Bahnanbindung“ absagen?")
    screenshot(page, "meeting-cancel-question")
    page.get_by_label("Grund (optional)").fill("Der Referent ist erkrankt.")
    page.get_by_role("button", name="Sitzung absagen").click()
    expect(page.get_by_text("Diese Sitzung ist abgesagt.")).to_be_visible()
    expect(page.get_by_text("Abgesagt: Der Referent ist erkrankt.")).to_be_visible()
    screenshot(page, "meeting-cancelled")
    page.context.close()
    subjects = [m["Subject"].split(":")[0] for m in mailbox.messages if m["To"] == member.email]
    assert subjects == ["Geändert", "Abgesagt"]
    assert "Der Referent ist erkrankt." in mailbox.text_of(mailbox.messages[-1])


def test_the_cancel_question_and_the_unsubscribe_pages_pass_axe(app, live_server, browser, make_user, mailbox):
    from datetime import timedelta

    from netzwerk.unsubscribe.services import CATEGORIES, unsubscribe_token

    manager = make_user(role="admin")
    with app.app_context():
        start = (clock.now() + timedelta(days=12)).replace(second=0, microsecond=0)
        meeting = factories.meeting(factories.group(name="AK Axe"), title="Axe", starts_at=start, hours=1)
        db.session.commit()
        meeting_id, token = meeting.id, unsubscribe_token(manager.id, CATEGORIES["antwort"])
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    failures = []

    def check(name):
        results = axe_results(page)
        if results.violations_count:
            failures.append(f"{name}:\n{results.generate_report()}")
        screenshot(page, f"axe-{name}")

    page.goto(f"{live_server}/abmelden/{token}")  # from a mail, not logged in
    check("unsubscribe-question")
    page.get_by_role("button", name="Abbestellen").click()
    expect(page.get_by_role("status")).to_contain_text("nicht mehr per E-Mail")
    check("unsubscribe-done")
    page.goto(f"{live_server}/abmelden/falsch")
    check("unsubscribe-invalid")
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}/termine/{meeting_id}/absagen")
    check("meeting-cancel")
    context.close()
    assert not failures, "\n\n".join(failures)


def test_manager_reads_the_overview_and_downloads_the_annual_report(app, live_server, page):
    from netzwerk.demo import DEMO_PASSWORD

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    log_in(page, live_server, "manager@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Übersicht", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Übersicht: Wie steht das Netzwerk?")
    for chart in ("Handlungsfeld", "Akteure nach Kommune", "Teilnahmequote je Arbeitskreis (letzte vier Quartale)"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    # the charts are drawn: bars with a width, a tile per municipality
    assert page.locator("#chart-map-caption ~ svg .tile").count() == 36
    assert float(page.locator(".chart__bar--actors").nth(1).get_attribute("width")) > 0
    page.get_by_text("Daten als Tabelle").first.click()
    expect(page.get_by_role("rowheader", name="Fachkräfte", exact=True)).to_be_visible()
    screenshot(page, "overview")
    page.get_by_role("link", name="Jahresbericht").click()
    page.get_by_label("Beginn").fill("2025-01-01")
    page.get_by_role("button", name="Bericht erstellen").click()
    expect(page.get_by_role("heading", name="Sitzungen je Arbeitskreis", level=2)).to_be_visible()
    expect(page.get_by_role("rowheader", name="Arbeitskreis Fachkräftesicherung")).to_be_visible()
    # new actors counted, not listed one by one (the list is the spreadsheet's annex)
    expect(page.get_by_role("heading", name="Neue Akteure je Kommune", level=2)).to_be_visible()
    expect(page.get_by_role("cell", name="Auftakt Ausbildungsmesse 2027")).to_have_count(0)
    screenshot(page, "annual-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    assert download.value.suggested_filename.startswith("jahresbericht-2025-01-01-bis-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"


def test_privacy_journey_notice_export_deletion_request(app, live_server, browser, make_user, mailbox):
    """A new user accepts the invitation, confirms the privacy notice, downloads the export and asks for
    deletion; the manager confirms the deletion request."""
    import json

    manager = make_user(role="admin", name="Maria Managerin")
    person = make_user(
        status="invited", password=None, name="Paula Privat", email="paula@example.org", acknowledged=False
    )
    with app.test_request_context():
        raw = issue_token(db.session.merge(person), TokenPurpose.INVITATION, app.config["INVITATION_VALID_FOR"])
        db.session.commit()
    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server}/einladung/{raw}")
    page.get_by_label("Neues Passwort", exact=True).fill("privat bleibt privat in landshut")
    page.get_by_label("Neues Passwort wiederholen").fill("privat bleibt privat in landshut")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutz: Bitte bestätigen")
    expect(page.get_by_role("heading", name="Was das Werkzeug über Sie speichert")).to_be_visible()
    page.get_by_role("button", name="Bestätigen und weiter").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte bestätigen Sie")
    results = axe_results(page)
    assert not results.violations_count, results.generate_report()
    screenshot(page, "privacy-notice")
    page.get_by_label("Ich habe die Datenschutzerklärung").check()
    page.get_by_role("button", name="Bestätigen und weiter").click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Bestätigung ist gespeichert")

    page.goto(f"{live_server}/profil")
    expect(page.get_by_role("table", name="Ihre Einwilligungen und Bestätigungen")).to_contain_text(
        "Datenschutzerklärung"
    )
    page.get_by_role("link", name="Meine Daten ansehen und herunterladen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Auskunft nach Art. 15 DSGVO")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Als Datei herunterladen (JSON)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["tabellen"]["user_account"]["zeilen"][0]["name"] == "Paula Privat"

    page.goto(f"{live_server}/profil")
    page.get_by_role("link", name="Löschung meines Kontos beantragen").click()
    page.get_by_label("Ja, ich beantrage die Löschung").check()
    page.get_by_role("button", name="Löschantrag stellen").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Löschantrag ist beim Regionalmanagement eingegangen")
    context.close()

    context = browser.new_context(bypass_csp=True, locale="de-DE")
    page = context.new_page()
    log_in(page, live_server, manager.email)
    page.get_by_role("navigation").get_by_text("Verwaltung").click()  # the office's tools, folded
    page.get_by_role("navigation").get_by_role("link", name="Benutzer", exact=True).click()
    expect(page.get_by_role("heading", name="Offene Löschanträge")).to_be_visible()
    page.get_by_role("link", name=re.compile("Löschantrag bearbeiten.*Paula Privat")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Person löschen: Paula Privat")
    page.get_by_label("Ja, diese Person und ihre persönlichen Daten endgültig löschen.").check()
    page.get_by_role("button", name="Endgültig löschen").click()
    expect(page.get_by_role("status")).to_contain_text("Die Person ist gelöscht")
    expect(page.get_by_role("main")).not_to_contain_text("Paula Privat")
    screenshot(page, "privacy-erased")
    context.close()


def test_500_nodes_render_in_chromium_under_the_csp(app, live_server, browser, make_user):
    """One page load with the app's own CSP (not bypassed): no console error (a refused inline style or script
    would be one), the layout finishes, the screenshot goes to test-output/."""
    from netzwerk.network_picture.services import network_picture
    from tests.test_network_picture import URL, grow_network

    grow_network(app, actors=450, groups=20, partners=20, projects=10)
    with app.app_context():
        assert len(network_picture().nodes) == 500
    manager = make_user(role="admin")
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, manager.email)
    page.goto(f"{live_server}{URL}")
    picture = page.locator("#netzwerkbild[data-layout='done']")
    expect(picture).to_be_attached(timeout=30_000)
    expect(page.get_by_role("img", name=re.compile(r"^Netzwerkbild: 500 Knoten"))).to_be_visible()
    expect(page.locator("#netzwerkbild canvas").first).to_be_visible()
    layout_ms = int(picture.get_attribute("data-layout-ms"))
    OUTPUT.mkdir(exist_ok=True)
    page.locator("#netzwerkbild").screenshot(path=OUTPUT / "network-picture-500.png")
    # a click on a group shows its name, its links and the link to its page (Cytoscape keeps its instance
    # on the container, which tells where the node is drawn)
    box = page.locator("#netzwerkbild").bounding_box()
    where = page.evaluate(
        "() => document.getElementById('netzwerkbild')._cyreg.cy.nodes('[label = \"Generierter Arbeitskreis 1\"]')"
        ".renderedPosition()"
    )
    page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    info = page.locator("#netzwerk-info")
    expect(info.get_by_role("heading")).to_have_text("Generierter Arbeitskreis 1")
    expect(info).to_contain_text(re.compile(r"Verbunden mit: .*\d+ Akteure: Generierter Arbeitskreis 1"))
    expect(info.get_by_role("link", name="Seite öffnen: Generierter Arbeitskreis 1")).to_have_attribute(
        "href", re.compile(r"^/arbeitskreise/\d+$")
    )
    page.get_by_role("button", name="Vergrößern").click()
    page.screenshot(path=OUTPUT / "network-picture-500-selected.png")
    # 450 actors are drawn as bundles: a click on the group's bundle leads to its actors one by one
    bundle = page.evaluate(
        "() => { const n = document.getElementById('netzwerkbild')._cyreg.cy"
        ".nodes('[kind = \"buendel\"]').filter(n => n.data('label').endsWith(': Generierter Arbeitskreis 1'))[0];"
        " return {position: n.renderedPosition(), label: n.data('label')}; }"
    )
    page.get_by_role("button", name="Alles zeigen").click()
    bundle_at = page.evaluate(
        "(label) => document.getElementById('netzwerkbild')._cyreg.cy.nodes().filter(n => n.data('label') === label)"
        "[0].renderedPosition()",
        bundle["label"],
    )
    page.mouse.click(box["x"] + bundle_at["x"], box["y"] + bundle_at["y"])
    expect(info.get_by_role("heading")).to_have_text(bundle["label"])
    info.get_by_role("link", name=f"Einzeln zeigen: {bundle['label']}").click()
    expect(page.locator("#netzwerkbild[data-layout='done']")).to_be_attached(timeout=30_000)
    expect(page.get_by_text("Ausschnitt: Generierter Arbeitskreis 1 und seine Beteiligten.")).to_be_visible()
    page.locator("#netzwerkbild").screenshot(path=OUTPUT / "network-picture-500-opened.png")
    context.close()
    assert problems == []
    assert layout_ms < 15_000
    print(f"500 nodes laid out in {layout_ms} ms")
