"""The benchmark: Landshut ×10's generator (bench/landshut.py) builds the goal's shape at any fraction, the
page benchmark reads wrk and reaches every page, the chart draws what the JSON holds."""

import re
import xml.etree.ElementTree as ElementTree
from collections import Counter

from sqlalchemy import func, select

from bench.chart import chart
from bench.landshut import build_landshut, table_counts
from bench.pages import LOGINS, SECRET, build, pages, parse_wrk, queries_per_page
from netzwerk import clock, create_app
from netzwerk.demo import DEMO_PASSWORD
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.meetings.models import Invitation, Meeting
from tests import factories
from tests.conftest import wipe


def shape() -> dict:
    """What the generator decided, independent of ids: invitees per meeting, members per group."""
    invited = db.session.execute(
        select(Meeting.title, func.count(Invitation.id)).join(Invitation).group_by(Meeting.title)
    ).all()
    return {
        "invited": sorted(invited),
        "members": sorted(Counter(db.session.scalars(select(Membership.group_id))).values()),
    }


def test_a_hundredth_of_landshut_has_the_goals_shape(app):
    with app.app_context():
        member = factories.create(app, factories.user, name="Mitglied seit Anfang")
        added = build_landshut(0.01, seed=7, member_id=member)
        assert {k: added[k] for k in ("user_account", "actor", "working_group", "meeting", "outgoing_mail")} == {
            "user_account": 100,
            "actor": 200,
            "working_group": 10,
            "meeting": 500,
            "outgoing_mail": 10_000,
        }
        assert (added["partnership"], added["poll"], added["audit_entry"]) == (1, 2, 1_000)
        assert 5 * 500 * 0.6 <= added["invitation"] <= 15 * 500  # about ten per meeting
        members = Counter(db.session.scalars(select(Membership.group_id)))
        assert all(10 <= n <= 61 for n in members.values()), members  # 10-60, and the member in six of them
        assert db.session.scalar(select(func.count()).where(Membership.user_id == member)) == 6
        past = select(Invitation).join(Meeting).where(Meeting.starts_at < clock.now())
        assert all(i.attendance for i in db.session.scalars(past.limit(200)))  # attendance on held meetings
        years = {m.starts_at.year for m in db.session.scalars(select(Meeting))}
        assert len(years) >= 10  # ten years of meetings


def test_the_same_seed_builds_the_same_region(app):
    with app.app_context():
        build_landshut(0.005, seed=3)
        first = shape()
    wipe(app)
    with app.app_context():
        build_landshut(0.005, seed=3)
        assert shape() == first and table_counts()["meeting"] == 250


WRK_REPORT = """Running 5s test @ http://127.0.0.1:8000/healthz
  2 threads and 8 connections
  Latency Distribution
     50%    1.20ms
     75%    2.01ms
     90%    3.50ms
     99%   12.40ms
  5523 requests in 5.00s, 2.10MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1104.52
Transfer/sec:    430.10KB
"""


def test_the_page_benchmark_reads_wrk_and_every_page_answers_on_the_demo(tmp_path):
    assert parse_wrk(WRK_REPORT) == {"rps": 1104.52, "p50_ms": 1.2, "p99_ms": 12.4, "errors": 3}
    url = f"sqlite:///{tmp_path}/bench.sqlite"
    ids = build(url, 1)
    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": False})
    member = app.test_client()
    member.post("/login", data={"email": LOGINS["member"], "password": DEMO_PASSWORD})
    ids["feed"] = re.search(r'(/kalender/[^"<\s]+\.ics)', member.get("/kalender/").text).group(1)
    answers = queries_per_page(url, pages(ids))
    assert {name: status for name, (_queries, _size, status) in answers.items()} == dict.fromkeys(answers, 200)
    assert len(answers) == 30


def test_the_chart_has_two_bars_per_page_the_goal_line_and_every_figure():
    def run(scale, rps):
        names = ("healthz", "Meine Termine", "annual report PDF")
        rows = [
            {"page": name, "rps": value, "share_of_healthz": value / rps[0]}
            for name, value in zip(names, rps, strict=True)
        ]
        return {"scale": scale, "pages": rows}

    result = {"date": "2026-12-04 19:56 UTC", "database": "sqlite", "cores": 2}
    svg = chart({**result, "runs": [run(1, (800, 200, 8)), run(10, (790, 190, 1))]})
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output): well-formed SVG
    bars = [rect for rect in root.iter("{http://www.w3.org/2000/svg}rect") if rect.find("{*}title") is not None]
    assert [bar.find("{*}title").text for bar in bars] == [
        "Meine Termine ×1: 200 req/s",
        "Meine Termine ×10: 190 req/s",
        "annual report PDF ×1: 8 req/s",
        "annual report PDF ×10: 1 req/s",
    ]  # /healthz is the 100 %, not a bar
    assert "200 / 190 req/s" in svg and "Ziel: 25 %" in svg and "Anteil an /healthz (800 req/s)" in svg
