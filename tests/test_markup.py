"""Every page the accessibility walk visits (tests/test_browser.py), for every role, read with the test client and
checked by the W3C Nu HTML Checker (npm vnu-jar, run with the machine's Java, as validator.w3.org does), plus
quick checks of what it refused before: a <time datetime> with more than three fractional digits of a second, an
empty form action, and a figcaption in the middle of its figure."""

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PASSWORD, login
from tests.test_browser import assign_to_partner, reachable_pages

TOO_FINE = re.compile(r'<time datetime="[^"]*\.\d{4,}')
EMPTY_ACTION = re.compile(r'<form[^>]*\saction=""')
FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL)


def misplaced_figcaption(page: str) -> str | None:
    """A figcaption must be a figure's first or last child."""
    for figure in FIGURE.finditer(page):
        inner = figure.group(1).strip()
        if "<figcaption" in inner and not (inner.startswith("<figcaption") or inner.endswith("</figcaption>")):
            return figure.group(0)[:120]
    return None


VNU = Path(__file__).parent / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_checker_errors(folder: Path) -> list[str]:
    """Run the Nu HTML Checker once over every saved page; its errors as "file: line: message"."""
    assert VNU.exists(), "vnu-jar is not installed: run `make js-deps` (part of `make test`)"
    java = shutil.which("java")
    assert java, "Java is not installed: `make system-deps` installs default-jre-headless (part of `make test`)"
    run = subprocess.run(  # noqa: S603 (our own files)
        [java, "-Xss4m", "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}: {m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '')[:80]!r}]"
        for m in messages
        if m.get("type") == "error"
    ]


def test_every_page_has_valid_times_form_actions_and_figures(app, client, make_user, make_actor, tmp_path):
    problems = []
    names = {}
    for role, urls in reachable_pages(app, make_user, make_actor).items():
        if role:
            user = make_user(role=role)
            if role == "partner":
                assign_to_partner(app, user.id, "Faserwerk GmbH")
            assert login(client, user.email, PASSWORD).status_code == 302
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            saved = tmp_path / f"{role or 'visitor'}-{len(names):04d}.html"
            saved.write_text(page, encoding="utf-8")
            names[saved.name] = f"{role or 'visitor'} {url}"
            for rule in (TOO_FINE, EMPTY_ACTION):
                if found := rule.search(page):
                    problems.append(f"{role or 'visitor'} {url}: {found.group(0)}")
            if figure := misplaced_figcaption(page):
                problems.append(f"{role or 'visitor'} {url}: {figure}")
        client.post("/logout", data={})
        client.delete_cookie("session")
    for error in nu_checker_errors(tmp_path):
        file_name, _, rest = error.partition(": ")
        problems.append(f"{names.get(file_name, file_name)}: {rest}")
    assert not problems, f"{len(problems)} problems on {len(names)} pages:\n" + "\n".join(problems[:200])


def test_the_nu_checker_reports_what_it_should(tmp_path):
    """The check above can fail: a skipped heading level and a date field holding a word are refused."""
    bad = '<!doctype html><html lang="de"><head><title>x</title></head><body><h1>a</h1><h4>b</h4>'
    (tmp_path / "bad.html").write_text(bad + '<input type="date" value="gestern"></body></html>', encoding="utf-8")
    errors = nu_checker_errors(tmp_path)
    assert any("skipping 2 heading levels" in error for error in errors), errors
    assert any("gestern" in error for error in errors), errors
