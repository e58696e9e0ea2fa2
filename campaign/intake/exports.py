"""The exports people really have, recognised by their headers: which column means what.

Each ``Export`` says, for one known shape (LinkedIn connections, Google Contacts,
Outlook, HubSpot, Salesforce, a vCard file), which of its columns fill each field (the
first non-blank of several wins: HubSpot's ``Associated Company``, else its ``Company
Name``), which groups of columns make one postal address (Outlook's Business address,
else Home, else Other: never a mix), which columns are kept as merge fields, and that
everything else in it is ignored (Outlook's ``Priority`` is an email flag, not the
wave priority; Google's ``Address 1 - Formatted`` repeats the structured address).

A list of another shape is read by the column aliases (``columns.ALIASES``).
Headers are compared as ``people.word_key`` compares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from campaign.people import word_key

Address = dict[str, tuple[str, ...]]  # field -> header names (first non-blank wins)


@dataclass(frozen=True)
class Export:
    """A known export: how to recognise it and what its columns mean."""

    key: str
    name: str  # "a LinkedIn connections export", as the summary says "read as ..."
    signature: tuple[str, ...]  # header keys that must all be present
    fields: dict[str, tuple[str, ...]]
    addresses: tuple[Address, ...] = ()  # address groups in order of preference
    # The header of the column holding each address group's label (Google), by group.
    labels: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()  # other columns kept as merge fields; the rest ignored
    split: str = ""  # several values in one cell ("a ::: b"): the first is used
    example: str = ""  # one header line, for the README and tests


def _address(prefix: str, *, street2: Sequence[str] = (), region: str = "State",
             postal: str = "Postal Code", country: str = "Country/Region") -> Address:  # fmt: skip
    return {
        "street": (f"{prefix} Street",),
        "street2": tuple(street2),
        "city": (f"{prefix} City",),
        "region": (f"{prefix} {region}",),
        "postal_code": (f"{prefix} {postal}",),
        "country": (f"{prefix} {country}",),
    }


def _google_address(n: int) -> Address:
    return {
        "street": (f"Address {n} - Street",),
        "street2": (f"Address {n} - Extended Address",),
        "city": (f"Address {n} - City",),
        "region": (f"Address {n} - Region",),
        "postal_code": (f"Address {n} - Postal Code",),
        "country": (f"Address {n} - Country",),
    }


EXPORTS: tuple[Export, ...] = (
    Export(
        "linkedin",
        "a LinkedIn connections export",
        ("firstname", "lastname", "url", "company", "position", "connectedon"),
        {
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email Address",),
            "company": ("Company",),
            "title": ("Position",),
        },
        keep=("URL", "Connected On"),
        example="First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    ),
    Export(
        "google",
        "a Google Contacts export",
        ("organizationname", "email1value"),
        {
            "honorific": ("Name Prefix",),
            "first_name": ("First Name",),
            "middle_name": ("Middle Name",),
            "last_name": ("Last Name",),
            "suffix": ("Name Suffix",),
            "company": ("Organization Name",),
            "title": ("Organization Title",),
            "email": ("E-mail 1 - Value", "E-mail 2 - Value", "E-mail 3 - Value"),
            "phone": ("Phone 1 - Value", "Phone 2 - Value", "Phone 3 - Value"),
            "notes": ("Notes",),
        },
        addresses=(_google_address(1), _google_address(2), _google_address(3)),
        labels=("Address 1 - Label", "Address 2 - Label", "Address 3 - Label"),
        keep=("Organization Department", "Labels", "Website 1 - Value"),
        split=" ::: ",
        example="First Name,Middle Name,Last Name,...,Name Prefix,Name Suffix,...,"
        "Organization Name,Organization Title,...,E-mail 1 - Value,...,Phone 1 - Value,"
        "...,Address 1 - Street,Address 1 - City,...",
    ),
    Export(
        "google-old",
        "a Google Contacts export (the older layout)",
        ("givenname", "familyname", "organization1name", "email1value"),
        {
            "contact": ("Name",),
            "honorific": ("Name Prefix",),
            "first_name": ("Given Name",),
            "middle_name": ("Additional Name",),
            "last_name": ("Family Name",),
            "suffix": ("Name Suffix",),
            "company": ("Organization 1 - Name",),
            "title": ("Organization 1 - Title",),
            "email": ("E-mail 1 - Value", "E-mail 2 - Value"),
            "phone": ("Phone 1 - Value", "Phone 2 - Value"),
            "notes": ("Notes",),
        },
        addresses=(_google_address(1), _google_address(2)),
        labels=("Address 1 - Type", "Address 2 - Type"),
        keep=("Group Membership",),
        split=" ::: ",
        example="Name,Given Name,Additional Name,Family Name,...,Organization 1 - Name,...",
    ),
    Export(
        "outlook",
        "an Outlook contacts export",
        ("title", "firstname", "lastname", "jobtitle", "businessstreet", "emailaddress"),
        {
            # Outlook's "Title" is the honorific (Dr., Ms.); the job title is "Job Title".
            "honorific": ("Title",),
            "first_name": ("First Name",),
            "middle_name": ("Middle Name",),
            "last_name": ("Last Name",),
            "suffix": ("Suffix",),
            "company": ("Company",),
            "title": ("Job Title",),
            "email": ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address"),
            "phone": (
                "Business Phone",
                "Company Main Phone",
                "Business Phone 2",
                "Primary Phone",
                "Mobile Phone",
                "Home Phone",
            ),
            "gatekeeper": ("Assistant's Name",),
            "notes": ("Notes",),
        },
        addresses=(
            _address("Business", street2=("Business Street 2", "Business Street 3")),
            _address("Home", street2=("Home Street 2", "Home Street 3")),
            _address("Other", street2=("Other Street 2", "Other Street 3")),
        ),
        keep=("Department", "Assistant's Phone", "Categories", "Web Page", "Manager's Name"),
        example='"Title","First Name","Middle Name","Last Name","Suffix","Company",'
        '"Department","Job Title","Business Street",...',
    ),
    Export(
        "hubspot",
        "a HubSpot contacts export",
        ("recordid", "firstname", "lastname", "email"),
        {
            "honorific": ("Salutation",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            # The linked company record, else the contact's own free-text company.
            "company": ("Associated Company", "Company Name"),
            "title": ("Job Title",),
            "email": ("Email",),
            "phone": ("Phone Number", "Mobile Phone Number"),
            "street": ("Street Address",),
            "city": ("City",),
            "region": ("State/Region",),
            "postal_code": ("Postal Code",),
            "country": ("Country/Region",),
        },
        keep=("Record ID", "Lead Status", "Lifecycle Stage"),
        example='"Record ID","First Name","Last Name","Email","Phone Number",...,'
        '"Associated Company","Salutation","Job Title",...',
    ),
    Export(
        "salesforce",
        "a Salesforce contacts report",
        ("accountname", "mailingstreet", "lastname"),
        {
            "honorific": ("Salutation",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "company": ("Account Name",),
            "title": ("Title",),
            "email": ("Email",),
            "phone": ("Phone", "Mobile"),
            "street": ("Mailing Street",),
            "city": ("Mailing City",),
            "region": ("Mailing State/Province",),
            "postal_code": ("Mailing Zip/Postal Code",),
            "country": ("Mailing Country",),
        },
        keep=("Department", "Lead Source", "Contact ID", "Email Opt Out"),
        example='"Contact Owner","Salutation","First Name","Last Name","Title",'
        '"Department","Account Name","Mailing Street",...',
    ),
)

VCARD = Export(
    "vcard",
    "a vCard file",
    (),
    {
        "honorific": ("Prefix",),
        "first_name": ("First Name",),
        "middle_name": ("Middle Name",),
        "last_name": ("Last Name",),
        "suffix": ("Suffix",),
        "contact": ("Full Name",),
        "company": ("Company",),
        "title": ("Title",),
        "email": ("Email",),
        "phone": ("Phone",),
        "street": ("Street",),
        "street2": ("Street 2",),
        "city": ("City",),
        "region": ("Region",),
        "postal_code": ("Postal Code",),
        "country": ("Country",),
        "gatekeeper": ("Gatekeeper",),
        "notes": ("Notes",),
    },
    keep=("Department",),
    example="BEGIN:VCARD / N:Müller;Jürgen;;Dr.; / ORG:Rhein & Söhne GmbH / ...",
)


def detect(header: Sequence[str], kind: str = "csv") -> Export | None:
    """The known export whose signature ``header`` has, or None (a list of any shape)."""
    if kind == "vcard":
        return VCARD
    keys = {word_key(h) for h in header}
    for export in EXPORTS:
        if all(key in keys for key in export.signature):
            return export
    return None


def signature_score(cells: Sequence[str]) -> int:
    """How much a row looks like a known export's header (for finding the header row)."""
    keys = {word_key(c) for c in cells}
    return max((len(e.signature) for e in EXPORTS if all(k in keys for k in e.signature)),
               default=0)  # fmt: skip
