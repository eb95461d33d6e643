"""Property-based walk (Hypothesis): every route with each of its methods, as every role, with random and
hostile values in every form field and query parameter the views read. Properties: never a 5xx; a request that
was refused (403, 404, a redirect to the login, a form shown again with errors) changed no table.

Two parts per role, so the coverage does not hang on chance: a sweep sends every route the role may use once,
as the page's own form would (its defaults and the CSRF token) with one field (in turn) replaced by a hostile
value; then Hypothesis draws routes (mostly ones the role may use), fields and values at random. Hypothesis
alone reached only 20–30 endpoints per run on either database: it mutates the examples it already has, so its
160 draws per role stayed on about 25 routes, and half of the rest were refused before the view (403 for the
role, 400 for a missing token). Which ones it hit differed from run to run, not by database.

HYPOTHESIS_PROFILE=ci (default: about 650 inputs, 1.5 to 2.5 minutes per database on a busy machine) or bench."""

import os
import re
import string
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from netzwerk.auth.permissions import PUBLIC, access_of
from netzwerk.extensions import db
from tests import property_stats
from tests.conftest import csrf_token_from
from tests.html_forms import fingerprint, forms_in
from tests.test_access import sample_url
from tests.world import ROLES, build_world, client_as

COMMON = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck), "derandomize": False}
settings.register_profile("ci", max_examples=50, **COMMON)
settings.register_profile("bench", max_examples=2000, **COMMON)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

# Endpoints that end the client's session (every later request would be anonymous) are left out.
SKIPPED = {"auth.logout", "auth.change_password", "privacy.request_deletion_view"}
# What the views read from the query string (grep request.args / query_text / int_arg / date_arg).
QUERY_PARAMETERS = [
    "q", "art", "gebiet", "sortierung", "gemeinde", "handlungsfeld", "branche", "kooperation", "archiv", "page",
    "von", "bis", "arbeitskreis", "monat", "antwort", "next", "suche", "stand", "status", "aktion", "format",
]  # fmt: skip
# Swept last: they remove what the other routes show.
DESTRUCTIVE = ("delete", "erase", "end_", "decline", "leave", "cancel", "close", "toggle_archive", "change_status")
# Tables a refused request may still write: the login throttle and the audit of refused sign-ins.
MAY_CHANGE_WHEN_REFUSED = {"throttle_attempt", "audit_entry", "scheduler_heartbeat"}

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\x1b[31m",
    "\u202e\u200b",
    "²",
    "٣",
    "𝟘𝟙",
    "-1",
    "0",
    "2147483648",
    "9" * 40,
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-30",
    "24:61",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "%",
    "_%\\",
    "../../etc/passwd",
    "javascript:alert(1)",
    "http://evil.example/",
    "//evil.example",
    "on",
    "y",
    "true",
    "Ärger über Öl und Süßes",
    "中文 العربية עברית",
    "x" * 6000,
    '=HYPERLINK("x")',
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda value: value.strftime("%Y-%m-%dT%H:%M")
    ),
)


def field_values(names: list[str], defaults: dict | None = None):
    """Each known field: what the browser would send (the page's default, so the view gets past its first
    checks), left out, one hostile value or a duplicate; sometimes an unknown name besides."""
    defaults = defaults or {}
    one = st.one_of(st.none(), values.map(lambda v: [v]), st.lists(values, min_size=2, max_size=3))
    known = st.fixed_dictionaries(
        {name: st.one_of(st.just(defaults[name]), one) if name in defaults else one for name in names}
    )
    extra = st.dictionaries(
        st.sampled_from(["zusatz", "id", "role", "version", "is_public"]), values.map(lambda v: [v])
    )
    return st.tuples(known, extra).map(lambda pair: {k: v for k, v in {**pair[1], **pair[0]}.items() if v is not None})


# --- What each endpoint's forms send (found once by GETting every page as the manager and as each role) ----

_form_names: dict[str, set[str]] = {}
_form_defaults: dict[str, dict] = {}


def discover_forms(app, clients: dict, ids: dict) -> dict[str, set[str]]:
    if _form_names:
        return _form_names
    adapter = app.url_map.bind("localhost")
    for client in clients.values():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED or rule.endpoint == "static":
                continue
            page = client.get(sample_url(rule, ids))
            if "text/html" not in page.content_type:
                continue
            for form in forms_in(page.text):
                path = form.action.split("?")[0] or sample_url(rule, ids).split("?")[0]
                try:
                    endpoint, _args = adapter.match(path, method=form.method)
                except HTTPException:  # an action outside the app, or one answered by a redirect
                    continue
                key = f"{endpoint} {form.method}"
                _form_names.setdefault(key, set()).update(name for name in form.names if name != "csrf_token")
                _form_defaults.setdefault(key, {k: v for k, v in form.data().items() if k != "csrf_token"})
    return _form_names


def allowed(endpoint: str, role: str) -> bool:
    access = access_of(endpoint) or frozenset()
    as_role = {"manager": "admin", "lead": "member", "anonymous": None}.get(role, role)
    return PUBLIC in access or as_role in access


def is_refused(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (400, 403, 404, 405, 409, 410, 413, 422) or "/login?next=" in location


def sweep_order(target) -> tuple[bool, str, str]:
    endpoint, method, _url, _may_use = target
    return any(word in endpoint for word in DESTRUCTIVE), method != "GET", endpoint


def sweep_forms(target, n: int, names: dict) -> tuple[dict, dict]:
    """The page's own submission with the n-th field (in turn) replaced by a hostile value."""
    endpoint, method, _url, _may_use = target
    key = f"{endpoint} {method}"
    form = {name: list(value) for name, value in _form_defaults.get(key, {}).items()}
    fields = sorted(names.get(key, ())) or QUERY_PARAMETERS
    hostile = [HOSTILE[n % len(HOSTILE)]]
    if method == "POST" and names.get(key):
        form[fields[n % len(fields)]] = hostile
        return form, {}
    return form, {QUERY_PARAMETERS[n % len(QUERY_PARAMETERS)]: hostile}


@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_server_error_or_changes_what_it_may_not(app, make_user, make_actor, role, request):
    people, ids = build_world(app)
    clients = {name: client_as(app, people, name) for name in ("manager", role) if name != "anonymous"}
    client = clients.get(role) or client_as(app, people, role)
    with app.test_request_context():
        names = discover_forms(app, clients, ids)
        targets = sorted(
            (rule.endpoint, method, sample_url(rule, ids), allowed(rule.endpoint, role))
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in SKIPPED
            for method in rule.methods - {"HEAD", "OPTIONS"}
        )
    usable = [target for target in targets if target[3]]
    refused = [target for target in targets if not target[3]] or usable
    token = csrf_token_from(client.get("/login" if role == "anonymous" else "/profil").text)

    def send(target, form: dict, query: dict) -> None:
        endpoint, method, url, may_use = target
        with app.app_context():
            before = fingerprint(db) if method == "POST" else None
        response = client.open(url, method=method, query_string=query, data=form if method == "POST" else None)
        property_stats.count(role, response.status_code, endpoint)
        where = f"{method} {url} as {role} with {form!r} ?{query!r}: {response.status_code}"
        assert response.status_code < 500, where
        if not may_use and role != "anonymous":
            assert response.status_code in (403, 404), where
        if method == "POST" and (is_refused(response) or not may_use):
            with app.app_context():
                after = fingerprint(db)
            changed = {name for name in after if after[name] != before[name]} - MAY_CHANGE_WHEN_REFUSED
            assert not changed, f"{where} changed {sorted(changed)}"

    @settings(settings.get_profile(PROFILE))
    @given(
        # mostly routes the role may use: the refusals of the others are the access walk's (test_access.py)
        target=st.integers(0, 9).flatmap(lambda n: st.sampled_from(refused if n == 0 else usable)),
        data=st.data(),
        with_token=st.integers(0, 9).map(lambda n: n > 0),
    )
    def walk(target, data, with_token):
        endpoint, method, _url, _may_use = target
        key = f"{endpoint} {method}"
        form = data.draw(field_values(sorted(names.get(key, ())), _form_defaults.get(key)), label="form")
        query = data.draw(field_values(QUERY_PARAMETERS), label="query")
        if with_token and method == "POST":
            form["csrf_token"] = [token]
        send(target, form, query)

    walk()
    for n, target in enumerate(sorted(usable, key=sweep_order)):
        form, query = sweep_forms(target, n, names)
        send(target, {**form, "csrf_token": [token]}, query)


def test_the_hostile_values_include_what_broke_before():
    """The walk of issue 15 found these; they must stay in the list."""
    assert {"0001-01-01", "²", "\x00"} <= set(HOSTILE)
    assert re.fullmatch(r"9+", HOSTILE[13])
