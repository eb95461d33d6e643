"""The two locks: requirements.txt (everything, for development and CI) and requirements-production.txt (what a
server installs). Same versions in both, and no test or development tool on a server."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[a-z,]+\])?==(\S+)", re.MULTILINE)
TOOLS = {"pytest", "playwright", "hypothesis", "aiosmtpd", "ruff", "mypy", "pre-commit", "pip-tools", "coverage"}


def pins(name: str) -> dict[str, str]:
    return {package.lower(): version for package, version in PIN.findall((ROOT / name).read_text())}


def test_the_production_lock_has_the_versions_of_the_full_lock_and_no_tools():
    everything, production = pins("requirements.txt"), pins("requirements-production.txt")
    assert {"flask", "sqlalchemy", "gunicorn", "psycopg", "psycopg-binary", "setuptools"} <= production.keys()
    assert {package: everything.get(package) for package in production} == production
    assert not TOOLS & production.keys()


def test_every_line_of_both_locks_is_hashed():
    for name in ("requirements.txt", "requirements-production.txt"):
        text = (ROOT / name).read_text()
        assert text.count("==") == len(pins(name)) > 40
        for block in re.split(r"\n(?=\S)", text):
            if PIN.match(block):
                assert "--hash=sha256:" in block, block.splitlines()[0]
