"""The one definition of a valid postal code, website, email address and phone number.

Pure functions, no app and no database: the forms (thin WTForms validators in netzwerk/forms.py) and the
actor import (netzwerk/actors/transfer.py) call the same rule, so both accept and refuse the same input with the
same German reason. Each rule returns the value as it is stored, or raises ``Invalid`` with its reason (one text
per rule, translated when shown)."""

import ipaddress
import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

POSTAL_CODE_MESSAGE = _l("Eine Postleitzahl hat fünf Ziffern, z. B. 84028.")
WEBSITE_MESSAGE = _l("Bitte eine Web-Adresse wie www.beispiel.de oder https://www.beispiel.de angeben.")
EMAIL_MESSAGE = _l("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")
PHONE_MESSAGE = _l("Bitte eine Telefonnummer aus Ziffern angeben, z. B. 0871 123-45 oder +49 871 12345.")


class Invalid(ValueError):
    """The value breaks a rule; ``reason`` says which, in German (a lazy string)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# --- Postal code -----------------------------------------------------------------------------------------

# Five ASCII digits (\d would also take Arabic-Indic ones); no German code starts with 00.
POSTAL_CODE = re.compile(r"(?!00)[0-9]{5}")


def postal_code(value: str) -> str:
    """A German postal code (Postleitzahl): five digits, e.g. 84028."""
    text = value.strip()
    if not POSTAL_CODE.fullmatch(text):
        raise Invalid(POSTAL_CODE_MESSAGE)
    return text


# --- Website ---------------------------------------------------------------------------------------------

SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# One label of a host name in its ASCII (IDNA) form: letters, digits, inner hyphens.
HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)
TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}", re.IGNORECASE)


def website(value: str) -> str:
    """An http or https address with a real host name (or IPv4 address). A bare "www.beispiel.de" gets
    "https://" in front, since that is what people copy from letterheads; any other scheme (ftp:, javascript:)
    is refused, and so is a user name in the address ("https://bank.de@evil.example" hides the real host)."""
    text = value.strip()
    if not text or any(char.isspace() or not char.isprintable() or char == "\\" for char in text):
        raise Invalid(WEBSITE_MESSAGE)
    if not SCHEME.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)  # scheme in lower case
    except ValueError as error:  # e.g. an unclosed "[" of an IPv6 address
        raise Invalid(WEBSITE_MESSAGE) from error
    if parts.scheme not in ("http", "https") or not valid_host_and_port(parts.netloc):
        raise Invalid(WEBSITE_MESSAGE)
    return parts.scheme + text[len(parts.scheme) :]


def valid_host_and_port(netloc: str) -> bool:
    if "@" in netloc:
        return False
    host, colon, port = netloc.partition(":")
    if colon and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        return False
    host = host.removesuffix(".")  # "beispiel.de." is the same host
    return valid_ipv4(host) or valid_host_name(host)


def valid_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def valid_host_name(host: str) -> bool:
    """At least two labels and a top-level domain of letters; umlaut domains (müller.de) count in their
    IDNA form."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return (
        len(labels) >= 2
        and all(HOST_LABEL.fullmatch(label) for label in labels)
        and bool(TOP_LEVEL.fullmatch(labels[-1]))
    )


# --- Email -----------------------------------------------------------------------------------------------


def email(value: str) -> str:
    """An email address by the syntax rules of email_validator (the library WTForms uses); the domain is not
    looked up (no network). Stored in lower case, as the app compares addresses."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise Invalid(EMAIL_MESSAGE) from error


# --- Phone -----------------------------------------------------------------------------------------------

# German numbers as people write them: "0871 123-45", "+49 871 12345", "(0871) 12345", "+49 (0) 871 / 123 45",
# "0871.12345". Groups of digits (one of them may be in parentheses), separated by one space or one of / . -
# (with spaces around it if wished). Not checked against the numbering plan: lenient on purpose, so that short
# extensions and foreign numbers still pass.
PHONE_GROUP = r"(?:[0-9]+|\([0-9]+\))"
# Between two groups a separator, or nothing next to a parenthesis: "(0871)12345". Every position has at most
# one way to join (two runs of digits never meet without a separator), so a long wrong input cannot make the
# pattern backtrack exponentially.
PHONE_JOIN = r"(?: ?[/.-] ?| |(?<=\))|(?<!\))(?=\())"
PHONE = re.compile(rf"\+? ?{PHONE_GROUP}(?:{PHONE_JOIN}{PHONE_GROUP})*")
PHONE_DIGITS = (5, 20)  # "0871 1" (a short line) … a full international number with (0) and an extension


def phone(value: str) -> str:
    """A phone number of digits with the usual separators; runs of blanks become one."""
    text = " ".join(value.split())
    digits = sum(char.isdigit() for char in text)
    if text.count("(") > 1 or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1] or not PHONE.fullmatch(text):
        raise Invalid(PHONE_MESSAGE)
    return text
