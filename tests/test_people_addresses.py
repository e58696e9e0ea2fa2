"""Names, salutations and postal addresses as letters need them (people.py, addresses.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.addresses import country_code, postal_lines
from campaign.models import Prospect
from campaign.people import addressee, check_email, greeting, parse_name, salutation


def prospect(**fields: str) -> Prospect:
    return Prospect(id=1, company="Acme", **fields)  # type: ignore[arg-type]


def _parts(name: str) -> tuple[str, str, str, str, str]:
    p = parse_name(name)
    return p["honorific"], p["first_name"], p["middle_name"], p["last_name"], p["suffix"]


@pytest.mark.parametrize(
    ("name", "address", "greets"),
    [
        ("Captain Marie Landry", "Captain Marie Landry", "Captain Landry"),
        ("Capt. Marie Landry", "Capt. Marie Landry", "Captain Landry"),
        ("Gen. Ann Lee", "Gen. Ann Lee", "General Lee"),
        ("Gen. (Ret.) Ann Lee", "Gen. (Ret.) Ann Lee", "General Lee"),
        ("Col. Sam Ortiz", "Col. Sam Ortiz", "Colonel Ortiz"),
        ("Lt. Col. John Smith", "Lt. Col. John Smith", "Colonel Smith"),
        ("Lt. Jo Park", "Lt. Jo Park", "Lieutenant Park"),
        ("Prof. Ada Okafor", "Prof. Ada Okafor", "Professor Okafor"),
        ("Rev. Paul Kim", "Rev. Paul Kim", "Reverend Kim"),
        ("Hon. Ruth Bader", "The Honorable Ruth Bader", "Ruth Bader"),
        ("Judge Amy Cole", "Judge Amy Cole", "Judge Cole"),
        ("Dr. Amelia Hartley PhD", "Dr. Amelia Hartley", "Dr. Hartley"),
        ("Amelia Hartley, PhD", "Amelia Hartley, PhD", "Dr. Hartley"),
        ("Ms. Jane Doe, CPA", "Jane Doe, CPA", "Ms. Doe"),
        ("Mr. Marcus T. Webb Jr.", "Mr. Marcus T. Webb Jr.", "Mr. Webb"),
        ("Justice Smith", "Justice Smith", "Justice Smith"),  # a first name, not an office
    ],
)
def test_ranks_titles_and_post_nominals(name: str, address: str, greets: str) -> None:
    honorific, first, middle, last, suffix = _parts(name)
    assert addressee(honorific, first, middle, last, suffix) == address
    assert greeting(honorific, first, last, middle, suffix) == greets


def test_the_salutation_of_a_prospect_uses_the_same_rules() -> None:
    landry = prospect(contact="Capt. Marie Landry", honorific="Capt.", first_name="Marie",
                      last_name="Landry")  # fmt: skip
    assert salutation(landry) == "Dear Captain Landry:"
    plain = prospect(contact="Jordan Lee", honorific="", first_name="Jordan", last_name="Lee")
    assert salutation(plain) == "Dear Jordan Lee:"


@pytest.mark.parametrize(
    ("fields", "home", "lines"),
    [
        (("100 King St W", "", "Toronto", "ON", "M5V 2T6", "Canada"), "US",
         ["100 King St W", "TORONTO ON M5V 2T6", "CANADA"]),
        (("100 King St W", "", "Toronto", "Ontario", "M5V 2T6", "CA"), "CA",
         ["100 King St W", "Toronto ON M5V 2T6"]),
        (("55 Harvard Ave", "Suite 300", "Boston", "Massachusetts", "02134",
          "United States of America"), "US", ["55 Harvard Ave", "Suite 300", "Boston, MA 02134"]),
        (("Friedrichstraße 12", "", "Berlin", "", "10117", "Deutschland"), "US",
         ["Friedrichstraße 12", "10117 BERLIN", "GERMANY"]),
        (("Friedrichstraße 12", "", "Berlin", "", "10117", "DE"), "DE",
         ["Friedrichstraße 12", "10117 Berlin"]),
        (("20 Sir John Rogerson's Quay", "", "Dublin 2", "", "D02 EX01", "Ireland"), "US",
         ["20 Sir John Rogerson's Quay", "DUBLIN 2", "D02 EX01", "IRELAND"]),
        (("1-1 Chiyoda", "", "Chiyoda-ku", "Tokyo", "100-0001", "Japan"), "US",
         ["1-1 Chiyoda, Chiyoda-ku, TOKYO", "100-0001", "JAPAN"]),
        (("1 Main", "", "Springfield", "IL", "62701", "Atlantis"), "US",
         ["1 Main", "Springfield, IL 62701", "ATLANTIS"]),
    ],
)  # fmt: skip
def test_addresses_in_the_destinations_format(
    fields: tuple[str, ...], home: str, lines: list[str]
) -> None:
    assert postal_lines(*fields, home=home) == lines


def test_a_toronto_envelope_does_not_end_in_ca() -> None:
    lines = postal_lines("100 King St W", "", "Toronto", "ON", "M5V 2T6", "CA", home="US")
    assert lines[-1] == "CANADA"


@pytest.mark.parametrize(
    ("typed", "code"),
    [("US", "US"), ("USA", "US"), ("United States of America", "US"), ("Norge", "NO"),
     ("Polska", "PL"), ("Germany", "DE"), ("UK", "GB"), ("Nowhere", "")],
)  # fmt: skip
def test_country_names_as_people_type_them(typed: str, code: str) -> None:
    assert country_code(typed) == code


_ATOM = st.text(st.sampled_from("abcxyz019._-+"), min_size=1, max_size=12)
_LABEL = st.text(st.sampled_from("abcxyz019-"), min_size=1, max_size=10)


@settings(max_examples=400, deadline=None)
@given(local=_ATOM, domain=st.lists(_LABEL, min_size=1, max_size=3),
       tld=st.sampled_from(["com", "test", "example", "de", "x1", "local", "c"]))  # fmt: skip
def test_the_fast_email_check_agrees_with_email_validator(
    local: str, domain: list[str], tld: str
) -> None:
    from email_validator import EmailNotValidError, validate_email

    address = f"{local}@{'.'.join([*domain, tld])}"
    check_email.cache_clear()
    ours, _ = check_email(address)
    try:
        theirs = validate_email(address, check_deliverability=False, test_environment=True)
        expected = (theirs.ascii_email or "").lower()
    except EmailNotValidError:
        expected = ""
    assert ours == expected
