"""The lists people really have, imported through the real CLI and read back as letters.

Each export shape under tests/data/lists/ (README.md there describes its quirks) goes in
by ``campaign import``; ``campaign show --format json`` must give the right company,
person, honorific, title, email, phone and postal address, and the letter ``campaign
merge`` writes (DOCX and PDF, read back) must address the person as the letters should.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from pypdf import PdfReader

LISTS = Path(__file__).parent / "data" / "lists"


@pytest.fixture
def campaign(run, campaign_home: Path, sender_config: Path):
    """A fresh campaign (a US sender, no [smtp]: every letter is printed) with the samples."""
    lists = campaign_home / "lists"
    lists.mkdir()
    for path in LISTS.iterdir():
        shutil.copy(path, lists / path.name)
    return run


def _import(run, name: str, *args: str) -> Any:
    result = run("import", f"lists/{name}", *args)
    assert result.exit_code == 0, result.output
    return result


def _by_name(run) -> dict[str, dict[str, Any]]:
    listed = json.loads(run("prospects", "--format", "json").stdout)
    return {f"{p['first_name']} {p['last_name']}": p for p in listed}


def _show(run, prospect_id: int) -> dict[str, Any]:
    result = run("show", str(prospect_id), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"prospect", "sends", "calls", "meetings", "tasks", "next_step"} <= set(document)
    return document


def _letter(run, home: Path, prospect_id: int) -> tuple[str, str]:
    """The DOCX and PDF text of the prospect's marketing letter, as ``merge`` writes them."""
    result = run("merge", "--batch", "all", "--to", "docx,pdf")
    assert result.exit_code == 0, result.output
    folder = sorted((home / "output").glob("merge-*"))[-1]
    (docx,) = (folder / "docx").glob(f"*-p{prospect_id}.docx")
    (pdf,) = (folder / "pdf").glob(f"*-p{prospect_id}.pdf")
    docx_text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    return docx_text, pdf_text


def _address(document: dict[str, Any]) -> list[str]:
    return list(document["address_lines"])


def test_a_linkedin_export_keeps_people_without_an_address_until_edit_gives_one(
    campaign, campaign_home: Path
) -> None:
    result = _import(campaign, "linkedin-connections.csv")
    summary = result.stdout.splitlines()[0]
    assert summary == (
        "lists/linkedin-connections.csv: 11 new, 0 updated, 0 unchanged, 1 rejected (read as a "
        "LinkedIn connections export; encoding utf-8; header on row 4, 2 rows above it "
        "skipped); rejected rows are in output/rejects-linkedin-connections-2026-11-16.csv"
    )
    assert result.stderr.splitlines()[0] == "row 14 (Daniel Okafor): rejected: no company"
    assert "9 prospects need an address or email" in result.stdout  # 2 of 11 have an email
    people = _by_name(campaign)
    katrin = people["Katrin Vogel"]  # "Dr. Katrin" in First Name
    assert (katrin["honorific"], katrin["company"], katrin["title"]) == (
        "Dr.",
        "Rhein Pharma AG",
        "Director, R&D Informatics",
    )
    assert people["Chloé Dubois"]["contact"] == "Chloé Dubois"  # "Chloé (Clo)": a nickname
    assert people["Mei Chen"]["last_name"] == "Chen"  # the emoji is not part of a name
    assert people["Ana Lima"]["company"] == "Acme Corp, Inc."
    assert people["Ana Lima"]["extra"]["connected_on"] == "14 Oct 2026"
    shown = _show(campaign, katrin["id"])
    assert shown["addressee"] == "Dr. Katrin Vogel"
    assert shown["salutation"] == "Dear Dr. Vogel:"
    assert shown["next_step"]["kind"] == "research"
    assert shown["tasks"][0]["detail"] == {"need": "address"}
    incomplete = campaign("prospects", "--incomplete", "--format", "json")
    assert len(json.loads(incomplete.stdout)) == 9
    status = json.loads(campaign("status", "--format", "json").stdout)
    assert status["needs_address"] == 9
    assert status["hr_flagged"] == 3  # Leiter Personal, Talent Acquisition, Responsable RH

    edited = campaign(
        "edit", str(katrin["id"]), "--street", "Rheinuferstraße 7-9", "--city", "Mannheim",
        "--zip", "68165", "--country", "DE", "--phone", "+49 621 555-0150",
    )  # fmt: skip
    assert edited.exit_code == 0, edited.output
    assert edited.stdout.splitlines() == [
        f"#{katrin['id']} Rhein Pharma AG (Dr. Katrin Vogel): phone: (blank) -> +49 621 5550150; "
        "street: (blank) -> Rheinuferstraße 7-9; city: (blank) -> Mannheim; postal_code: "
        "(blank) -> 68165; country: (blank) -> DE",
        "Research task closed: a letter can reach them now (in the next wave).",
    ]
    docx, pdf = _letter(campaign, campaign_home, katrin["id"])
    for text in (docx, pdf):
        assert "Dr. Katrin Vogel\nDirector, R&D Informatics\nRhein Pharma AG\n" in text
        assert "Rheinuferstraße 7-9\n68165 MANNHEIM\nGERMANY" in text
        assert "Dear Dr. Vogel:" in text


def test_a_google_contacts_export(campaign, campaign_home: Path) -> None:
    result = _import(campaign, "google-contacts.csv")
    assert result.stdout.splitlines()[0].startswith(
        "lists/google-contacts.csv: 7 new, 0 updated, 0 unchanged, 2 rejected (read as a Google "
        "Contacts export; encoding utf-8)"
    )
    # Brightwater (no person) and Linda (family, no company); a line break in the
    # "Formatted" address, a column the import does not use, rejects nothing.
    assert result.stderr.splitlines() == [
        "row 7 (Brightwater & Co): rejected: no hiring-authority name",
        "row 10 (Linda Example): rejected: no company",
    ]
    people = _by_name(campaign)
    juergen = people["Jürgen Müller"]
    assert (juergen["honorific"], juergen["title"], juergen["email"], juergen["phone"]) == (
        "Dr.",
        "Leiter Personal",
        "j.mueller@rhein-soehne.example",
        "+49 30 5550123",
    )
    ana = people["Ana Lima"]
    assert (ana["street"], ana["street2"], ana["phone"]) == (
        "55 Harvard Ave",
        "Suite 300",
        "(617) 555-0142",  # the first of "(617) 555-0142 ::: (617) 555-0143"
    )
    marcus = people["Marcus Webb"]
    assert (marcus["street"], marcus["suffix"]) == ("1 Globex Plaza", "Jr.")  # Work, not Home
    shown = _show(campaign, juergen["id"])
    assert _address(shown) == [
        "Dr. Jürgen Müller", "Leiter Personal", "Rhein & Söhne GmbH", "Friedrichstraße 12",
        "10117 BERLIN", "GERMANY",
    ]  # fmt: skip
    docx, pdf = _letter(campaign, campaign_home, ana["id"])
    for text in (docx, pdf):
        assert (
            "Ana Lima\nVP Engineering\nAcme Corp\n55 Harvard Ave\nSuite 300\nBoston, MA 02134"
            in (text)
        )
        assert "Dear Ana Lima:" in text
        assert "UNITED STATES" not in text  # domestic mail has no country line


def test_an_outlook_export_reads_title_as_the_honorific_and_the_business_address(
    campaign, campaign_home: Path
) -> None:
    result = _import(campaign, "outlook-contacts.csv")
    assert result.stdout.splitlines()[0] == (
        "lists/outlook-contacts.csv: 8 new, 0 updated, 0 unchanged, 0 rejected (read as an "
        "Outlook contacts export; encoding cp1252)"
    )
    assert "row 6: warning: '?' in 'Mr. ?ukasz ?ó?w'" in result.stderr
    people = _by_name(campaign)
    juergen = people["Jürgen Müller"]
    assert (juergen["honorific"], juergen["title"], juergen["gatekeeper"]) == (
        "Dr.",
        "Leiter Personal",
        "Sabine Krause",  # Assistant's Name
    )
    assert (juergen["street"], juergen["postal_code"]) == ("Friedrichstraße 12", "10117")
    assert people["Ana Lima"]["priority"] is None  # Outlook's "High" is an email flag
    assert people["Zoë Ødegaard"]["street"] == "Kong Oscars gate 41"  # only a Home address
    assert people["Marcus Webb"]["suffix"] == "Jr."
    shown = _show(campaign, juergen["id"])
    assert (shown["prospect"]["company"], shown["prospect"]["email"]) == (
        "Rhein & Söhne GmbH",
        "j.mueller@rhein-soehne.example",
    )
    assert shown["prospect"]["phone"] == "+49 30 5550123"
    assert (shown["addressee"], shown["salutation"]) == ("Dr. Jürgen Müller", "Dear Dr. Müller:")
    assert _address(shown)[-3:] == ["Friedrichstraße 12", "10117 BERLIN", "GERMANY"]
    # No letter goes to "Mr. ?ó?w": the merge names him until the name is corrected.
    lost = next(p for p in people.values() if "?" in p["contact"])
    refused = campaign("merge", "--batch", "all")
    assert refused.exit_code == 1
    assert f"prospect {lost['id']} (Wis?a Logistyka Sp. z o.o.): contact 'Mr. ?ukasz ?ó?w' " in (
        refused.stderr
    )
    fixed = campaign("edit", str(lost["id"]), "--contact", "Łukasz Żółw", "--company",
                     "Wisła Logistyka Sp. z o.o.", "--street", "ul. Floriańska 15/4")  # fmt: skip
    assert fixed.exit_code == 0, fixed.output
    docx, pdf = _letter(campaign, campaign_home, juergen["id"])
    for text in (docx, pdf):
        assert (
            "Dr. Jürgen Müller\nLeiter Personal\nRhein & Söhne GmbH\nFriedrichstraße 12\n"
            "10117 BERLIN\nGERMANY"
        ) in text
        assert "Dear Dr. Müller:" in text
        assert "as Mr." not in text and "\nDr.\n" not in text


@pytest.mark.parametrize("name", ["apple-contacts.vcf", "contacts-v4.vcf"])
def test_vcard_files(campaign, campaign_home: Path, name: str) -> None:
    result = _import(campaign, name)
    assert "(read as a vCard file)" in result.stdout.splitlines()[0]
    people = _by_name(campaign)
    if name == "apple-contacts.vcf":
        juergen = people["Jürgen Müller"]
        assert (juergen["honorific"], juergen["gatekeeper"], juergen["street"]) == (
            "Dr.",
            "Sabine Krause",  # item3.X-ABRELATEDNAMES labelled Assistant
            "Friedrichstraße 12",  # the WORK address, not the HOME one
        )
        ana = people["Ana Lima"]
        assert (ana["company"], ana["email"], ana["street2"]) == (
            "Acme Corp, Inc.",  # ORG's escaped comma
            "ana@acme.test",  # not the "Recruiting" address
            "Suite 300",
        )
        target = ana
        lines = "Ms. Ana Lima\nVP Engineering\nAcme Corp, Inc.\n55 Harvard Ave\nSuite 300\n"
        lines += "Boston, MA 02134"
        greeting = "Dear Ms. Lima:"
    else:
        katrin = people["Katrin Vogel"]
        assert (katrin["street"], katrin["street2"], katrin["title"]) == (
            "Rheinuferstraße 7–9",
            "Gebäude C",  # the extended address
            "Director, R&D Informatics",
        )
        assert people["Chloé Dubois"]["phone"] == "+33 4 55 50 01 19"  # a tel: URI
        assert people["Chloé Dubois"]["honorific"] == "Mme"
        target = katrin
        lines = "Dr. Katrin Vogel\nDirector, R&D Informatics\nRhein Pharma AG\n"
        lines += "Rheinuferstraße 7–9\nGebäude C\n68165 MANNHEIM\nGERMANY"
        greeting = "Dear Dr. Vogel:"
    shown = _show(campaign, target["id"])
    assert "\n".join(_address(shown)) == lines
    assert f"Dear {shown['salutation'][5:]}" == greeting
    assert shown["prospect"]["email"] == target["email"] and shown["prospect"]["phone"]
    docx, pdf = _letter(campaign, campaign_home, target["id"])
    for text in (docx, pdf):
        assert lines in text
        assert greeting in text


def test_hubspot_and_salesforce_exports(campaign, campaign_home: Path) -> None:
    hubspot = _import(campaign, "hubspot-contacts.csv")
    assert "(read as a HubSpot contacts export; encoding utf-8)" in hubspot.stdout
    assert "row 7 (Brightwater & Co): rejected: no hiring-authority name" in hubspot.stderr
    people = _by_name(campaign)
    ana = people["Ana Lima"]
    assert (ana["company"], ana["honorific"], ana["region"]) == (
        "Acme Corp",
        "Ms.",
        "Massachusetts",
    )
    assert people["Chloé Dubois"]["company"] == "Maison Lumière SARL"  # no associated company
    assert people["Chloé Dubois"]["email"] == "c.dubois@maison-lumiere.example"
    shown = _show(campaign, ana["id"])
    assert (shown["prospect"]["email"], shown["prospect"]["phone"]) == (
        "ana@acme.test",
        "(617) 555-0142",
    )
    assert shown["salutation"] == "Dear Ms. Lima:"
    assert _address(shown)[-2:] == ["55 Harvard Ave, Suite 300", "Boston, MA 02134"]
    docx, pdf = _letter(campaign, campaign_home, ana["id"])
    for text in (docx, pdf):
        assert "Ms. Ana Lima\nVP Engineering\nAcme Corp\n55 Harvard Ave, Suite 300\n" in text
        assert "Boston, MA 02134" in text and "Dear Ms. Lima:" in text

    salesforce = _import(campaign, "salesforce-contacts.csv")
    # The report's footer is not data: nothing rejected.
    assert "0 rejected (read as a Salesforce contacts report; encoding utf-8)" in salesforce.stdout
    assert "'Hiring Team' is a department, not a person" in salesforce.stdout
    people = _by_name(campaign)
    assert (people["Marcus Webb"]["last_name"], people["Marcus Webb"]["suffix"]) == ("Webb", "Jr.")
    assert people["Katrin Vogel"]["street2"] == "Gebäude C"  # "Mailing Street" on two lines


def test_a_hand_typed_spreadsheet(campaign, campaign_home: Path) -> None:
    result = _import(campaign, "hand-typed.xlsx")
    assert result.stdout.splitlines()[0].startswith(
        "lists/hand-typed.xlsx: 6 new, 0 updated, 0 unchanged, 1 rejected (read as XLSX, sheet "
        "'Targets'; header on row 3, 1 row above it skipped)"
    )
    assert result.stderr.splitlines()[0] == (
        'row 8 (Brightwater & Co): rejected: cell B8 =PROPER(L8&" "&M8) is a formula with no '
        "saved value: open the file in Excel and save it, or type the value"
    )
    people = _by_name(campaign)
    assert people["Sabine Krause"]["company"] == "Rhein & Söhne GmbH"  # the merged cell
    assert people["Łukasz Żółw"]["priority"] == 1  # "high"; the name is a formula's value
    ana = people["Ana Lima"]
    assert (ana["postal_code"], ana["extra"]["follow_up_date"]) == ("02134", "2026-12-01")
    assert "first" not in ana["extra"]  # hidden helper columns are left out
    assert people["Marcus Webb"]["email"] == "marcus.webb@globex.test"
    shown = _show(campaign, people["Jürgen Müller"]["id"])
    assert (shown["prospect"]["title"], shown["prospect"]["phone"]) == (
        "Leiter Personal",
        "+49 30 5550123",
    )
    # The sheet has no country column: a Berlin address is named as no valid US one.
    assert (
        "row 5: warning: no country, and not a valid US address (state or region required): "
        "give the country, or the letter goes as domestic mail"
    ) in result.stderr.splitlines()
    assert _address(shown) == [
        "Dr. Jürgen Müller", "Leiter Personal", "Rhein & Söhne GmbH", "Friedrichstraße 12",
        "Berlin, 10117",
    ]  # fmt: skip
    missing = campaign("import", "lists/hand-typed.xlsx", "--sheet", "Leads")
    assert missing.stderr == (
        f"Error: {campaign_home / 'lists' / 'hand-typed.xlsx'}: no sheet named 'Leads' "
        "(sheets: Targets, Ideas)\n"
    )
    docx, pdf = _letter(campaign, campaign_home, people["Jürgen Müller"]["id"])
    for text in (docx, pdf):
        assert (
            "Dr. Jürgen Müller\nLeiter Personal\nRhein & Söhne GmbH\nFriedrichstraße 12\n" in text
        )
        assert "Dear Dr. Müller:" in text


def test_the_same_people_from_two_exports_are_one_prospect_each(campaign) -> None:
    _import(campaign, "linkedin-connections.csv")
    outlook = _import(campaign, "outlook-contacts.csv")
    assert "0 new, 8 updated" in outlook.stdout  # O’Brien is O'Brien; ?ukasz is Łukasz
    people = _by_name(campaign)
    assert people["Łukasz Żółw"]["email"] == "l.zolw@wisla-logistyka.example"
    assert people["Łukasz Żółw"]["company"] == "Wisła Logistyka Sp. z o.o."
    again = _import(campaign, "outlook-contacts.csv")
    assert "0 new, 0 updated, 8 unchanged" in again.stdout
