"""A schematic tile map of the city and the Landkreis Landshut: one square per municipality, placed on a grid
by the approximate relative position of its centre (west→east = column, north→south = row). Not to scale and
not a map; it shows where in the region the network is strong or thin, without tiles from another host."""

# AGS → (column, row)
TILES: dict[str, tuple[int, int]] = {
    "09274153": (4, 0),  # Neufahrn i.NB
    "09274176": (1, 1),  # Rottenburg a.d.Laaber
    "09274127": (4, 1),  # Ergoldsbach
    "09274119": (5, 1),  # Bayerbach b.Ergoldsbach
    "09274172": (0, 2),  # Pfeffenhausen
    "09274141": (2, 2),  # Hohenthann
    "09274174": (6, 2),  # Postau
    "09274188": (7, 2),  # Weng
    "09274165": (0, 3),  # Obersüßbach
    "09274132": (1, 3),  # Furth
    "09274187": (2, 3),  # Weihmichl
    "09274128": (4, 3),  # Essenbach
    "09274156": (5, 3),  # Niederaichbach
    "09274191": (6, 3),  # Wörth a.d.Isar
    "09274113": (2, 4),  # Altdorf
    "09261000": (3, 4),  # Landshut (kreisfreie Stadt)
    "09274126": (4, 4),  # Ergolding
    "09274111": (5, 4),  # Adlkofen
    "09274194": (0, 5),  # Bruckberg
    "09274124": (1, 5),  # Eching
    "09274146": (3, 5),  # Kumhausen
    "09274145": (6, 5),  # Kröning
    "09274135": (7, 5),  # Gerzen
    "09274112": (8, 5),  # Aham
    "09274182": (2, 6),  # Tiefenbach
    "09274114": (3, 6),  # Altfraunhofen
    "09274134": (5, 6),  # Geisenhausen
    "09274184": (6, 6),  # Vilsbiburg
    "09274121": (1, 7),  # Buch a.Erlbach
    "09274185": (2, 7),  # Vilsheim
    "09274118": (4, 7),  # Baierbach
    "09274179": (8, 7),  # Schalkham
    "09274154": (4, 8),  # Neufraunhofen
    "09274183": (5, 8),  # Velden
    "09274120": (7, 8),  # Bodenkirchen
    "09274193": (6, 9),  # Wurmsham
}
COLUMNS = 1 + max(column for column, _ in TILES.values())
ROWS = 1 + max(row for _, row in TILES.values())
