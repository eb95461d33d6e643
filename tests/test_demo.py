"""`flask demo` loads the demo data once; the documented logins work."""

import pytest

from netzwerk.demo import DEMO_PASSWORD
from tests.conftest import login


def test_demo_loads_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "Demo-Daten geladen" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "bereits geladen" in second.output


@pytest.mark.parametrize(
    "email, heading",
    [
        ("manager@example.org", "Übersicht des Regionalmanagements"),
        ("mitglied@example.org", "Meine nächsten Termine"),
        ("partner@example.org", "Europäische Metropolregion München e.V."),
    ],
)
def test_demo_logins(app, runner, email, heading):
    runner.invoke(args=["demo"])
    client = app.test_client()
    assert login(client, email, DEMO_PASSWORD).status_code == 302
    assert heading in client.get("/").text
