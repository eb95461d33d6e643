"""Every calendar object the suite produces, read by Mozilla's ical.js (Thunderbird, Nextcloud) and by Python's
icalendar, and compared with the meeting's stored times.

conftest.py records each text/calendar body of a response (test client and live server) and of a mail that
reached the SMTP fixture, with the meetings' stored times at that moment. At
the end of the run node reads all of them at once (tests/js/event_times.mjs) and the summary names the numbers.
"""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar

JS_FOLDER = Path(__file__).resolve().parent / "js"
NODE_SCRIPT = JS_FOLDER / "event_times.mjs"


@dataclass
class CalendarObject:
    source: str  # "feed meetings.personal_feed", "mail CANCEL", …
    text: str
    stored: dict[str, tuple[int, datetime, datetime]] | None = None  # uid → (sequence, starts_at, ends_at)


@dataclass
class CalendarCollector:
    objects: list[CalendarObject] = field(default_factory=list)
    database_url: str | None = None  # of the suite's database

    def record_response(self, response):
        """An after_request hook of the test apps."""
        from flask import request

        if response.status_code == 200 and response.mimetype == "text/calendar" and not response.direct_passthrough:
            self.add(f"response {request.endpoint}", response.get_data(as_text=True))
        return response

    def record_mail(self, message):
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                self.add(f"mail {part.get_param('method')}", part.get_content())

    def add(self, source: str, text: str):
        self.objects.append(CalendarObject(source, text, self.stored_times()))

    def stored_times(self) -> dict:
        """The meetings' stored times as the calendar was made (later changes, even behind the app's back, do
        not count), read on a connection of its own so the app's query counts stay as they are."""
        from sqlalchemy import create_engine, select
        from sqlalchemy.pool import NullPool

        from netzwerk.meetings.models import Meeting

        if self.database_url is None:
            return {}
        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                rows = connection.execute(select(Meeting.uid, Meeting.sequence, Meeting.starts_at, Meeting.ends_at))
                return {uid: (sequence, starts, ends) for uid, sequence, starts, ends in rows}
        finally:
            engine.dispose()


def ical_js_times(texts: list[str]) -> list[list[dict]]:
    """ical.js's reading of each text: per VEVENT uid, start, end (UTC Unix seconds) and the zones it found."""
    if shutil.which("node") is None or not (JS_FOLDER / "node_modules" / "ical.js").is_dir():
        raise RuntimeError("ical.js is not installed: run `make js-deps` (part of `make test`)")
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as file:
        json.dump(texts, file)
        file.flush()
        result = subprocess.run(
            ["node", str(NODE_SCRIPT), file.name],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": shutil.which("node").rsplit("/", 1)[0] + ":/usr/bin:/bin", "TZ": "UTC"},
        )
    return json.loads(result.stdout)


@dataclass
class Comparison:
    objects: int = 0
    events: int = 0
    against_stored: int = 0
    problems: list[str] = field(default_factory=list)


def compare(objects: list[CalendarObject]) -> Comparison:
    """Each VEVENT's UTC start and end as ical.js and icalendar read them, and as stored (same SEQUENCE only:
    an older mail of a meeting changed since then carries the older times)."""
    result = Comparison(objects=len(objects))
    if not objects:
        return result
    for one, js_events in zip(objects, ical_js_times([one.text for one in objects]), strict=True):
        python_events = Calendar.from_ical(one.text).walk("VEVENT")
        if len(python_events) != len(js_events):
            result.problems.append(f"{one.source}: {len(js_events)} events in ical.js, {len(python_events)} in Python")
            continue
        for event, js in zip(python_events, js_events, strict=True):
            result.events += 1
            uid = str(event["UID"])
            python_times = tuple(event.decoded(name).astimezone(UTC) for name in ("DTSTART", "DTEND"))
            js_times = tuple(datetime.fromtimestamp(js[name], UTC) for name in ("start", "end"))
            if js["uid"] != uid or js_times != python_times:
                result.problems.append(f"{one.source} {uid}: ical.js {js_times} ≠ icalendar {python_times}")
            stored = (one.stored or {}).get(uid)
            if stored and stored[0] == int(event.get("SEQUENCE", 0)):
                result.against_stored += 1
                if stored[1:] != python_times:
                    result.problems.append(f"{one.source} {uid}: stored {stored[1:]} ≠ calendar {python_times}")
    return result
