"""The region's reference data shipped with the app."""

from netzwerk.reference import municipalities, reference_organisations


def test_the_city_and_the_35_municipalities_of_the_landkreis():
    places = municipalities()
    assert len(places) == 36
    kinds = [place.kind for place in places.values()]
    assert (kinds.count("Stadt"), kinds.count("Markt"), kinds.count("Gemeinde")) == (2, 7, 26)
    assert places["Landshut"].ags == "09261000"
    assert all(place.ags.startswith("09274") for name, place in places.items() if name != "Landshut")
    assert places["Ergolding"].title == "Markt Ergolding"
    assert places["Velden"].population is None  # unknown stays unknown


def test_partner_organisations_have_german_descriptions():
    organisations = reference_organisations()
    assert "Europäische Metropolregion München e.V." in organisations
    assert all(organisation.description for organisation in organisations.values())
