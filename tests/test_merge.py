"""Rendering letters: merge fields, strictness, data never evaluated, templates found."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from campaign.config import Settings, Smtp
from campaign.errors import InputError, TemplateError
from campaign.letters import letter_date, load_letter, render_batch
from campaign.models import Prospect, Rendered
from campaign.people import salutation
from campaign.templating import period
from tests.conftest import examples
from tests.factories import SENDER

TODAY = date(2026, 11, 16)  # a Monday; Thursday 26 Nov 2026 is Thanksgiving


def make_settings(home: Path, **changes: object) -> Settings:
    base = Settings(home=home, db_url=f"sqlite:///{home / 'campaign.db'}", sender=SENDER)
    return replace(base, **changes)


def prospect(**fields: object) -> Prospect:
    values: dict[str, object] = {
        "id": 7,
        "company": "Baptiste Freight",
        "contact": "Ms. Maria Baptiste",
        "honorific": "Ms.",
        "first_name": "Maria",
        "last_name": "Baptiste",
        "title": "Director of Operations",
        "email": "maria@baptiste.example",
        "street": "4 Harbor Road",
        "city": "Peoria",
        "region": "IL",
        "postal_code": "61602",
    }
    values.update(fields)
    return Prospect(**values)  # type: ignore[arg-type]


def user_letter(home: Path, text: str, name: str = "mine") -> None:
    (home / "templates").mkdir(exist_ok=True)
    (home / "templates" / f"{name}.txt").write_text(text, encoding="utf-8")


def one(home: Path, text: str, p: Prospect | None = None, **changes: object) -> Rendered:
    user_letter(home, text)
    settings = make_settings(home, **changes)
    return render_batch(load_letter(settings, "mine"), [p or prospect()], settings, TODAY)[0]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "Dear Ms. Baptiste:"),
        ({"honorific": "Dr", "last_name": "Okafor"}, "Dear Dr. Okafor:"),
        ({"honorific": "", "first_name": "Jordan", "last_name": "Lee"}, "Dear Jordan Lee:"),
        ({"honorific": "", "first_name": "", "last_name": "", "contact": "Sam"}, "Dear Sam:"),
        (
            {"honorific": "", "first_name": "J.", "middle_name": "R.", "last_name": "Smith"},
            "Dear J. R. Smith:",
        ),
        (
            {"honorific": "", "first_name": "Jo", "middle_name": "Ann", "last_name": "Lee"},
            "Dear Jo Lee:",
        ),
        ({"honorific": "Sir", "first_name": "Elton", "last_name": "John"}, "Dear Sir Elton:"),
    ],
)
def test_salutation(fields: dict[str, str], expected: str) -> None:
    assert salutation(prospect(**fields)) == expected


def test_letter_date_has_no_leading_zero() -> None:
    assert letter_date(date(2026, 3, 5)) == "March 5, 2026"


def test_the_package_marketing_letter_renders(campaign_home: Path) -> None:
    settings = make_settings(campaign_home)
    [r] = render_batch(load_letter(settings, "marketing"), [prospect()], settings, TODAY)
    assert r.subject == "Cutting operating cost at Baptiste Freight without cutting service"
    assert r.paragraphs[0] == (r.paragraphs[0][0],) and r.text.startswith("Dear Ms. Baptiste:")
    # Printed (no SMTP): sent Monday 16th, +7 days +3 postal = Thanksgiving -> Friday.
    assert r.channel == "post" and r.call_date == date(2026, 11, 27)
    assert "I will call your office on Friday, November 27" in r.text
    assert r.text.endswith("Sincerely,")
    assert r.date_line == "November 16, 2026"
    assert r.recipient_lines == (
        "Ms. Maria Baptiste",
        "Director of Operations",
        "Baptiste Freight",
        "4 Harbor Road",
        "Peoria, IL 61602",
    )
    # The phone as Americans write it, from the "+1 217 555 0100" in campaign.toml.
    assert r.body_text.endswith("Sincerely,\n\nPat Example\n(217) 555-0100\npat@example.com\n")
    assert "please call me at (217) 555-0100." in r.text
    assert "<strong>Freight.</strong>" in r.body_html


def test_emailed_letters_promise_an_earlier_call(campaign_home: Path) -> None:
    settings = make_settings(campaign_home, smtp=Smtp(host="smtp.example.com"))
    [r] = render_batch(load_letter(settings, "cover"), [prospect()], settings, TODAY)
    assert r.channel == "email" and r.call_date == date(2026, 11, 23)
    assert "I will call you on Monday, November 23, to follow up" in r.text
    assert r.subject == "Your opening: application from Pat Example"
    assert "my resume is attached" in r.text and r.enclosures == ()


@pytest.mark.parametrize("letter", ["marketing", "cover"])
def test_a_company_ending_in_a_period_never_prints_two(campaign_home: Path, letter: str) -> None:
    settings = make_settings(campaign_home)
    p = prospect(company="Baptiste Freight Co.")
    [r] = render_batch(load_letter(settings, letter), [p], settings, TODAY)
    assert "Baptiste Freight Co." in r.text
    assert ".." not in r.text and ".." not in r.subject


def test_period_ends_a_sentence_with_a_value_once(campaign_home: Path) -> None:
    text = "Subject: s\n{{ salutation }}\n\nI would like to work at {{ company | period }}\n"
    assert one(campaign_home, text, prospect(company="Acme Inc.")).text.endswith("at Acme Inc.")
    assert one(campaign_home, text, prospect(company="Acme")).text.endswith("at Acme.")
    with pytest.raises(TemplateError, match="company"):  # a blank value is still an error
        one(campaign_home, text, prospect(company=""))


@pytest.mark.parametrize(
    ("typed", "ended"),
    [
        ("a book on sailing", "a book on sailing."),
        ("a book on sailing.", "a book on sailing."),
        ("golf,", "golf."),
        ("Why WMS?", "Why WMS?"),
        ('the article "Lean Stores"', 'the article "Lean Stores."'),
        ('the article "Lean Stores."', 'the article "Lean Stores."'),
        ("the podcast \u201cWhy WMS?\u201d", "the podcast \u201cWhy WMS?\u201d"),
        ("a map (of Peoria)", "a map (of Peoria)."),
    ],
)
def test_period_ends_any_typed_value_with_one_stop(typed: str, ended: str) -> None:
    assert period(typed) == ended


def test_paragraph_runs_lines_together_and_an_empty_one_vanishes(campaign_home: Path) -> None:
    text = (
        "Subject: s\n{{ salutation }}\n\n{% filter paragraph %}\nOne.\n"
        "{% if title %}\nTwo {{ title }}.\n{% endif %}\n{% endfilter %}\n\n"
        "{% filter paragraph %}\n{% if not title %}\nNever.\n{% endif %}\n{% endfilter %}\n"
        "Sincerely,\n"
    )
    r = one(campaign_home, text)
    assert r.text == "Dear Ms. Baptiste:\n\nOne. Two Director of Operations.\n\nSincerely,"


def test_cover_letter_uses_a_position_column(campaign_home: Path) -> None:
    settings = make_settings(campaign_home)
    p = prospect(extra={"Position": "Warehouse Manager"})
    [r] = render_batch(load_letter(settings, "cover"), [p], settings, TODAY)
    assert r.subject == "Warehouse Manager: application from Pat Example"
    assert "apply for Warehouse Manager at Baptiste Freight" in r.text


def test_emphasis_becomes_runs(campaign_home: Path) -> None:
    r = one(campaign_home, "Subject: s\n{{ salutation }}\n\nA **bold** and *italic* word.\n")
    runs = r.paragraphs[1]
    assert [(x.text, x.bold, x.italic) for x in runs] == [
        ("A ", False, False),
        ("bold", True, False),
        (" and ", False, False),
        ("italic", False, True),
        (" word.", False, False),
    ]


def test_data_is_never_template_or_emphasis(campaign_home: Path) -> None:
    company = "{{ 7*7 }} *Stars* **& <Co> \"Q\" 'q'"
    r = one(
        campaign_home,
        "Subject: For {{ company }}\nHi\n\nAt {{ company }}.\n",
        prospect(company=company),
    )
    assert r.subject == f"For {company}"
    assert r.paragraphs[1] == (r.paragraphs[1][0],)  # one plain run: no emphasis from data
    assert r.text == f"Hi\n\nAt {company}."
    assert html.escape(company, quote=True) in r.body_html
    assert "49" not in r.text


def test_line_breaks_in_data_stay_inside_the_paragraph(campaign_home: Path) -> None:
    r = one(
        campaign_home,
        "Subject: {{ company }}\nHi {{ company }}.\n",
        prospect(company="A\n\nB\r\nC"),
    )
    assert r.subject == "A B C"
    assert len(r.paragraphs) == 1


def test_extra_columns_are_merge_fields(campaign_home: Path) -> None:
    p = prospect(extra={"Met At": "Dana Wu", "2nd Office": "Austin"})
    r = one(
        campaign_home,
        "Subject: s\n{{ met_at }} / {{ column_2nd_office }} / {{ extra['Met At'] }}\n",
        p,
    )
    assert r.text == "Dana Wu / Austin / Dana Wu"


def test_sender_fields_and_place_in_campaign(campaign_home: Path) -> None:
    r = one(
        campaign_home,
        "Subject: s\n{{ sender.name }} {{ week }} {{ letter_number }}/{{ batch_size }}\n",
    )
    assert r.text == "Pat Example 2026-W47 1/1"


def test_unknown_variable_names_file_line_and_variable(campaign_home: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        one(campaign_home, "Subject: s\n{{ salutation }}\n\nHello {{ compnay }}.\n")
    assert str(caught.value) == "templates/mine.txt:4: 'compnay' is undefined"


def test_syntax_error_names_file_and_line(campaign_home: Path) -> None:
    user_letter(campaign_home, "Subject: s\n\n{% if title %}\nno end\n")
    with pytest.raises(TemplateError, match=r"^templates/mine.txt:4: Unexpected end of template"):
        load_letter(make_settings(campaign_home), "mine")


def test_blank_field_names_line_variable_and_prospect(campaign_home: Path) -> None:
    text = "Subject: s\nDear {{ first_name }},\n\nAs {{ title }} at {{ company }}.\n"
    with pytest.raises(TemplateError) as caught:
        one(campaign_home, text, prospect(title="  "))
    assert str(caught.value) == (
        "templates/mine.txt:4: 'title' is blank for prospect 7 (Baptiste Freight)"
    )


def test_blank_fields_can_be_guarded(campaign_home: Path) -> None:
    text = "Subject: s\n{% if title %}T{% endif %}{{ phone or 'none' }}{{ notes | default('-') }}\n"
    assert one(campaign_home, text, prospect(title="")).text == "none-"


def test_blank_sender_field_names_the_key(campaign_home: Path) -> None:
    settings_sender = replace(SENDER, phone="")
    with pytest.raises(TemplateError, match=r"templates/mine.txt:2: \[sender\] phone is empty"):
        one(campaign_home, "Subject: s\nCall {{ sender.phone }}\n", sender=settings_sender)


def test_one_bad_prospect_stops_the_whole_batch(campaign_home: Path) -> None:
    user_letter(campaign_home, "Subject: s\n{{ title }}\n")
    settings = make_settings(campaign_home)
    batch = [prospect(id=1), prospect(id=2, title=""), prospect(id=3)]
    with pytest.raises(TemplateError, match="prospect 2 "):
        render_batch(load_letter(settings, "mine"), batch, settings, TODAY)


def test_subject_line_is_required(campaign_home: Path) -> None:
    with pytest.raises(TemplateError, match=r"^templates/mine.txt:1: the first line must be"):
        one(campaign_home, "Dear you,\n\nText.\n")


def test_unknown_letter_lists_the_known_ones(campaign_home: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        load_letter(make_settings(campaign_home), "thanks")
    assert str(caught.value) == (
        "no letter 'thanks': add templates/thanks.txt (known letters: cover, marketing)"
    )


def test_letter_names_cannot_leave_templates(campaign_home: Path) -> None:
    with pytest.raises(TemplateError, match="must be letters, digits"):
        load_letter(make_settings(campaign_home), "../campaign")


def test_the_campaign_folder_template_wins(campaign_home: Path) -> None:
    user_letter(campaign_home, "Subject: Mine\nMy own words.\n", name="marketing")
    settings = make_settings(campaign_home)
    letter = load_letter(settings, "marketing")
    assert letter.path == campaign_home / "templates" / "marketing.txt"
    assert render_batch(letter, [prospect()], settings, TODAY)[0].text == "My own words."


def test_missing_resume_names_key_and_path(campaign_home: Path) -> None:
    settings = make_settings(campaign_home, sender=replace(SENDER, resume="lists/cv.pdf"))
    with pytest.raises(InputError) as caught:
        render_batch(load_letter(settings, "cover"), [prospect()], settings, TODAY)
    assert "[sender] resume 'lists/cv.pdf': no such file" in str(caught.value)
    assert str(campaign_home / "lists" / "cv.pdf") in str(caught.value)


@hsettings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    company=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
        min_size=1,
        max_size=40,
    )
)
def test_any_company_prints_exactly_as_written(campaign_home: Path, company: str) -> None:
    r = one(
        campaign_home,
        "Subject: {{ company }}\nTo {{ company }}, with *care*.\n",
        prospect(company=company),
    )
    assert r.subject == company
    assert r.text == f"To {company}, with care."
    assert html.escape(company, quote=True) in r.body_html
