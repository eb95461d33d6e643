"""Legal pages: Datenschutzerklärung, Impressum, Erklärung zur Barrierefreiheit, Leichte Sprache (with first texts)

Revision ID: 0014_legal_pages
Revises: 0013_projects
Create Date: 2026-11-26 12:25:00

"""
from alembic import op
import sqlalchemy as sa

from netzwerk import clock


# revision identifiers, used by Alembic.
revision = '0014_legal_pages'
down_revision = '0013_projects'
branch_labels = None
depends_on = None

# First texts; the Regionalmanagement completes them on the pages themselves ("[bitte ergänzen]").
PAGES = [
    ("impressum", "Impressum", """## Herausgeber

Regionalmanagement Stadt und Landkreis Landshut
[Anschrift bitte ergänzen]

Telefon: [bitte ergänzen]
E-Mail: [bitte ergänzen]

## Vertreten durch

[Oberbürgermeister der Stadt Landshut und Landrat des Landkreises Landshut – bitte ergänzen]

## Verantwortlich für den Inhalt

[Name der Regionalmanagerin oder des Regionalmanagers, Anschrift wie oben]

## Haftung für Links

Für die Inhalte verlinkter Seiten anderer Anbieter sind deren Betreiber verantwortlich.
"""),
    ("datenschutz", "Datenschutzerklärung", """## Verantwortlich

Regionalmanagement Stadt und Landkreis Landshut, [Anschrift bitte ergänzen].
Datenschutzbeauftragte oder Datenschutzbeauftragter: [bitte ergänzen].

## Wozu wir Daten verarbeiten

Das Netzwerk Landshut verbindet Akteure aus Stadt und Landkreis in Arbeitskreisen. Dafür verarbeiten wir
Angaben zu Organisationen und ihren Ansprechpersonen, Benutzerkonten (Name, E-Mail-Adresse, Organisation,
freiwillig Telefon), Mitgliedschaften in Arbeitskreisen, Einladungen, Zu- und Absagen, Anwesenheit und
Protokolle sowie die verschickten E-Mails. Rechtsgrundlage ist die Erfüllung unserer Aufgaben im öffentlichen
Interesse (Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit Art. 4 BayDSG) und, wo wir Sie fragen, Ihre
Einwilligung (Art. 6 Abs. 1 Buchst. a DSGVO), zum Beispiel für das Zeigen Ihrer Kontaktdaten gegenüber anderen
Mitgliedern. Eine Einwilligung können Sie jederzeit im Profil widerrufen.

## Wer die Daten sieht

Das Regionalmanagement; die Mitglieder eines Arbeitskreises sehen Namen und Organisation der anderen
Mitglieder, Kontaktdaten nur mit deren Einwilligung. Öffentlich sind nur Angaben, die als öffentlich markiert
sind. Eine Übermittlung in Drittländer findet nicht statt.

## Cookies

Wir setzen nur technisch notwendige Cookies: für die Anmeldung und die gewählte Sprache.

## Wie lange

Solange Sie im Netzwerk mitarbeiten; danach löschen wir Ihr Konto auf Wunsch oder nach Ablauf der
Aufbewahrungsfristen. Protokolle von Sitzungen bleiben als Verwaltungsunterlagen erhalten.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und Widerspruch
(Art. 15 bis 21 DSGVO). Wenden Sie sich dafür an das Regionalmanagement. Sie können sich außerdem beim
Bayerischen Landesbeauftragten für den Datenschutz beschweren.
"""),
    ("barrierefreiheit", "Erklärung zur Barrierefreiheit", """Das Regionalmanagement Stadt und Landkreis Landshut ist
bemüht, das Netzwerk Landshut im Einklang mit dem Bayerischen Behindertengleichstellungsgesetz (BayBGG) und der
Barrierefreien Informationstechnik-Verordnung (BayBITV) barrierefrei zugänglich zu machen.

## Stand der Vereinbarkeit

Die Seiten sind mit den Anforderungen der WCAG 2.1 auf Stufe AA weitgehend vereinbar. Jede Seite wird bei jeder
Änderung automatisch mit axe-core geprüft; die Bedienung mit der Tastatur und die Darstellung auf kleinen
Bildschirmen werden mitgetestet.

## Nicht barrierefreie Inhalte

- Dokumente, die als Links zu Sitzungen eingestellt werden, stammen von Dritten und sind nicht immer barrierefrei.
- [weitere bekannte Einschränkungen bitte ergänzen]

## Erstellung dieser Erklärung

Diese Erklärung wurde am [Datum bitte ergänzen] erstellt und beruht auf einer Selbstbewertung.

## Barrieren melden

Wenn Ihnen Barrieren auffallen oder Sie Inhalte in einer anderen Form brauchen, nutzen Sie das Formular unten.
Wir antworten innerhalb von sechs Wochen.

## Durchsetzungsverfahren

Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die
Durchsetzungsstelle für barrierefreie Informationstechnik des Freistaats Bayern wenden:
[Anschrift bitte ergänzen].
"""),
    ("leichte-sprache", "Netzwerk Landshut in Leichter Sprache", """Das ist das Netzwerk Landshut.

Die Stadt Landshut und der Landkreis Landshut arbeiten zusammen.
Viele Firmen, Schulen und Vereine machen mit.

Sie treffen sich in Gruppen.
Eine Gruppe heißt Arbeits·kreis.
Jeder Arbeits·kreis hat ein Thema.
Zum Beispiel: Wie finden Firmen gute Mitarbeiter?

Hier können Mitglieder sehen:

- Wann ist das nächste Treffen?
- Was wird besprochen?
- Was wurde beim letzten Treffen beschlossen?

Mitglieder können sagen: Ich komme. Oder: Ich komme nicht.

Sie haben Fragen?
Dann schreiben Sie dem Regional·management.
"""),
]


def upgrade():
    table = op.create_table('legal_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_page')),
    sa.UniqueConstraint('slug', name=op.f('uq_legal_page_slug'))
    )
    now = clock.now()
    op.bulk_insert(table, [
        {"slug": slug, "title": title, "body": body, "updated_at": now, "version": 1} for slug, title, body in PAGES
    ])


def downgrade():
    op.drop_table('legal_page')
