"""Benchmark: the main pages under load, on the demo and on the region × N, side by side in one run.

For each size it builds a fresh database (the demo, then Landshut ×10 from bench/landshut.py), serves it with gunicorn
(one worker per core, as in production), logs in per role over HTTP and drives every page with wrk (8
connections). ``/healthz`` runs first as the ceiling of the same run. Per page it prints req/s, p50/p99, the
share of ``/healthz``, the page's bytes and its SQL queries per request (counted in-process on the same
database), and at the end the ×N/×1 ratio; it writes ``bench/results/<date>-<db>.json`` with its chart (.svg,
bench/chart.py) and records the RSS of each worker after the run.

    python -m bench.pages [--fraction 1.0] [--seconds 5] [--db sqlite|postgresql]   (``make bench`` runs both)
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chart import write_chart  # noqa: E402
from bench.landshut import build_landshut  # noqa: E402
from netzwerk import clock, create_app  # noqa: E402
from netzwerk.actors.models import Actor  # noqa: E402
from netzwerk.auth.models import User  # noqa: E402
from netzwerk.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from netzwerk.extensions import db  # noqa: E402
from netzwerk.groups.models import Membership  # noqa: E402
from netzwerk.maintenance import refresh_planner_statistics  # noqa: E402
from netzwerk.meetings.models import Invitation, Meeting  # noqa: E402
from netzwerk.unit_of_work import unit_of_work  # noqa: E402
from tests import factories  # noqa: E402
from tests.postgres import postgres_cluster  # noqa: E402

LOGINS = {"manager": "manager@example.org", "member": "mitglied@example.org", "partner": "partner@example.org"}
SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # a throwaway database


def pages(ids: dict) -> list[tuple[str, str | None, str]]:
    """(name, role or None for anonymous, path) of every main page."""
    return [
        ("healthz", None, "/healthz"),
        ("start (member)", "member", "/"),
        ("Meine Termine", "member", "/termine/"),
        ("month view", "member", "/termine/kalender"),
        ("meeting page", "member", f"/termine/{ids['meeting']}"),
        ("meeting, 300 invited", "manager", f"/termine/{ids['conference']}"),
        ("group page", "member", f"/arbeitskreise/{ids['group']}"),
        ("groups list", "member", "/arbeitskreise/"),
        ("actor list", "manager", "/akteure/"),
        ("actor search", "manager", "/akteure/?q=Betrieb"),
        ("actor filters", "manager", "/akteure/?gebiet=county&art=company&handlungsfeld=2"),
        ("actor page", "manager", f"/akteure/{ids['actor']}"),
        ("personal feed", None, ids["feed"]),
        ("start (partner)", "partner", "/"),
        ("partner profile", "partner", "/partner/profil"),
        ("Termine (manager)", "manager", "/termine/"),
        ("overview", "manager", "/uebersicht/"),
        ("network picture", "manager", "/uebersicht/netzwerkbild"),
        ("network data", "manager", "/uebersicht/netzwerkbild.json"),
        ("annual report", "manager", "/uebersicht/jahresbericht"),
        ("annual report PDF", "manager", "/uebersicht/jahresbericht.pdf"),
        ("annual report xlsx", "manager", "/uebersicht/jahresbericht.xlsx"),
        ("audit log", "manager", "/aenderungsprotokoll/"),
        ("outbox", "manager", "/postausgang/"),
        ("users list", "manager", "/benutzer/"),
        # the daily work of issue 18: pickers instead of selects of 20,000 actors, meeting search, tasks
        ("members page (picker)", "manager", f"/arbeitskreise/{ids['group']}/mitglieder?suche=Ma"),
        ("actor suggestions", "manager", "/akteure/auswahl?q=Betrieb"),
        ("project form (picker)", "manager", "/vorhaben/neu"),
        ("meeting search", "manager", "/termine/?suche=Protokoll"),
        ("tasks (manager)", "manager", "/aufgaben/"),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(url: str, scale: int, fraction: float = 1.0) -> dict:
    """A fresh database with the demo, at scale 10 also "Landshut ×10" (bench/landshut.py at ``fraction`` of
    its sizes, the demo member in six of its groups for ten years), and at both sizes a conference of 300
    invited people; the ids the pages need."""
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context():
        upgrade()
        began = time.perf_counter()
        with unit_of_work():
            load_demo()
        member = db.session.scalar(select(User).where(User.email == LOGINS["member"]))
        member_id = member.id
        if scale > 1:
            build_landshut(fraction, member_id=member_id)
        conference = add_conference(invited=300)
        refresh_planner_statistics()  # as the scheduler does when it starts
        db.session.commit()
        own_meetings = select(Invitation.meeting_id).where(Invitation.user_id == member_id)
        ids = {
            "meeting": db.session.scalar(select(Meeting.id).where(Meeting.id.in_(own_meetings)).limit(1)),
            "conference": conference,
            "group": db.session.scalar(select(Membership.group_id).where(Membership.user_id == member_id).limit(1)),
            "actor": db.session.scalar(select(Actor.id).order_by(Actor.id).limit(1)),
            "built_seconds": round(time.perf_counter() - began, 1),
        }
    return ids


def add_conference(invited: int) -> int:
    """A Regionalkonferenz in two weeks with ``invited`` people invited, a third of whom said yes."""
    with factories.batch():
        people = [
            factories.user(name=f"Gast {n}", email=f"gast{n}@konferenz.example", password=None) for n in range(invited)
        ]
        group = factories.group(name="Regionalkonferenz", members=people)
        conference = factories.meeting(
            group,
            title="Regionalkonferenz Landshut",
            starts_at=factories.in_days(14, hour=9),
            answers={person: ("yes", None, "no")[n % 3] for n, person in enumerate(people)},
        )
    return conference.id


def queries_per_page(url: str, todo: list[tuple[str, str | None, str]]) -> dict[str, tuple[int, int, int]]:
    """name → (SQL queries, bytes, status) of one request, in-process on the benchmark's database."""
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})
    counted = []
    clients = {}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: counted.append(1))
    for role, email in LOGINS.items():
        clients[role] = app.test_client()
        clients[role].post("/login", data={"email": email, "password": DEMO_PASSWORD})
    clients[None] = app.test_client()
    found = {}
    for name, role, path in todo:
        clients[role].get(path)  # warm (caches, first-request work)
        counted.clear()
        response = clients[role].get(path)
        found[name] = (len(counted), len(response.data), response.status_code)
    return found


def login_cookie(base: str, email: str) -> str:
    """Log in over HTTP like a browser (the form's CSRF token) and return the Cookie header."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": DEMO_PASSWORD}).encode()
    opener.open(f"{base}/login", data=body).read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def feed_path(base: str, cookie: str) -> str:
    """The member's personal calendar feed, as the subscribe page shows it."""
    request = urllib.request.Request(f"{base}/kalender/", headers={"Cookie": cookie})
    page = urllib.request.urlopen(request).read().decode()
    return re.search(r'(/kalender/[^"<\s]+\.ics)', page).group(1)


def wrk(url: str, cookie: str | None, seconds: int) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def parse_wrk(out: str) -> dict:
    """req/s, p50 and p99 in ms and the non-2xx/3xx count from wrk's ``--latency`` report."""
    latency: dict[str, float] = {}
    for percent, value, unit in re.findall(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        latency[percent] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def worker_rss_mb(master: int) -> list[float]:
    rss = subprocess.run(["ps", "--ppid", str(master), "-o", "rss="], capture_output=True, text=True).stdout
    return [round(int(kb) / 1024, 1) for kb in rss.split()]


def measure(url: str, scale: int, seconds: int, fraction: float = 1.0) -> dict:
    ids = build(url, scale, fraction)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NETZWERK_CONFIG": "development", "DATABASE_URL": url, "SECRET_KEY": SECRET, "PORT": str(port)}
    workers = str(os.cpu_count() or 2)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", workers, "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        cookies = {role: login_cookie(base, email) for role, email in LOGINS.items()} | {None: None}
        ids["feed"] = feed_path(base, cookies["member"])
        todo = pages(ids)
        counts = queries_per_page(url, todo)
        rows = []
        for name, role, path in todo:
            figures = wrk(base + path, cookies[role], seconds)
            queries, size, status = counts[name]
            rows.append(
                {
                    "page": name,
                    "path": path,
                    "role": role,
                    "queries": queries,
                    "bytes": size,
                    "status": status,
                    **figures,
                }
            )
            print(f"  {name:<20} {figures['rps']:8.1f} req/s  p99 {figures['p99_ms'] or 0:7.1f} ms", end="")
            print(f"  {size:>9} B  {queries:>3} SQL  HTTP {status}", flush=True)
        rss = worker_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    ceiling = rows[0]["rps"] or 1
    for row in rows:
        row["share_of_healthz"] = round(row["rps"] / ceiling, 3)
    return {"scale": scale, "built_seconds": ids["built_seconds"], "worker_rss_mb": rss, "pages": rows}


def table(runs: list[dict]) -> str:
    small, large = runs[0], runs[-1]
    lines = [
        f"| page | ×{small['scale']} req/s | ×{small['scale']} share of /healthz | ×{large['scale']} req/s | "
        f"×{large['scale']}/×{small['scale']} | p99 ms (×{large['scale']}) | KB (×{large['scale']}) | SQL (×1 / ×N) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for one, other in zip(small["pages"], large["pages"], strict=True):
        ratio = other["rps"] / one["rps"] if one["rps"] else 0
        lines.append(
            f"| {one['page']} | {one['rps']:.0f} | {one['share_of_healthz']:.0%} | {other['rps']:.0f} | {ratio:.2f} | "
            f"{other['p99_ms'] or 0:.0f} | {other['bytes'] / 1024:.0f} | {one['queries']} / {other['queries']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="of Landshut ×10's sizes, for a quick run")
    parser.add_argument("--seconds", type=int, default=5, help="wrk's duration per page")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk fehlt (make bench installiert es: apt-get install wrk)")
    if args.db == "postgresql":  # a throwaway cluster, as the suite starts one
        with postgres_cluster(free_port()) as url:
            report(args, lambda scale: reset_postgresql(url) or url)
    else:
        folder = Path(tempfile.mkdtemp(prefix="netzwerk-bench-"))
        report(args, lambda scale: f"sqlite:///{folder}/x{scale}.sqlite")


def report(args, database_for) -> None:
    runs = []
    for scale in (1, 10):
        url = database_for(scale)
        print(f"Landshut × {scale} ({args.db}):", flush=True)
        runs.append(measure(url, scale, args.seconds, args.fraction))
    print(table(runs))
    result = {
        "date": f"{clock.now():%Y-%m-%d %H:%M} UTC",
        "database": args.db,
        "cores": os.cpu_count(),
        "fraction": args.fraction,
        "runs": runs,
    }
    out = ROOT / "bench" / "results" / f"{clock.today():%Y-%m-%d}-{args.db}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"→ {out.relative_to(ROOT)}, {write_chart(out).relative_to(ROOT)}")


def reset_postgresql(url: str) -> None:
    """An empty database for the next size."""
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET})
    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
