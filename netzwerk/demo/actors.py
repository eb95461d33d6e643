"""Demo actors: the region's real organisations and some municipalities, plus invented companies, schools and
associations spread over the city and the Landkreis and over all fields of action.

Real entries (netzwerk/data/partners.csv, the municipalities) carry no invented facts except the demo accounts
as contact persons. Invented entries say so in their description; their names are made up, their people too,
and every e-mail address is at example.org or example.de. ``random.Random(2026)`` makes every run the same."""

import random

from sqlalchemy import select

from netzwerk.actors.models import Actor, ActorKind, FieldOfAction, Municipality
from netzwerk.actors.search import fold
from netzwerk.actors.services import ActorData, ContactData, save_actor
from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.reference import reference_organisations

SEED = 2026
SOURCE = "Demo-Daten (erfunden)"
INVENTED = "Fiktiver Demo-Eintrag."

# Fields of action by their position in the migration's seed (1 Zuzugsregion … 7 Stadt-Umland).
ZUZUG, WISSEN, METROPOLE, FACHKRAEFTE, VERNETZUNG, INNOVATION, STADT_UMLAND = range(1, 8)

# The "kind" column of partners.csv → ActorKind.
KIND_BY_CATEGORY = {
    "Kommune": ActorKind.MUNICIPALITY,
    "Verwaltung/Behörde": ActorKind.AUTHORITY,
    "Hochschule/Forschung": ActorKind.RESEARCH,
    "Kammer": ActorKind.CHAMBER,
    "Verein/Verband": ActorKind.ASSOCIATION,
    "Regionalmanagement": ActorKind.AUTHORITY,  # a unit of the Landratsamt
    "Metropolregion": ActorKind.PARTNER,
    "Flughafen": ActorKind.PARTNER,
    "Regionalmarketing": ActorKind.PARTNER,
    "Gründerzentrum": ActorKind.PARTNER,
    "Bildung": ActorKind.EDUCATION,
}

# The real organisations: seat in the city of Landshut (None: outside the region or not known), fields, sectors.
REAL_ORGANISATIONS = {
    "Regionalmanagement Stadt und Landkreis Landshut": ("Landshut", (VERNETZUNG, STADT_UMLAND, METROPOLE), ()),
    "Landkreis Landshut (Landratsamt)": ("Landshut", (STADT_UMLAND, ZUZUG), ()),
    "Stadt Landshut": ("Landshut", (STADT_UMLAND, ZUZUG, WISSEN), ()),
    "Bayerisches Staatsministerium für Wirtschaft, Landesentwicklung und Energie": (None, (INNOVATION, WISSEN), ()),
    "Europäische Metropolregion München e.V.": (None, (METROPOLE, VERNETZUNG), ()),
    "Flughafen München GmbH": (None, (METROPOLE, FACHKRAEFTE), ("Logistik", "Luft- und Raumfahrt")),
    "Hochschule Landshut": ("Landshut", (WISSEN, INNOVATION, FACHKRAEFTE), ("Künstliche Intelligenz",)),
    "LINK – Landshuter Innovations- und Kreativzentrum e.V.": ("Landshut", (INNOVATION, WISSEN), ("Digitalisierung",)),
    "Bildungsregion Landshut": ("Landshut", (FACHKRAEFTE, VERNETZUNG, STADT_UMLAND), ("Bildung",)),
    "IHK Niederbayern": (None, (FACHKRAEFTE, VERNETZUNG), ()),
    "Handwerkskammer Niederbayern-Oberpfalz": (None, (FACHKRAEFTE,), ("Handwerk",)),
    "Agentur für Arbeit Landshut-Pfarrkirchen": ("Landshut", (FACHKRAEFTE,), ()),
    "Regierung von Niederbayern": ("Landshut", (STADT_UMLAND, ZUZUG), ()),
    "Niederbayern-Forum e.V.": (None, (VERNETZUNG, METROPOLE), ("Tourismus",)),
    "Wirtschaftsjunioren Landshut e.V.": ("Landshut", (VERNETZUNG, FACHKRAEFTE), ()),
}

# Municipalities of the Landkreis that appear as actors themselves (name as in the municipality table).
MUNICIPALITY_ACTORS = (
    "Ergolding",
    "Vilsbiburg",
    "Altdorf",
    "Essenbach",
    "Rottenburg an der Laaber",
    "Geisenhausen",
    "Ergoldsbach",
    "Velden",
    "Pfeffenhausen",
    "Kumhausen",
    "Bruckberg",
    "Tiefenbach",
)

# Invented actors by kind: name, municipality, sectors, fields (the first always, then 0–2 of the others), text.
# fmt: off
INVENTED_ACTORS = {
    ActorKind.COMPANY: [
        ("Isarwerk Faserverbund GmbH", "Landshut",
         ("Leichtbau und Faserverbund", "Luft- und Raumfahrt"), (WISSEN, INNOVATION, FACHKRAEFTE),
         "Fertigt Leichtbauteile aus faserverstärktem Kunststoff für Luftfahrt und Fahrzeugbau."),
        ("Vilstaler Präzisionsmechanik GmbH", "Vilsbiburg",
         ("Maschinenbau", "Automobil und Zulieferer"), (FACHKRAEFTE, WISSEN, INNOVATION),
         "Dreh- und Frästeile in kleinen Serien für Zulieferer der Automobilindustrie."),
        ("Laabertaler Antriebstechnik GmbH", "Rottenburg an der Laaber",
         ("Automobil und Zulieferer", "Maschinenbau"), (WISSEN, FACHKRAEFTE, METROPOLE),
         "Entwickelt Getriebe und Elektroantriebe für Sonderfahrzeuge."),
        ("Kronhof Datenwerk GmbH", "Landshut",
         ("Digitalisierung", "Künstliche Intelligenz"), (WISSEN, INNOVATION, VERNETZUNG),
         "Datenanalyse und Softwareentwicklung für den Mittelstand."),
        ("Sensorik Mühlbach GmbH", "Ergolding", ("Medizintechnik", "Elektrotechnik"), (WISSEN, INNOVATION),
         "Kleine Sensoren für Medizingeräte und Labortechnik."),
        ("Logistikpark Isarbogen GmbH", "Essenbach", ("Logistik",), (METROPOLE, FACHKRAEFTE, STADT_UMLAND),
         "Lager- und Umschlagflächen an der Autobahn, Kontraktlogistik für die Industrie."),
        ("MedTec Hofberg GmbH", "Landshut", ("Medizintechnik",), (WISSEN, INNOVATION, FACHKRAEFTE),
         "Instrumente für die minimalinvasive Chirurgie."),
        ("Aerotech Komponenten Isar-Vils GmbH", "Ergoldsbach",
         ("Luft- und Raumfahrt", "Leichtbau und Faserverbund"), (WISSEN, METROPOLE, INNOVATION),
         "Kabinenbauteile und Halterungen für die Luftfahrtindustrie."),
        ("KI-Werkstatt Isar GmbH", "Landshut",
         ("Künstliche Intelligenz", "Digitalisierung"), (INNOVATION, WISSEN, VERNETZUNG),
         "Bildverarbeitung und Sprachmodelle für Produktion und Verwaltung."),
        ("Elektrotechnik Brunnfeld GmbH", "Kumhausen",
         ("Handwerk", "Elektrotechnik", "Energie und Umwelttechnik"), (FACHKRAEFTE, INNOVATION),
         "Elektroinstallation, Photovoltaik und Ladesäulen für Betriebe und Haushalte."),
        ("Kältetechnik Auwald GmbH", "Niederaichbach",
         ("Energie und Umwelttechnik", "Handwerk"), (FACHKRAEFTE, STADT_UMLAND),
         "Wärmepumpen und Kälteanlagen, Wartung im ganzen Landkreis."),
        ("Bäckerei Kornblume", "Altdorf", ("Handwerk", "Lebensmittel"), (FACHKRAEFTE, ZUZUG),
         "Handwerksbäckerei mit drei Filialen; bildet jedes Jahr aus."),
        ("Spedition Vilsufer GmbH & Co. KG", "Velden", ("Logistik",), (METROPOLE, FACHKRAEFTE),
         "Regionale Spedition mit Touren in den Großraum München."),
        ("Metallguss Isaraue GmbH", "Wörth an der Isar",
         ("Maschinenbau", "Automobil und Zulieferer"), (FACHKRAEFTE, WISSEN),
         "Aluminiumguss für Maschinenbau und Fahrzeugtechnik."),
        ("Agrartechnik Hallertauer Tor GmbH", "Pfeffenhausen",
         ("Landwirtschaft", "Maschinenbau"), (STADT_UMLAND, INNOVATION),
         "Vertrieb und Werkstatt für Landmaschinen, digitale Hofsysteme."),
        ("Hopfenhandel Grünranken GmbH", "Hohenthann", ("Landwirtschaft", "Lebensmittel"), (STADT_UMLAND, METROPOLE),
         "Kauft und vermarktet Hopfen aus der Region."),
        ("Softwarehaus Zweiklang GmbH", "Landshut", ("Digitalisierung",), (WISSEN, FACHKRAEFTE, INNOVATION),
         "Individualsoftware und Apps für Kommunen und Handwerk."),
        ("Netzkontor Altstadt GmbH", "Landshut", ("Digitalisierung", "Telekommunikation"), (VERNETZUNG, WISSEN),
         "Netzwerktechnik und IT-Sicherheit für kleine Unternehmen."),
        ("Reha-Zentrum am Hügelland GmbH", "Vilsbiburg", ("Gesundheit und Pflege",), (FACHKRAEFTE, ZUZUG),
         "Ambulante Rehabilitation und Physiotherapie."),
        ("Wasserstoff-Labor Isartal GmbH", "Essenbach", ("Energie und Umwelttechnik",), (INNOVATION, WISSEN, METROPOLE),
         "Prüfstände und Beratung für Wasserstoffanwendungen."),
        ("Sonnenacker Energie GmbH", "Kröning",
         ("Energie und Umwelttechnik", "Landwirtschaft"), (STADT_UMLAND, INNOVATION),
         "Plant Agri-Photovoltaik-Anlagen gemeinsam mit Landwirten."),
        ("Formwerk 3D-Druck GmbH", "Ergolding", ("Leichtbau und Faserverbund", "Maschinenbau"), (INNOVATION, WISSEN),
         "Additive Fertigung von Prototypen und Kleinserien."),
        ("Greifarm Robotics GmbH", "Altdorf",
         ("Maschinenbau", "Künstliche Intelligenz"), (WISSEN, INNOVATION, FACHKRAEFTE),
         "Roboterzellen für kleine Losgrößen."),
        ("Isarrad Fahrradmanufaktur GmbH", "Landshut", ("Handwerk", "Mobilität"), (ZUZUG, STADT_UMLAND),
         "Baut Lasten- und Pendlerräder, Werkstatt mit Leihrädern."),
        ("Rufbus-Service Hügelland GmbH", "Geisenhausen", ("Mobilität", "Logistik"), (STADT_UMLAND, ZUZUG),
         "Betreibt Rufbusse zwischen den Gemeinden und der Stadt."),
        ("Steuerberatung Kreuzgasse Partnerschaft", "Landshut", ("Beratung", "Finanzen"), (VERNETZUNG,),
         "Steuer- und Gründungsberatung für kleine und mittlere Unternehmen."),
        ("Beratungshaus Rosengarten GmbH", "Landshut", ("Beratung",), (VERNETZUNG, FACHKRAEFTE),
         "Personal- und Organisationsberatung, Nachfolgeplanung."),
        ("Druckerei Lindenblatt GmbH", "Furth", ("Handwerk", "Medien"), (VERNETZUNG,),
         "Offset- und Digitaldruck für Vereine, Gemeinden und Betriebe."),
        ("Brauerei Zum Stillen Weiher", "Adlkofen", ("Lebensmittel", "Tourismus"), (ZUZUG, STADT_UMLAND),
         "Kleine Brauerei mit Biergarten und Führungen."),
        ("Biohof Wiesengrund", "Weng", ("Landwirtschaft", "Lebensmittel"), (STADT_UMLAND,),
         "Ökologischer Gemüsebau mit Abokisten für die Stadt."),
        ("Polymerwerk Bachau GmbH", "Neufahrn in Niederbayern",
         ("Kunststofftechnik", "Automobil und Zulieferer"), (FACHKRAEFTE, WISSEN),
         "Spritzguss technischer Kunststoffteile."),
        ("Lichtschnitt Lasertechnik GmbH", "Ergoldsbach", ("Maschinenbau",), (INNOVATION, WISSEN),
         "Laserschneiden und -schweißen im Lohnauftrag."),
        ("Ingenieurbüro Brückenschlag GmbH", "Landshut",
         ("Bauwesen", "Energie und Umwelttechnik"), (ZUZUG, STADT_UMLAND),
         "Tragwerksplanung und energetische Sanierung."),
        ("Medizinisches Versorgungszentrum Grünwinkel", "Velden", ("Gesundheit und Pflege",), (ZUZUG, FACHKRAEFTE),
         "Hausärztliche und fachärztliche Versorgung auf dem Land."),
        ("Orbitdaten GmbH", "Landshut", ("Luft- und Raumfahrt", "Digitalisierung"), (WISSEN, METROPOLE, INNOVATION),
         "Wertet Satellitendaten für Landwirtschaft und Kommunen aus."),
        ("Erdbau Hangleite GmbH", "Buch am Erlbach", ("Bauwesen", "Handwerk"), (FACHKRAEFTE,),
         "Erd- und Tiefbau, Kanalbau für Gemeinden."),
        ("Wohnbau Sonnenfeld eG", "Bruckberg", ("Bauwesen", "Wohnen"), (ZUZUG, STADT_UMLAND),
         "Genossenschaftlicher Wohnungsbau für junge Familien."),
        ("Fördertechnik Kiesweg GmbH", "Tiefenbach", ("Logistik", "Maschinenbau"), (METROPOLE, FACHKRAEFTE),
         "Förderbänder und Lagertechnik."),
        ("Seniorenresidenz Lindengarten gGmbH", "Eching", ("Gesundheit und Pflege",), (FACHKRAEFTE, ZUZUG),
         "Betreutes Wohnen und stationäre Pflege."),
        ("Pflegedienst Lebensbogen gGmbH", "Landshut", ("Gesundheit und Pflege",), (FACHKRAEFTE, ZUZUG),
         "Ambulante Pflege in der Stadt und den Nachbargemeinden."),
        ("Holzbau Tannengrund GmbH", "Geisenhausen", ("Handwerk", "Bauwesen"), (FACHKRAEFTE, ZUZUG),
         "Zimmerei, Holzrahmenbau und Aufstockungen."),
        ("Landhotel Sonnleiten", "Bodenkirchen", ("Tourismus",), (STADT_UMLAND, ZUZUG),
         "Tagungs- und Ferienhotel im Hügelland."),
        ("Dorfladen Miteinander eG", "Obersüßbach", ("Lebensmittel",), (ZUZUG, STADT_UMLAND),
         "Genossenschaftlicher Dorfladen mit Café."),
        ("Kanzlei für Arbeitsrecht Isarufer", "Landshut", ("Beratung",), (FACHKRAEFTE,),
         "Arbeitsrechtliche Beratung für Betriebe und Beschäftigte."),
    ],
    ActorKind.EDUCATION: [
        ("Berufsfachschule für Pflege Isarhang", "Landshut", ("Bildung", "Gesundheit und Pflege"), (FACHKRAEFTE, ZUZUG),
         "Generalistische Pflegeausbildung in Voll- und Teilzeit."),
        ("Fachschule für Technik Neustadtbogen", "Landshut", ("Bildung", "Maschinenbau"), (FACHKRAEFTE, WISSEN),
         "Weiterbildung zum Staatlich geprüften Techniker, auch berufsbegleitend."),
        ("Grundschule am Wiesenweg", "Vilsheim", ("Bildung",), (ZUZUG,),
         "Grundschule mit offener Ganztagsbetreuung."),
        ("Mittelschule am Sonnenhang", "Hohenthann", ("Bildung",), (FACHKRAEFTE, ZUZUG),
         "Mittelschule mit Praxisklassen und Betriebspartnerschaften."),
        ("Realschule am Kirchberg", "Ergoldsbach", ("Bildung",), (FACHKRAEFTE, WISSEN),
         "Realschule mit technischem Zweig."),
        ("Gymnasium am Isarufer", "Landshut", ("Bildung", "Digitalisierung"), (FACHKRAEFTE, WISSEN),
         "Naturwissenschaftlich-technologisches Gymnasium mit Informatik-Schwerpunkt."),
        ("Bildungswerk Vilstal e.V.", "Velden", ("Bildung",), (FACHKRAEFTE, STADT_UMLAND),
         "Erwachsenenbildung und Sprachkurse in den Gemeinden."),
        ("Schülerforschungszentrum Isaraue", "Landshut",
         ("Bildung", "Künstliche Intelligenz"), (WISSEN, FACHKRAEFTE, INNOVATION),
         "Forschungsprojekte für Schülerinnen und Schüler in MINT-Fächern."),
        ("Musikschule Holzland", "Bodenkirchen", ("Bildung", "Kultur"), (ZUZUG, STADT_UMLAND),
         "Musikunterricht für Kinder und Erwachsene in mehreren Gemeinden."),
        ("Kinderhaus Regenbogenwiese", "Kumhausen", ("Bildung", "Soziales"), (ZUZUG,),
         "Krippe und Kindergarten mit langen Öffnungszeiten."),
        ("Sprachschule Brückenwort", "Landshut", ("Bildung", "Integration"), (FACHKRAEFTE, ZUZUG),
         "Deutschkurse und berufsbezogene Sprachförderung für Zugewanderte."),
        ("Förderzentrum Lernweg", "Altdorf", ("Bildung", "Soziales"), (FACHKRAEFTE,),
         "Sonderpädagogisches Förderzentrum mit Übergang in Ausbildung."),
        ("Weiterbildungszentrum Schaltwerk GmbH", "Essenbach", ("Bildung", "Digitalisierung"), (FACHKRAEFTE, WISSEN),
         "Kurse zu Automatisierung, SPS-Technik und Digitalisierung für Beschäftigte."),
    ],
    ActorKind.RESEARCH: [
        ("Transferlabor Faserverbund Isar e.V.", "Landshut",
         ("Leichtbau und Faserverbund",), (WISSEN, INNOVATION, VERNETZUNG),
         "Vermittelt Forschungsergebnisse zum Leichtbau an kleine Betriebe."),
    ],
    ActorKind.ASSOCIATION: [
        ("Gewerbeverein Vilstal e.V.", "Vilsbiburg", (), (VERNETZUNG, STADT_UMLAND),
         "Zusammenschluss von Handel, Handwerk und Gewerbe im Vilstal."),
        ("Unternehmerstammtisch Hügelland e.V.", "Geisenhausen", (), (VERNETZUNG,),
         "Monatlicher Austausch von Unternehmerinnen und Unternehmern."),
        ("Heimat- und Trachtenverein Edelweiß Grünwinkel e.V.", "Aham", ("Kultur",), (STADT_UMLAND, ZUZUG),
         "Pflegt Brauchtum und Tracht, organisiert Dorffeste."),
        ("Sportverein Blau-Weiß Wiesengrund e.V.", "Altfraunhofen", ("Sport",), (ZUZUG,),
         "Breitensport für alle Altersgruppen."),
        ("Förderverein Lebendiger Ortskern e.V.", "Postau", (), (ZUZUG, STADT_UMLAND),
         "Setzt sich für Läden, Treffpunkte und Wohnen im Ortskern ein."),
        ("Nachbarschaftshilfe Miteinander e.V.", "Schalkham", ("Soziales",), (ZUZUG, FACHKRAEFTE),
         "Fahrdienste, Einkaufshilfe und Besuche für ältere Menschen."),
        ("Energiewende-Initiative Isar-Vils e.V.", "Landshut",
         ("Energie und Umwelttechnik",), (STADT_UMLAND, VERNETZUNG),
         "Bürgerinnen und Bürger für erneuerbare Energien in Stadt und Landkreis."),
        ("Tourismusverein Isar-Hügelland e.V.", "Essenbach", ("Tourismus",), (STADT_UMLAND, METROPOLE),
         "Radwege, Gastgeberverzeichnis und Ausflugstipps."),
        ("Unternehmerinnen-Forum Isar e.V.", "Landshut", (), (FACHKRAEFTE, VERNETZUNG),
         "Netzwerk von Gründerinnen und Unternehmerinnen."),
        ("Integrationsverein Brücken bauen e.V.", "Landshut", ("Soziales", "Integration"), (FACHKRAEFTE, ZUZUG),
         "Begleitet Zugewanderte bei Ausbildung und Arbeitssuche."),
        ("Kulturkreis Zehentstadel e.V.", "Weihmichl", ("Kultur",), (STADT_UMLAND, ZUZUG),
         "Konzerte, Lesungen und Ausstellungen auf dem Land."),
        ("Makerspace Isarwerkstatt e.V.", "Landshut", ("Digitalisierung",), (INNOVATION, WISSEN, VERNETZUNG),
         "Offene Werkstatt mit 3D-Druckern, Lasercutter und Elektronik."),
        ("Jugendforum Holzland e.V.", "Baierbach", ("Soziales",), (ZUZUG, VERNETZUNG),
         "Jugendtreffs und Ferienprogramme mehrerer Gemeinden."),
        ("Imkerverein Blütenhang e.V.", "Gerzen", ("Landwirtschaft",), (STADT_UMLAND,),
         "Bienenhaltung, Schulungen und Blühflächen."),
        ("Carsharing Hügelland e.V.", "Vilsheim", ("Mobilität",), (STADT_UMLAND, ZUZUG),
         "Teilt Elektroautos in mehreren Dörfern."),
        ("Pendlernetz Isar-Metropole e.V.", "Bayerbach bei Ergoldsbach", ("Mobilität",), (METROPOLE, STADT_UMLAND),
         "Fahrgemeinschaften für Pendlerinnen und Pendler Richtung München und Regensburg."),
        ("Freiwilligenagentur Ehrenamt Plus e.V.", "Tiefenbach", ("Soziales",), (VERNETZUNG, ZUZUG),
         "Vermittelt Ehrenamtliche an Vereine und Einrichtungen."),
        ("Gründerstammtisch Isar e.V.", "Landshut", ("Digitalisierung",), (INNOVATION, VERNETZUNG),
         "Treffen für Gründerinnen und Gründer, Pitch-Abende."),
        ("Direktvermarkter Vilstal e.V.", "Neufraunhofen", ("Landwirtschaft", "Lebensmittel"), (STADT_UMLAND,),
         "Hofläden und Wochenmärkte mit regionalen Produkten."),
        ("Kochwerkstatt Landküche e.V.", "Wurmsham", ("Lebensmittel", "Kultur"), (STADT_UMLAND, ZUZUG),
         "Kochkurse mit regionalen Zutaten."),
        ("Verein Technikfreunde Isarbogen e.V.", "Niederaichbach", ("Bildung",), (WISSEN, FACHKRAEFTE),
         "Technikkurse und Betriebsbesichtigungen für Kinder und Jugendliche."),
    ],
    ActorKind.OTHER: [
        ("Dorfbüro Hügelland Coworking", "Bodenkirchen", ("Digitalisierung",), (ZUZUG, STADT_UMLAND, INNOVATION),
         "Arbeitsplätze auf dem Land für Pendlerinnen und Pendler."),
        ("Stiftung Zukunft Isar-Vils", "Landshut", ("Soziales", "Bildung"), (VERNETZUNG, FACHKRAEFTE),
         "Fördert Bildungs- und Sozialprojekte in Stadt und Landkreis."),
        ("Pendlerwerkstatt Metropolbahn", "Landshut", ("Mobilität",), (METROPOLE, ZUZUG),
         "Initiative für bessere Bahnverbindungen nach München."),
    ],
}
# fmt: on

FIRST_NAMES = (
    "Anton Barbara Christina Daniel Elisabeth Franziska Georg Hannah Johanna Jonas Katharina Korbinian Leonhard "
    "Magdalena Matthias Monika Nadine Quirin Regina Sebastian Simone Stefanie Tobias Valentin Veronika Wolfgang "
    "Xaver Yvonne"
).split()
LAST_NAMES = (
    "Aigner Bachhuber Brandl Eberl Feichtner Gassner Haslbeck Kainz Kiermeier Lindner Moosbauer Obermeier "
    "Pichlmaier Rauscher Reisinger Scheuerer Stadler Steinberger Thalhammer Unterreiner Vilsmeier Wagensonner "
    "Winkler Zellner"
).split()
FUNCTIONS = {
    ActorKind.COMPANY: ("Geschäftsführung", "Personalleitung", "Ausbildungsleitung", "Vertrieb", "Technische Leitung"),
    ActorKind.EDUCATION: ("Schulleitung", "Stellvertretende Schulleitung", "Berufsorientierung", "Verwaltung"),
    ActorKind.RESEARCH: ("Leitung", "Projektkoordination", "Wissenstransfer"),
    ActorKind.ASSOCIATION: ("Vorsitz", "Stellvertretender Vorsitz", "Geschäftsstelle", "Kassenwart"),
    ActorKind.OTHER: ("Leitung", "Projektkoordination", "Öffentlichkeitsarbeit"),
}
EMAIL_DOMAINS = ("example.org", "example.de")

# The demo accounts as contact persons of their organisations (so partners and members see their own entry).
ACCOUNT_FUNCTIONS = {
    "manager@example.org": "Regionalmanagerin",
    "mitglied@example.org": "Wissens- und Technologietransfer",
    "partner@example.org": "Geschäftsstelle",
    "anna.schmid@example.org": "Wirtschaftsförderung",
    "josef.gruber@example.org": "Standortpolitik",
    "theresa.lechner@example.org": "Wirtschaftsförderung",
    "florian.huber@example.org": "Stadtmarketing",
    "lena.bauer@example.org": "Regionalbüro",
    "lukas.hofmann@example.org": "Vorstand",
}


def load_actors(users: list[User]) -> list[Actor]:
    """Create the demo actors; ``users[0]`` (the manager) is recorded as the author in the audit log."""
    rng = random.Random(SEED)
    places = {m.name: m for m in db.session.scalars(select(Municipality))}
    fields = {f.position: f.id for f in db.session.scalars(select(FieldOfAction))}
    accounts = {user.organisation: user for user in users}
    used_names: set[tuple[str, str]] = set()

    def account_contacts(organisation: str) -> list[ContactData]:
        user = accounts.get(organisation)
        if user is None:
            return []
        function = ACCOUNT_FUNCTIONS.get(user.email, "")
        return [ContactData(name=user.name, function=function, email=user.email, source=SOURCE)]

    def invented_contacts(kind: str) -> list[ContactData]:
        contacts = []
        for _ in range(rng.choices((0, 1, 2), weights=(1, 6, 3))[0]):
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if (first, last) not in used_names:
                    used_names.add((first, last))
                    break
            email = f"{fold(first)}.{fold(last)}@{rng.choice(EMAIL_DOMAINS)}"
            contacts.append(ContactData(f"{first} {last}", rng.choice(FUNCTIONS[kind]), email, source=SOURCE))
        return contacts

    def pick_fields(candidates: tuple[int, ...]) -> list[int]:
        primary, *others = candidates
        extra = rng.sample(others, rng.randint(0, len(others)))
        return [fields[position] for position in (primary, *extra) if position in fields]

    entries: list[ActorData] = []
    for name, organisation in reference_organisations().items():
        place, positions, sectors = REAL_ORGANISATIONS.get(name, (None, (VERNETZUNG,), ()))
        entries.append(
            ActorData(
                name=name,
                kind=KIND_BY_CATEGORY.get(organisation.kind, ActorKind.OTHER),
                municipality_id=places[place].id if place in places else None,
                website=f"https://{organisation.website}" if organisation.website else "",
                description=organisation.description,
                is_public=True,
                sectors=list(sectors),
                field_of_action_ids=[fields[p] for p in positions if p in fields],
                contacts=account_contacts(name),
            )
        )
    for place_name in MUNICIPALITY_ACTORS:
        place = places[place_name]
        entries.append(
            ActorData(
                name=place.title,
                kind=ActorKind.MUNICIPALITY,
                municipality_id=place.id,
                description=f"{place.kind} im Landkreis Landshut.",
                is_public=True,
                field_of_action_ids=pick_fields((STADT_UMLAND, ZUZUG, VERNETZUNG, METROPOLE)),
                contacts=account_contacts(place.title),
            )
        )
    for kind, invented in INVENTED_ACTORS.items():
        for name, place_name, sectors, positions, description in invented:
            entries.append(
                ActorData(
                    name=name,
                    kind=kind,
                    municipality_id=places[place_name].id,
                    description=f"{description} {INVENTED}",
                    is_public=rng.random() < 0.6,
                    sectors=list(sectors),
                    field_of_action_ids=pick_fields(positions),
                    contacts=invented_contacts(kind),
                )
            )

    by_email = {user.email: user for user in users}
    actors = []
    with acting_as(users[0] if users else None):  # the manager is the author in the audit log
        for data in entries:
            actor = save_actor(None, data)
            for contact in actor.contacts:
                contact.user = by_email.get(contact.email)
            actors.append(actor)
    return actors
