"""``campaign meeting``, ``contact``, ``done`` and ``notes`` through the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pypdf import PdfReader

from campaign.models import Contact, ProspectStatus
from tests.factories import add_prospect, store_at

PANEL = (
    "--on",
    "2026-11-16",
    "--with",
    "Ms. Ana Ruiz, VP Sales",
    "--with",
    "Bo Chen, CFO",
    "--with",
    "Dr. Cy Diaz",
    "--interest",
    "Ana Ruiz: quilting",
    "--interest",
    "Chen: sailing",
    "--discussed",
    "Cy Diaz: the warehouse backlog",
    "--email",
    "Ana: ana@acme.example",
)


def test_meeting_schedules_a_distinct_thank_you_for_each_person(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    result = run("meeting", str(acme.id), *PANEL)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Recorded meeting 1 with Acme on 2026-11-16.",
        "  task T1: Send thank-you email due 2026-11-16 for Ms. Ana Ruiz, VP Sales",
        "  task T2: Write note by hand due 2026-11-17 for Ms. Ana Ruiz, VP Sales",
        "  task T3: Send thank-you email due 2026-11-16 for Bo Chen, CFO",
        "  task T4: Write note by hand due 2026-11-17 for Bo Chen, CFO",
        "  task T5: Send thank-you email due 2026-11-16 for Dr. Cy Diaz",
        "  task T6: Write note by hand due 2026-11-17 for Dr. Cy Diaz",
        "  task T7: Status call due 2026-11-23",
        "A problem came up: the note to Cy Diaz proposes a second meeting.",
        "Next: `campaign agenda --drafts` shows each draft, `campaign notes` prints the "
        "note cards; `campaign done T1` after each.",
    ]
    assert store.get_prospect(acme.id).status == ProspectStatus.INTERVIEW


def test_identical_thank_yous_are_refused_and_nothing_is_recorded(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    result = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Ana", "--with", "Bo")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the thank-yous to Ana and Bo would read the same; tell them apart with "
        '--interest, --discussed or --gift, e.g. --interest "Bo: ..." or --discussed "Bo: ..."\n'
    )
    assert store.list_meetings() == [] and store.list_contacts() == []
    assert json.loads(run("agenda", "--due", "all", "--format", "json").output) == []


def test_meeting_input_errors_say_what_and_exit_1(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    cases = {
        ("99", "--on", "2026-11-16", "--with", "Bo"): (
            "Error: no prospect with id 99 (see `campaign prospects`)\n"
        ),
        (str(acme.id), "--on", "2026-12-01", "--with", "Bo", "--interest", "golf"): (
            "Error: --interest is for a meeting that has been held; this one is on 2026-12-01: "
            "plan it now, and record what happened then\n"
        ),
        (str(acme.id), "--on", "2026-11-16", "--with", "Bo", "--with", "Ana", "--gift", "a book"): (
            "Error: --gift 'a book': start it with the name of someone met, e.g. --gift "
            '"Bo: ..." (met: Bo, Ana)\n'
        ),
        (str(acme.id), "--on", "2026-11-16", "--with", "Bo", "--referred-by", "5"): (
            "Error: no contact with id 5 (see `campaign contact list`)\n"
        ),
        (str(acme.id), "--on", "2026-11-16", "--with", "Bo", "--decision-by", "2026-11-01"): (
            "Error: --decision-by 2026-11-01 is before the meeting (2026-11-16)\n"
        ),
    }
    for args, message in cases.items():
        result = run("meeting", *args)
        assert (result.exit_code, result.output) == (1, message), args
    assert store.list_meetings() == []
    assert run("meeting", str(acme.id), "--on", "16/11/2026").exit_code == 2


def test_meeting_print_writes_note_cards_with_hostile_text_as_typed(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="<b>Acme</b> & {{ co }}")
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-13",
        "--with",
        "Zoë Ångström, Head of R&D",
        "--interest",
        "{{ 7*7 }} <i>haiku</i> Ελλάδα Москва",
        "--print",
    )
    assert result.exit_code == 0, result.output
    pdf = campaign_home / "output" / "notes" / "note-cards-2026-11-16.pdf"
    assert f"Note cards: {pdf}" in result.output
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())  # lines wrap on the card
    assert "Dear Zoë," in text
    assert "your interest in {{ 7*7 }} <i>haiku</i> Ελλάδα Москва." in text
    assert "<b>Acme</b> & {{ co }}" in text
    # A second print never overwrites the first.
    again = run("notes")
    assert again.output == (
        f"Wrote 1 note card to {campaign_home / 'output/notes/note-cards-2026-11-16-2.pdf'}\n"
    )


def test_done_removes_tasks_and_refuses_twice(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    assert run("done", "T1", "--note", "sent from my phone").output == "Task T1 done.\n"
    again = run("done", "1")
    assert (again.exit_code, again.output) == (
        1,
        "Error: task T1 is already done on 2026-11-16; nothing changed\n",
    )
    missing = run("done", "42")
    assert (missing.exit_code, missing.output) == (
        1,
        "Error: no task T42 (see `campaign agenda`)\n",
    )
    assert run("done", "3").output == ("Task T3 done.\nNext status call: task T4 due 2026-12-16.\n")


def test_contact_add_list_and_referrals(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    added = run("contact", "add", "Dana Lee", "--company", "Lee & Co", "--phone", "+1 555 0199")
    assert added.output == "Added contact 1: Dana Lee; first catch-up call 2026-12-28.\n"
    friend = run("contact", "add", "Eli Park", "--referred-by", "1")
    assert friend.exit_code == 0
    assert run("contact", "refer", "1", str(acme.id)).output == (
        f"Prospect {acme.id} is recorded as referred by contact 1.\n"
    )
    twice = run("contact", "add", "dana  LEE", "--company", "lee & co")
    assert (twice.exit_code, twice.output) == (
        1,
        "Error: Dana Lee (Lee & Co) is contact 1 already; `campaign contact list` shows them\n",
    )
    bad_email = run("contact", "add", "Gus Hall", "--email", "gus at hall")
    assert bad_email.exit_code == 1
    assert bad_email.output.startswith("Error: contact add --email 'gus at hall': ")
    bad = run("contact", "add", "Fay", "--referred-by", "9")
    assert (bad.exit_code, bad.output) == (
        1,
        "Error: no contact with id 9 (see `campaign contact list`)\n",
    )
    listed = json.loads(run("contact", "list", "--format", "json").output)
    assert [(c["id"], c["name"], c["kind"], c["referred_by"]) for c in listed] == [
        (1, "Dana Lee", "network", None),
        (2, "Eli Park", "network", 1),
    ]
    assert listed[0]["phone"] == "+1 555 0199"  # not a valid number: kept as typed
    run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    agenda = json.loads(run("agenda", "--due", "2026-12-31", "--format", "json").output)
    catch_up = next(i for i in agenda if i["contact_id"] == 1)
    assert catch_up["due"] == "2026-12-28"
    assert catch_up["reason"] == (
        "catch-up: news of the search and of any referral; "
        "referrals: Acme (interview), Eli Park (contact)"
    )
    no_company = run("done", "1", "--decision", "offer")
    assert (no_company.exit_code, no_company.output) == (
        1,
        "Error: task T1 is not about a company; a decision needs one\n",
    )
    done = run("done", str(catch_up["task_id"]), env={"CAMPAIGN_TODAY": "2026-12-28"})
    assert done.output == "Task T1 done.\nNext catch-up call: task T6 due 2027-02-08.\n"


def test_meeting_without_with_is_a_usage_error_and_records_nothing(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    result = run("meeting", str(acme.id), "--on", "2026-11-16")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: Missing option '--with'."
    assert store.list_meetings() == []
    assert json.loads(run("agenda", "--due", "all", "--format", "json").output) == []
    # Nothing was recorded, so the meeting can be recorded properly on the same day.
    again = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    assert again.exit_code == 0, again.output


def test_meeting_refuses_a_declined_prospect_like_log_does(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    assert run("log", str(acme.id), "--outcome", "declined").exit_code == 0
    result = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    assert (result.exit_code, result.output) == (
        1,
        f"Error: prospect {acme.id} (Acme) is declined; "
        f"`campaign reopen {acme.id}` first if you are in touch again\n",
    )
    assert store.get_prospect(acme.id).status == "declined"
    assert store.list_meetings() == [] and store.list_contacts() == []
    # Reopened, the meeting is recorded.
    assert run("reopen", str(acme.id)).exit_code == 0
    again = run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen")
    assert again.exit_code == 0, again.output
    assert store.get_prospect(acme.id).status == ProspectStatus.INTERVIEW


def test_a_second_meeting_moves_the_status_call_instead_of_adding_one(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    first = run("meeting", str(acme.id), "--on", "2026-11-12", "--with", "Bo Chen")
    assert first.exit_code == 0, first.output
    [before] = json.loads(run("calls", "--due", "all", "--format", "json").output)
    assert (before["due"], before["reason"]) == (
        "2026-11-19",
        "status: no decision since the meeting of 12 Nov 2026",
    )
    second = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Ms. Ana Ruiz",
        "--decision-by",
        "2026-12-01",
    )
    assert second.exit_code == 0, second.output
    assert f"  task T{before['task_id']}: Status call due 2026-12-02" in second.output.splitlines()
    [after] = json.loads(run("calls", "--due", "all", "--format", "json").output)
    assert (after["task_id"], after["uid"], after["due"], after["reason"]) == (
        before["task_id"],
        before["uid"],  # the calendar event moves rather than doubling
        "2026-12-02",
        "decision was due 1 Dec 2026",
    )
    # A meeting recorded late (before the latest one) leaves the latest one's call alone.
    late = run("meeting", str(acme.id), "--on", "2026-11-13", "--with", "Cy Diaz")
    assert late.exit_code == 0, late.output
    assert "Status call" not in late.output
    [still] = json.loads(run("calls", "--due", "all", "--format", "json").output)
    assert (still["task_id"], still["due"]) == (before["task_id"], "2026-12-02")


def test_an_ambiguous_name_lists_the_people_it_could_be(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Ana Ruiz",
        "--with",
        "Ana Lopez",
        "--interest",
        "Ana: golf",
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: --interest 'Ana: golf': 'Ana' is ambiguous: it could be Ana Ruiz or Ana Lopez; "
        'use the full name, e.g. --interest "Ana Ruiz: ..."\n',
    )
    assert store.list_meetings() == []


def test_thank_yous_that_differ_only_in_case_or_punctuation_are_refused(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Ann Lee",
        "--with",
        "Bo Ray",
        "--interest",
        "Ann: Golf",
        "--interest",
        "Bo: golf.",
    )
    assert (result.exit_code, result.output) == (
        1,
        "Error: the thank-yous to Ann Lee and Bo Ray would read the same; tell them apart with "
        '--interest, --discussed or --gift, e.g. --interest "Bo Ray: ..." or '
        '--discussed "Bo Ray: ..."\n',
    )
    assert store.list_meetings() == []


def test_the_hiring_authority_met_keeps_the_lists_email_and_phone(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")  # Ms. Alex Person1, alex1@company1.example
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Alex Person1, VP Operations",
        "--with",
        "Bo Chen",
        "--interest",
        "Alex: golf",
        "--phone",
        "Bo: 217 555 0142",
    )
    assert result.exit_code == 0, result.output
    emails = [
        i
        for i in json.loads(run("agenda", "--format", "json").output)
        if i["kind"] == "thank_you_email"
    ]
    assert [(i["who"], i["email"], i["phone"]) for i in emails] == [
        # and the list's honorific: the letter said "Dear Ms. Person1:"
        ("Ms. Alex Person1, VP Operations", acme.email, acme.phone),
        ("Bo Chen", "", "(217) 555-0142"),  # formatted as import formats a list's phones
    ]
    assert emails[0]["draft"].startswith("Dear Ms. Person1,\n")
    alex, bo = store.list_contacts("interviewer")
    assert (alex.email, alex.phone, bo.phone) == (acme.email, acme.phone, "(217) 555-0142")


def test_a_business_card_wins_and_a_bad_email_names_the_option_and_person(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    bad = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Alex Person1",
        "--email",
        "Alex: alex@",
    )
    assert bad.exit_code == 1
    assert bad.output.startswith(
        "Error: --email for Alex Person1: 'alex@' is not a valid email ("
    ), bad.output
    assert len(bad.output.splitlines()) == 1
    assert store.list_meetings() == [] and store.list_contacts() == []
    good = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Alex Person1",
        "--email",
        "Alex.Person@Acme.example",
    )
    assert good.exit_code == 0, good.output
    [alex] = store.list_contacts("interviewer")
    assert (alex.email, alex.phone) == ("alex.person@acme.example", acme.phone)


def test_status_calls_follow_up_the_meeting_not_the_letter(
    run, campaign_home: Path, sender_config: Path
) -> None:
    store = store_at(campaign_home)
    plain, steps, decision = (add_prospect(store, company=c) for c in ("Acme", "Beta", "Core"))
    run("meeting", str(plain.id), "--on", "2026-11-16", "--with", "Bo Chen")
    run(
        "meeting",
        str(steps.id),
        "--on",
        "2026-11-16",
        "--with",
        "Bo Chen",
        "--next-steps",
        "a second round with the CFO in December",
    )
    run(
        "meeting",
        str(decision.id),
        "--on",
        "2026-11-16",
        "--with",
        "Bo Chen",
        "--decision-by",
        "2026-11-20",
    )
    sheet = json.loads(run("calls", "--due", "all", "--format", "json").output)
    points = {c["company"]: c["talking_points"] for c in sheet}
    hello = "Hello Ms. Person{}, this is Pat Example; following up on our meeting of 16 Nov."
    ask = "has a decision been made, and is there anything more I can send you?"
    assert points == {
        "Core": [hello.format(3), f"You expected a decision by 20 Nov: {ask}"],
        "Acme": [hello.format(1), f"H{ask[1:]}"],
        "Beta": [
            hello.format(2),
            f"You described the next steps: a second round with the CFO in December. H{ask[1:]}",
        ],
    }
    assert not any("wrote" in p or "letter" in p for c in sheet for p in c["talking_points"])


def test_a_contacts_phone_is_written_like_a_prospects(run, campaign_home: Path) -> None:
    assert run("contact", "add", "Hal Ng", "--phone", "+1 217 555 0199").exit_code == 0
    (hal,) = json.loads(run("contact", "list", "--format", "json").output)
    assert (hal["name"], hal["phone"]) == ("Hal Ng", "(217) 555-0199")


def _drafts(run) -> dict[tuple[str, str], str]:
    """Every open draft by (person, kind), as ``campaign agenda --format json`` gives it."""
    items = json.loads(run("agenda", "--due", "all", "--format", "json").output)
    return {(i["who"], i["what"]): i["draft"] for i in items if i.get("draft")}


def test_a_gift_ends_its_own_sentence_however_it_was_typed(
    run, campaign_home: Path, sender_config: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    gifts = {
        "Ann": "a book on sailing.",
        "Bo": 'the article "Lean Stores"',
        "Cy": "the podcast “Why WMS?”",
    }
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        *(a for name in gifts for a in ("--with", name)),
        *(a for name, gift in gifts.items() for a in ("--gift", f"{name}: {gift}")),
        "--next-steps",
        "a call on Friday?",
    )
    assert result.exit_code == 0, result.output
    drafts = _drafts(run)
    ended = {"Ann": "a book on sailing.", "Bo": 'the article "Lean Stores."', "Cy": gifts["Cy"]}
    for name, gift in ended.items():
        email = drafts[(name, "Send thank-you email")]
        note = drafts[(name, "Write note by hand")]
        assert f"You might enjoy {gift} I will send it along with a note." in email
        assert f"I thought you might like {gift} I have enclosed it." in note
        assert "I look forward to the next step you described: a call on Friday?\n" in email
        for text in (email, note):
            assert not re.search(r'[.!?]["”]?[.;:,]', text), text


def test_the_email_signature_writes_the_phone_as_the_letters_do(
    run, campaign_home: Path, sender_config: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    assert run("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Bo Chen").exit_code == 0
    email = _drafts(run)[("Bo Chen", "Send thank-you email")]
    assert email.endswith("Best regards,\nPat Example\n(217) 555-0100\npat@example.com\n")


def test_an_objection_belongs_to_whoever_raised_it(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    result = run(
        "meeting",
        str(acme.id),
        "--on",
        "2026-11-16",
        "--with",
        "Ann Lee",
        "--with",
        "Bo Chen",
        "--interest",
        "Bo: sailing",
        "--objection",
        "Ann: no WMS experience",
        "--answer",
        "Ann: I ran the WMS rollout at Foo!",
    )
    assert result.exit_code == 0, result.output
    drafts = _drafts(run)
    ann, bo = drafts[("Ann Lee", "Write note by hand")], drafts[("Bo Chen", "Write note by hand")]
    assert "You raised a fair concern: no WMS experience. I ran the WMS rollout at Foo!\n" in ann
    assert "concern" not in bo and "WMS" not in bo
    assert store.list_meetings()[0].objection == "Ann Lee: no WMS experience"


def test_an_objection_raised_by_the_meeting_is_no_ones_in_particular(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    meet = ("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Ann Lee", "--with", "Bo")
    result = run(
        *meet, "--interest", "Bo: sailing", "--objection", "too senior", "--answer", "Ann: I coach."
    )
    assert result.exit_code == 0, result.output
    drafts = _drafts(run)
    ann, bo = drafts[("Ann Lee", "Write note by hand")], drafts[("Bo", "Write note by hand")]
    raised = "I have thought further about the concern raised in our meeting: too senior."
    assert f"{raised} I coach.\n" in ann
    assert f"{raised} I would welcome the chance to show how I would handle it.\n" in bo
    assert "You raised" not in ann + bo


def test_objection_and_answer_names_are_checked_like_the_other_options(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    meet = ("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Ann Lee", "--with", "Ann Ng")
    cases = {
        ("--objection", "Anne: no WMS"): (
            "Error: --objection 'Anne: no WMS': 'Anne' is not someone met (met: Ann Lee, Ann Ng); "
            "start it with their name, or leave the name out for one raised by the whole meeting\n"
        ),
        ("--objection", "Ann: no WMS"): (
            "Error: --objection 'Ann: no WMS': 'Ann' is ambiguous: it could be Ann Lee or Ann Ng; "
            'use the full name, e.g. --objection "Ann Lee: ..."\n'
        ),
        ("--answer", "I would learn"): (
            "Error: --answer 'I would learn': with several people met, start it with the name "
            "of the person whose --objection it answers\n"
        ),
        ("--answer", "Ng: I would learn"): (
            "Error: --answer for Ann Ng: they raised no --objection; give it as "
            '--objection "Ann Ng: ..."\n'
        ),
    }
    for args, message in cases.items():
        result = run(*meet, "--interest", "Lee: golf", *args)
        assert (result.exit_code, result.output) == (1, message)
    assert store.list_meetings() == []


def test_contact_list_shows_every_honorific_known(run, campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(
        store,
        company="Acme",
        contact="Dr. Jürgen Müller",
        honorific="Dr.",
        first_name="Jürgen",
        last_name="Müller",
    )
    met = run(
        *("meeting", str(acme.id), "--on", "2026-11-16", "--with", "Jürgen Müller"),
        *("--with", "Prof. Li Wu", "--interest", "Wu: chess"),
    )
    assert met.exit_code == 0, met.output
    assert run("contact", "add", "Dr. Ada Okafor", "--company", "Beta").exit_code == 0
    rows = json.loads(run("contact", "list", "--format", "json").output)
    assert [(r["display_name"], r["kind"]) for r in rows] == [
        ("Dr. Ada Okafor", "network"),
        ("Dr. Jürgen Müller", "interviewer"),
        ("Prof. Li Wu", "interviewer"),
    ]
    table = run("contact", "list").output
    assert "Dr. Jürgen Müller" in table and "Prof. Li Wu" in table


def test_a_name_stored_with_its_honorific_never_shows_it_twice() -> None:
    referral = Contact(1, "Dr. Ada Okafor", "network", honorific="Dr.")
    assert referral.display_name == "Dr. Ada Okafor"
    assert Contact(2, "Ada Okafor", "interviewer", honorific="Dr").display_name == "Dr Ada Okafor"
    assert Contact(3, "Ada Okafor", "network").display_name == "Ada Okafor"


def test_agenda_shows_the_email_for_an_email_and_says_when_there_is_none(
    run, campaign_home: Path
) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    assert run("meeting", str(acme.id), *PANEL).exit_code == 0
    items = json.loads(run("agenda", "--format", "json").output)
    assert {i["who"].split(",")[0]: i["email"] for i in items} == {
        "Ms. Ana Ruiz": "ana@acme.example", "Bo Chen": "", "Dr. Cy Diaz": "",
    }  # fmt: skip
    table = " ".join(run("agenda").output.split())
    assert "ana@acme.example" in table
    assert table.count("no email on record: ask for their card") == 2
