"""Headings in user text fit under the page's own: the first-order ones get the level asked for, deeper ones keep
their distance, so the W3C checker finds no skipped level whether the author starts with "#" or "##"."""

import pytest

from netzwerk.markdown import render_markdown


@pytest.mark.parametrize(
    ("text", "top", "expected"),
    [
        ("## TOP 1\n### Unterpunkt", 3, ("<h3>TOP 1</h3>", "<h4>Unterpunkt</h4>")),
        ("# Programm\n## Vorträge", 2, ("<h2>Programm</h2>", "<h3>Vorträge</h3>")),
        ("#### Tief", 3, ("<h3>Tief</h3>",)),
        ("# A\n###### F", 3, ("<h3>A</h3>", "<h6>F</h6>")),  # never beyond h6
        ("kein Titel", 3, ("<p>kein Titel</p>",)),
    ],
)
def test_headings_start_at_the_given_level(text, top, expected):
    html = render_markdown(text, top)
    assert all(part in html for part in expected), html


def test_the_sanitiser_still_runs():
    html = str(render_markdown("## <script>x</script>[a](javascript:alert(1))"))
    assert "<script" not in html and 'href="javascript' not in html and html.startswith("<h3>")
