"""Demo news: two published (one a press release), one scheduled for next week (contents invented)."""

from datetime import timedelta

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.news.models import NewsItem

NEWS = [
    (
        -20,
        False,
        "Neuer Arbeitskreis Wissen und Innovation",
        "Hochschule, Gründerzentrum und Unternehmen treffen sich künftig regelmäßig.",
        "Der Arbeitskreis bringt Forschung und Praxis zusammen. Erstes Thema ist der **Transfertag** mit der "
        "Hochschule Landshut.\n\nInteressierte Unternehmen melden sich beim Regionalmanagement.",
    ),
    (
        -3,
        True,
        "Ausbildungsmesse 2027: Stadt und Landkreis laden gemeinsam ein",
        "Die Ausbildungsmesse findet wieder in der Sparkassen-Arena statt; erstmals mit Bus ab Vilsbiburg.",
        "## Gemeinsam für Fachkräfte\n\nStadt und Landkreis Landshut laden Schülerinnen und Schüler, Eltern und "
        "Betriebe zur Ausbildungsmesse 2027 ein.\n\n- rund 80 Aussteller\n- Bus-Shuttle aus dem östlichen "
        "Landkreis\n\nPressekontakt: Regionalmanagement Stadt und Landkreis Landshut.",
    ),
    (
        7,
        False,
        "Rückblick auf das Netzwerkjahr",
        "Was die Arbeitskreise in diesem Jahr erreicht haben.",
        "Ein Rückblick auf Sitzungen, Projekte und Kooperationen des Jahres.",
    ),
]


def load_news(users: list[User]) -> int:
    for days, press, title, summary, body in NEWS:
        db.session.add(
            NewsItem(
                title=title,
                summary=summary,
                body=body,
                is_press_release=press,
                publish_at=clock.now() + timedelta(days=days),
                author=users[0],
            )
        )
    return len(NEWS)
