"""Deployment beyond one process, as README "Betrieb" describes it: two app nodes (gunicorn on two ports) and two
schedulers on one database, with a request stream over both nodes and a reminder run, doubling nothing; a backup
while the app runs, restored into a new database, and the app working on it; the reverse proxy (ProxyFix via
TRUSTED_PROXIES) trusted exactly as far as configured."""

import threading
import time
from collections import Counter
from itertools import cycle

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db
from netzwerk.mail.models import MailStatus, OutgoingMail
from tests import factories
from tests.answers import add_meeting, answer_links
from tests.conftest import PASSWORD, csrf_token_from, free_port, login, make_app
from tests.gunicorn import Browser, gunicorn_server
from tests.html_forms import form_with
from tests.ops_report import report
from tests.scheduler_process import SlowCounter, due_reminders, start_scheduler, wait_for
from tests.test_production import BASE, HOST, production_app

STREAM_SECONDS = 6
BEHIND_PROXY = f"http://{HOST}"  # how the proxy reaches the app: plain http, the public Host passed on


@pytest.fixture
def counting_smtp():
    handler = SlowCounter(pause=0.005)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


def stream(bases: list[str], email: str | None, link: str, stop: float, codes: Counter, lock) -> None:
    """One visitor for a while: each request to the next node in turn (one cookie jar, so the session made on
    one node is used on the other); a member reads pages, a link holder answers again and again."""
    browser = Browser(bases[0])
    nodes = cycle(bases)
    if email:
        browser.login(email, PASSWORD)
    n = 0
    while time.monotonic() < stop:
        results = []
        if email:
            for path in ("/", "/termine/", "/arbeitskreise/"):
                browser.base = next(nodes)
                results.append((browser.base, browser.get(path)[0]))
        else:
            browser.base = next(nodes)
            status, page = browser.get(link)
            token = form_with(page, "answer").data()["csrf_token"] if status == 200 else ""
            results.append((browser.base, status))
            browser.base = next(nodes)
            answer = ("yes", "no", "maybe")[n % 3]
            posted, _ = browser.post(link, {"answer": answer, "comment": f"Runde {n}", "csrf_token": token})
            results.append((browser.base, posted))
        with lock:
            codes.update(results)
        n += 1


def test_two_app_nodes_and_two_schedulers_on_one_database_double_nothing(app, make_user, counting_smtp, tmp_path):
    smtp_port, smtp = counting_smtp
    reminders = due_reminders(app, meetings=4, members=10)
    readers = [make_user(name=f"Leserin {n}") for n in range(3)]
    answerers = [make_user(name=f"Antwortender {n}") for n in range(4)]
    group_id = factories.create(app, factories.group, name="AK Zwei Knoten", members=readers + answerers)
    links = answer_links(app, add_meeting(app, group_id, answerers, capacity=2, days=20))
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    logs = [tmp_path / f"{name}.log" for name in ("node-a", "node-b", "scheduler-a", "scheduler-b")]
    with (
        gunicorn_server(database, smtp_port, logs[0], workers=2) as node_a,
        gunicorn_server(database, smtp_port, logs[1], workers=2) as node_b,
    ):
        schedulers = [start_scheduler(app, smtp_port, log) for log in logs[2:]]
        try:
            codes, lock = Counter(), threading.Lock()
            stop = time.monotonic() + STREAM_SECONDS
            visitors = [(reader.email, "") for reader in readers] + [(None, link) for link in links]
            threads = [
                threading.Thread(target=stream, args=([node_a, node_b], email, link, stop, codes, lock))
                for email, link in visitors
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            throttled = login_failures_over_both_nodes(node_a, node_b, readers[0].email)
            # a loaded machine may take seconds to start a scheduler: wait until both have decided on the lease
            wait_for(lambda: all(lease_decided(log) for log in logs[2:]), 90, "both schedulers to decide on the lease")
            wait_for(lambda: reminders_planned(app) == reminders and unsent(app) == 0, 90, "every reminder sent")
            time.sleep(1.5)  # a second sender would show itself now
        finally:
            for process in schedulers:
                process.terminate()
                process.wait(timeout=20)
    outputs = {log.name: log.read_text() for log in logs}
    assert not [key for key in codes if key[1] >= 500], (codes, outputs)
    assert {status for _node, status in codes} <= {200, 302}, codes
    assert all(sum(n for (node, _), n in codes.items() if node == base) > 20 for base in (node_a, node_b)), codes
    standing_by = [name for name, output in outputs.items() if "steht in Bereitschaft" in output]
    assert len(standing_by) == 1, outputs  # one scheduler holds the lease, the other waits
    assert throttled == (422, 422, 422, 422, 422, 429), throttled  # the login limit counts across nodes
    with app.app_context():
        planned = db.session.scalars(select(OutgoingMail.kind)).all()
    assert Counter(planned)["meeting_reminder"] == reminders, Counter(planned)
    assert len(smtp.received) == len(set(smtp.received)) == len(planned), (len(smtp.received), len(planned))
    per_node = [sum(n for (node, _), n in codes.items() if node == base) for base in (node_a, node_b)]
    report(
        f"two nodes, two schedulers: {per_node[0]} + {per_node[1]} requests, no 5xx; "
        f"{len(planned)} mails ({reminders} reminders) each sent once; one scheduler stood by"
    )


def login_failures_over_both_nodes(node_a: str, node_b: str, email: str) -> tuple[int, ...]:
    """Six wrong passwords for one account, alternating between the nodes: the sixth is refused (429)."""
    browser, statuses = Browser(node_a), []
    for base in [node_a, node_b] * 3:
        browser.base = base
        token = browser.csrf_token("/login")
        status, _ = browser.post("/login", {"email": email, "password": "falsch", "csrf_token": token})
        statuses.append(status)
    return tuple(statuses)


def lease_decided(log) -> bool:
    output = log.read_text()
    return "Scheduler: aktiv." in output or "steht in Bereitschaft" in output


def reminders_planned(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(OutgoingMail.kind == "meeting_reminder"))
        db.session.remove()
        return count


def unsent(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(OutgoingMail.status != MailStatus.SENT))
        db.session.remove()
        return count


# --- Backup and restore -----------------------------------------------------------------------------------


@pytest.fixture
def empty_database(app, tmp_path):
    """A new, empty database next to the test database: a second PostgreSQL database in the same cluster, or a
    new SQLite file."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield str(url.set(database=str(tmp_path / "wiederhergestellt.sqlite")))
        return
    name = f"restored_{free_port()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_of_the_running_database_restores_into_a_new_one_and_the_app_works_on_it(
    app, runner, make_user, smtp_server, empty_database, tmp_path
):
    member = make_user(name="Gesicherte Person")
    group_id = factories.create(app, factories.group, name="AK Gesichert", members=[member])
    backup = tmp_path / "netzwerk.backup"
    created = runner.invoke(args=["backup", "create", str(backup)])
    assert created.exit_code == 0, created.output
    assert "Sicherung geschrieben" in created.output and backup.stat().st_mode & 0o077 == 0  # holds personal data

    restored = make_app(empty_database, smtp_server.port)
    try:
        loaded = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert loaded.exit_code == 0, loaded.output
        upgraded = restored.test_cli_runner().invoke(args=["db", "upgrade"])  # a backup of this version: nothing to do
        assert upgraded.exit_code == 0, upgraded.output
        client = restored.test_client()
        login(client, member.email)
        page = client.get(f"/arbeitskreise/{group_id}")
        assert page.status_code == 200 and "AK Gesichert" in page.text
        again = restored.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
        assert again.exit_code != 0 and "nicht leer" in again.output  # never mixed into existing data
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_restore_from_a_missing_file_says_so(runner, tmp_path):
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "gibt-es-nicht.backup")])
    assert result.exit_code != 0 and "gibt es nicht" in result.output


# --- Reverse proxy ----------------------------------------------------------------------------------------


def proxied_login_failures(client, addresses: list[str]) -> list[int]:
    """Wrong passwords (each for another account) sent through the proxy on behalf of the given clients."""
    statuses = []
    for n, address in enumerate(addresses):
        headers = {"X-Forwarded-For": address, "X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST}
        page = client.get("/login", headers=headers, base_url=BEHIND_PROXY)
        response = client.post(
            "/login",
            base_url=BEHIND_PROXY,
            headers={**headers, "Referer": f"{BASE}/login"},
            data={"csrf_token": csrf_token_from(page.text), "email": f"niemand{n}@example.org", "password": "x"},
        )
        statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_the_reverse_proxy_is_trusted_exactly_as_far_as_configured(app, migrated, smtp_server, trusted_proxies):
    production = production_app(migrated, smtp_server.port, trusted_proxies=trusted_proxies)
    limit = production.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    try:
        client = production.test_client()
        statuses = proxied_login_failures(client, [f"203.0.113.{n}" for n in range(limit + 1)])
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST}
        page = client.get("/login", headers=headers, base_url=BEHIND_PROXY)
        if trusted_proxies:
            # each client address is counted by itself, and the request counts as https (HSTS)
            assert 429 not in statuses, statuses
            assert "Strict-Transport-Security" in page.headers
        else:
            # the forwarded headers are the client's own words: ignored, so nobody dodges the limit by changing
            # them, and plain http stays plain http
            assert statuses[-1] == 429, statuses
            assert "Strict-Transport-Security" not in page.headers
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()


def test_behind_a_trusted_proxy_the_audit_log_names_the_client(app, migrated, smtp_server, make_user):
    manager = make_user(role="admin", name="Proxy-Managerin")
    production = production_app(migrated, smtp_server.port, trusted_proxies=1)
    try:
        client = production.test_client()
        headers = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https", "X-Forwarded-Host": HOST}
        page = client.get("/login", headers=headers, base_url=BEHIND_PROXY)
        client.post(
            "/login",
            base_url=BEHIND_PROXY,
            headers={**headers, "Referer": f"{BASE}/login"},
            data={"csrf_token": csrf_token_from(page.text), "email": manager.email, "password": PASSWORD},
        )
        form = client.get("/akteure/neu", headers=headers, base_url=BEHIND_PROXY)
        assert form.status_code == 200, form.status_code
        data = form_with(form.text, "name").data(name="Proxy-Test GmbH")
        referer = {"Referer": f"{BASE}/akteure/neu"}
        saved = client.post("/akteure/neu", headers={**headers, **referer}, data=data, base_url=BEHIND_PROXY)
        assert saved.status_code == 302, saved.text[:2000]
        with production.app_context():
            addresses = db.session.scalars(select(AuditEntry.ip_address).where(AuditEntry.ip_address.is_not(None)))
            assert set(addresses) == {"198.51.100.23"}
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
