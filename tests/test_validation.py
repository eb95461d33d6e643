"""The one definition of postal code, website, email and phone (netzwerk/validation.py), and that every form
and the actor import apply it alike: same accept or refuse, same value saved, same German reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netzwerk import validation
from netzwerk.actors.forms import ActorForm
from netzwerk.actors.transfer import FIELDS, Table, check_rows
from netzwerk.legal.forms import FeedbackForm
from netzwerk.meetings.forms import MeetingForm
from netzwerk.partners.forms import ProfileForm as PartnerProfileForm
from netzwerk.polls.forms import PollForm
from netzwerk.users.forms import InviteForm
from netzwerk.users.forms import ProfileForm as UserProfileForm
from tests.conftest import post_form

# --- The rules alone: no app, no database --------------------------------------------------------------

ACCEPTED = {
    validation.postal_code: [("84028", "84028"), ("01067", "01067"), (" 84036 ", "84036")],
    validation.website: [
        ("https://www.beispiel.de", "https://www.beispiel.de"),
        ("http://beispiel.de/pfad?a=1#teil", "http://beispiel.de/pfad?a=1#teil"),
        ("www.beispiel.de", "https://www.beispiel.de"),
        ("beispiel.de/kontakt", "https://beispiel.de/kontakt"),
        ("HTTPS://Landshut.DE", "https://Landshut.DE"),
        ("https://www.müller-bäckerei.de", "https://www.müller-bäckerei.de"),
        ("https://xn--mller-kva.de", "https://xn--mller-kva.de"),
        ("meet.jit.si/Netzwerk-Landshut", "https://meet.jit.si/Netzwerk-Landshut"),
        ("https://beispiel.de:8443/", "https://beispiel.de:8443/"),
        ("http://192.168.10.5/intranet", "http://192.168.10.5/intranet"),
    ],
    validation.email: [
        ("name@beispiel.de", "name@beispiel.de"),
        ("Erika.Muster@Landshut.DE", "erika.muster@landshut.de"),
        (" info@faserwerk.example.de ", "info@faserwerk.example.de"),
        ("jörg@müller.de", "jörg@müller.de"),
        ("a+newsletter@example.org", "a+newsletter@example.org"),
    ],
    validation.phone: [
        ("0871 123-45", "0871 123-45"),
        ("+49 871 12345", "+49 871 12345"),
        ("(0871) 12345", "(0871) 12345"),
        ("(0871)12345", "(0871)12345"),
        ("+49 (0) 871 / 123 45", "+49 (0) 871 / 123 45"),
        ("0871/12345-0", "0871/12345-0"),
        ("0871.12345", "0871.12345"),
        ("+49-871-12345", "+49-871-12345"),
        ("0871   123 45", "0871 123 45"),
        ("0871 1", "0871 1"),
    ],
}

REFUSED = {
    validation.postal_code: ["8403", "840288", "84 028", "84O28", "00123", "D-84028", "٨٤٠٢٨", ""],
    validation.website: [
        "faserwerk",
        "kein web",
        "https://",
        "ftp://beispiel.de",
        "javascript:alert(1)",
        "javascript://beispiel.de/%0aalert(1)",
        "mailto:name@beispiel.de",
        "https://bank.de@evil.example",
        "https://beispiel..de",
        "https://-beispiel.de",
        "https://beispiel.d",
        "https://beispiel.123",
        "https://beispiel_x.de",
        "https://beispiel.de:0",
        "https://beispiel.de:99999",
        "https://[::1",
        "http:/beispiel.de",
        "//beispiel.de",
        "https://beispiel.de\\@evil.example",
        "localhost:5000",
        "",
    ],
    validation.email: ["keine-adresse", "kein@@adresse", "name@beispiel", "name@", "@beispiel.de", "a b@c.de", ""],
    validation.phone: [
        "ruf mich an",
        "0871 12345 (Zentrale)",
        "12",
        "0871 -- 123",
        "0871//12345",
        "++49 871 12345",
        "0871 + 12345",
        "()",
        "(0871) (12345)",
        "0871-",
        "-0871 12345",
        "0049 871 123456789012345",
        "٠٨٧١ ١٢٣٤٥",
        "",
    ],
}

MESSAGES = {
    validation.postal_code: validation.POSTAL_CODE_MESSAGE,
    validation.website: validation.WEBSITE_MESSAGE,
    validation.email: validation.EMAIL_MESSAGE,
    validation.phone: validation.PHONE_MESSAGE,
}


@pytest.mark.parametrize(
    ("rule", "value", "saved"),
    [(rule, value, saved) for rule, samples in ACCEPTED.items() for value, saved in samples],
    ids=lambda item: getattr(item, "__name__", None),
)
def test_accepted_values_come_back_as_saved(rule, value, saved):
    assert rule(value) == saved
    assert rule(saved) == saved  # saving an edit form again changes nothing


@pytest.mark.parametrize(
    ("rule", "value"),
    [(rule, value) for rule, samples in REFUSED.items() for value in samples],
    ids=lambda item: getattr(item, "__name__", None),
)
def test_refused_values_name_the_rule_in_german(rule, value):
    with pytest.raises(validation.Invalid) as refused:
        rule(value)
    assert refused.value.reason is MESSAGES[rule]
    assert str(refused.value.reason).startswith(("Bitte", "Eine Postleitzahl"))


@pytest.mark.parametrize("rule", list(MESSAGES), ids=lambda rule: rule.__name__)
@given(value=st.text(max_size=60) | st.from_regex(r"[0-9 +()/.\-]{0,30}", fullmatch=True))
def test_any_text_is_saved_or_refused_never_an_error(rule, value):
    try:
        saved = rule(value)
    except validation.Invalid as refused:
        assert refused.reason is MESSAGES[rule]
    else:
        assert rule(saved) == saved


@pytest.mark.parametrize("value", ["(1)" * 2000 + "x", "1 " * 5000 + "x", "1/" * 5000, "+" + "1-1" * 3000 + "a"])
def test_long_wrong_phone_numbers_are_refused_at_once(value):
    """The pattern cannot backtrack exponentially (a stuck worker per request otherwise)."""
    with pytest.raises(validation.Invalid):
        validation.phone(value)


# --- Forms and import agree ----------------------------------------------------------------------------

# What each rule is tried with at every entry point: good, normalised and bad samples.
SAMPLES = {
    validation.postal_code: ["84028", "8403", "84O28", "00123"],
    validation.website: ["https://www.beispiel.de", "www.beispiel.de", "faserwerk", "kein web", "ftp://beispiel.de"],
    validation.email: ["name@beispiel.de", "Erika.Muster@Landshut.DE", "kein@@adresse", "name@beispiel"],
    validation.phone: ["0871 123-45", "+49  871 12345", "(0871) 12345", "ruf an", "12", "0871 -- 123"],
}


def import_verdict(app, field: str, value: str) -> tuple[str | None, str | None]:
    """(value as imported, None) or (None, the reason the check names for the row and field)."""
    with app.test_request_context():  # as in the import view: the messages in the request's language
        mapping = dict.fromkeys(FIELDS) | {"name": 0, "contact_name": 1, field: 2}  # contact data needs a name
        table = Table(["Name", "Ansprechperson", "Spalte"], [(2, ["Probe GmbH", "Eva Öttl", value])])
        check = check_rows(table, mapping)
        problems = [p for p in check.problems if p.field == str(FIELDS[field][0])]
        if problems:
            assert [p.row for p in problems] == [2]
            return None, problems[0].message
        return check.planned[0].values[field], None


def form_verdict(app, form_class, field: str, value: str) -> tuple[str | None, str | None]:
    """(value as the view saves it, None) or (None, the field's message), the field checked on its own."""
    with app.test_request_context(method="POST", data={field: value}):
        form = form_class(meta={"csrf": False})
        bound = form
        for part in field.split("-"):
            bound = bound[int(part)].form if part.isdigit() else bound[part]
        if bound.validate(form):
            return bound.data, None
        return None, str(bound.errors[0])


def assert_agree(app, form_class, form_field: str, rule, import_field: str) -> None:
    for value in SAMPLES[rule]:
        saved, reason = form_verdict(app, form_class, form_field, value)
        imported, problem = import_verdict(app, import_field, value)
        assert saved == imported, (form_field, value)
        if reason is None:
            assert problem is None and saved == rule(value), (form_field, value)
        else:
            assert reason == str(MESSAGES[rule]), (form_field, value, reason)
            assert problem == f"„{value}“: {reason}", (form_field, value, problem)


@pytest.mark.parametrize(
    ("form_field", "rule", "import_field"),
    [
        ("postal_code", validation.postal_code, "postal_code"),
        ("website", validation.website, "website"),
        ("email", validation.email, "email"),
        ("phone", validation.phone, "phone"),
        ("contacts-0-email", validation.email, "contact_email"),
        ("contacts-0-phone", validation.phone, "contact_phone"),
    ],
)
def test_actor_form_and_import_agree(app, form_field, rule, import_field):
    assert_agree(app, ActorForm, form_field, rule, import_field)


@pytest.mark.parametrize(
    ("form_field", "rule", "import_field"),
    [
        ("postal_code", validation.postal_code, "postal_code"),
        ("website", validation.website, "website"),
        ("contacts-0-email", validation.email, "contact_email"),
        ("contacts-0-phone", validation.phone, "contact_phone"),
    ],
)
def test_partner_profile_form_and_import_agree(app, form_field, rule, import_field):
    assert_agree(app, PartnerProfileForm, form_field, rule, import_field)


def test_barrier_feedback_form_and_import_agree_on_email(app):
    assert_agree(app, FeedbackForm, "email", validation.email, "email")


def test_invitation_form_and_import_agree_on_email(app):
    assert_agree(app, InviteForm, "email", validation.email, "email")


def test_own_profile_form_and_import_agree_on_phone(app):
    assert_agree(app, UserProfileForm, "phone", validation.phone, "phone")


@pytest.mark.parametrize("form_class", [MeetingForm, PollForm], ids=["meeting", "poll"])
def test_online_link_and_imported_website_agree(app, form_class):
    assert_agree(app, form_class, "online_url", validation.website, "website")


# --- End to end: what the form saves -------------------------------------------------------------------


def test_an_actor_saved_through_the_form_keeps_the_normalised_values(app, as_role):
    from netzwerk.actors.models import Actor
    from netzwerk.extensions import db
    from tests.test_actors import actor_form_data

    manager, _ = as_role("admin")
    data = actor_form_data(
        app,
        website="www.faserwerk.example.de",
        email="Info@Faserwerk.Example.DE",
        phone="0871  123 45",
        **{"contacts-0-email": "G.Gruber@Faserwerk.Example.DE"},
    )
    response = post_form(manager, "/akteure/neu", data)
    assert response.status_code == 302, response.text
    with app.app_context():
        actor = db.session.scalar(db.select(Actor))
        assert (actor.website, actor.email, actor.phone) == (
            "https://www.faserwerk.example.de",
            "info@faserwerk.example.de",
            "0871 123 45",
        )
        assert actor.contacts[0].email == "g.gruber@faserwerk.example.de"
