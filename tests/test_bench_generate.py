"""The benchmark's data generator (bench/generate.py) builds one demo's worth of the region per scale step."""

import re
import xml.etree.ElementTree as ElementTree

from sqlalchemy import func, select

from bench.chart import chart
from bench.generate import build_region, counts
from bench.pages import LOGINS, SECRET, build, pages, parse_wrk, queries_per_page
from netzwerk import create_app
from netzwerk.demo import DEMO_PASSWORD
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from netzwerk.network_picture.services import network_picture


def test_scale_one_is_the_demo_size_and_the_rows_hang_together(app):
    with app.app_context():
        added = build_region(1)
        db.session.commit()
        assert added == {
            "user_account": 18,
            "actor": 109,
            "contact_person": 109,
            "working_group": 6,
            "membership": 22,
            "meeting": 12,
            "invitation": 44,
            "partnership": 7,
            "partner_link": 7,
        }
        assert counts() == {name: added[name] for name in counts()}
        assert db.session.scalar(select(func.count()).where(Invitation.answer == "yes")) == 22  # the held meetings
        assert len(network_picture().nodes) > 6  # groups, their members' actors and the partners are linked


def test_each_scale_step_adds_the_same_again_with_unique_names(app):
    with app.app_context():
        build_region(2)
        db.session.commit()
        assert counts()["actor"] == 2 * 109 and counts()["membership"] == 2 * 22


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
    assert len(answers) == 22


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
