"""User journeys in the machine's Chromium (Playwright) and an axe-core check of every page reachable so far."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

from netzwerk.auth.models import TokenPurpose
from netzwerk.auth.services import issue_token
from netzwerk.extensions import db
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
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


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


def screenshot(page, name: str) -> None:
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


def test_invitation_journey(app, live_server, page, make_user, mailbox):
    manager = make_user(role="admin")
    log_in(page, live_server, manager.email)
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
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("LINK")
    invitee.context.close()


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
    from datetime import timedelta

    from netzwerk.dbtypes import utcnow
    from netzwerk.groups.models import Membership, WorkingGroup
    from netzwerk.meetings.models import Invitation, Meeting
    from netzwerk.meetings.services import answer_token

    with app.test_request_context():
        group = WorkingGroup(name="AK Barrierefrei", is_public=True, description="Für alle lesbar.", goals="Ziele")
        meeting = Meeting(
            group=group,
            title="Auftakt",
            starts_at=utcnow() + timedelta(days=3),
            ends_at=utcnow() + timedelta(days=3, hours=2),
            place="Rathaus",
            agenda="1. Begrüßung",
        )
        invitation = Invitation(meeting=meeting, user_id=invited.id)
        db.session.add_all([group, Membership(group=group, user_id=invited.id, role="lead"), meeting, invitation])
        db.session.commit()
        group_id, meeting_id, answer_link = group.id, meeting.id, f"/antwort/{answer_token(invitation)}"
        partnership_id = add_partnership(actor.id, group_id)
    reset_user = make_user(email="reset@example.org")
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
    ]
    signed_in = ["/", "/profil", "/passwort-aendern", "/termine/", *actor_pages]
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
            f"/arbeitskreise/{group_id}/rundmail",
            f"/arbeitskreise/{group_id}/sitzungen/neu",
            f"/termine/{meeting_id}",
            f"/termine/{meeting_id}/bearbeiten",
            "/partner/neu",
            f"/partner/{partnership_id}/bearbeiten",
            f"/partner/{partnership_id}/kooperationen/neu",
            "/partner/aenderungen",
        ],
        "member": signed_in,
        "partner": [*signed_in, "/partner/profil"],
    }


def add_partnership(actor_id: int, group_id: int) -> int:
    """The walk's actor as a partner organisation, linked to the walk's group."""
    from netzwerk.partners.models import PartnerLink, Partnership

    partnership = Partnership(actor_id=actor_id, type="hochschule", offers="Transfer")
    db.session.add(partnership)
    db.session.flush()
    db.session.add(PartnerLink(partnership_id=partnership.id, group_id=group_id, about="Barrierefreiheit"))
    db.session.commit()
    return partnership.id


def assign_to_partner(app, user_id: int, actor_name: str) -> None:
    from sqlalchemy import select

    from netzwerk.actors.models import Actor
    from netzwerk.partners.models import Partnership, PartnerUser

    with app.app_context():
        partnership_id = db.session.scalar(
            select(Partnership.id).join(Actor, Actor.id == Partnership.actor_id).where(Actor.name == actor_name)
        )
        db.session.add(PartnerUser(user_id=user_id, partnership_id=partnership_id))
        db.session.commit()


def test_every_page_passes_axe(app, live_server, browser, make_user, make_actor, mailbox):
    pages = reachable_pages(app, make_user, make_actor)
    axe = Axe()
    failures = []
    for role, urls in pages.items():
        context = browser.new_context(bypass_csp=True, locale="de-DE")
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
            results = axe.run(page, options=WCAG)
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
            results = axe.run(page, options=WCAG)
            if results.violations_count:
                failures.append(f"admin import check:\n{results.generate_report()}")
            screenshot(page, "axe-admin-import-check")
        # a form with errors must pass too
        if role == "member":
            page.goto(f"{live_server}/profil")
            page.get_by_label("Name", exact=True).fill("")
            page.get_by_role("button", name="Profil speichern").click()
            results = axe.run(page, options=WCAG)
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


def test_group_journey_manager_lead_member(app, live_server, browser, make_user, mailbox):
    """The manager sets up a group with a lead, the lead writes to the group, a member asks to join."""
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
    page.get_by_label("Person", exact=True).select_option(label=f"{lead.name} ({lead.email})")
    page.get_by_label("Rolle im Arbeitskreis").first.select_option(label="Leitung (Sprecher:in)")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_role("status")).to_contain_text("Lea Leitung gehört jetzt zum Arbeitskreis.")
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


def test_partner_updates_its_organisation_and_the_manager_undoes_it(app, live_server, browser, make_user, make_actor):
    """Issue 7's journey: a partner user edits its organisation's profile and uploads a logo; the manager sees
    the change ("geändert durch Partner") with what changed, and undoes it."""
    import io

    from PIL import Image

    actor = make_actor(name="Metropolregion Beispiel e.V.", kind="partner", is_public=True, description="Alter Text")
    partner = make_user(role="partner", name="Paula Partner")
    manager = make_user(role="admin", name="Maria Manager")
    with app.app_context():
        from netzwerk.partners.models import Partnership

        db.session.add(Partnership(actor_id=actor.id, type="metropolregion"))
        db.session.commit()
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
