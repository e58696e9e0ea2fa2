"""The interview follow-up logic: people, drafts, due dates, closing the loop."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.clock import BusinessCalendar
from campaign.config import Interview, Settings
from campaign.errors import InputError, NotFound, TemplateError
from campaign.interview import MeetingRequest, assign, meet, plan_meeting, record_meeting
from campaign.models import Decision, Prospect, ProspectStatus, TaskState
from campaign.people import parse_person
from campaign.tasks import close_company, finish_task
from tests.conftest import cli_words, examples
from tests.factories import TODAY, add_prospect, store_at

CAL = BusinessCalendar("US")
ACME = Prospect(id=1, company="Acme", contact="Ms. Alex Person1", phone="+1 217 555 0001")
PANEL = MeetingRequest(
    prospect_id=1,
    held_on=TODAY,
    people=("Ms. Ana Ruiz, VP Sales", "Bo Chen, CFO", "Dr. Cy Diaz"),
    interests=("Ana Ruiz: quilting", "Chen: sailing"),
    discussed=("Cy Diaz: the warehouse backlog",),
    gifts=("Ana: an article on the Gee's Bend quilters",),
)


def _settings(home: Path, **interview: int) -> Settings:
    return Settings(home=home, db_url="", interview=Interview(**interview))


def test_parse_person_splits_honorific_name_and_title() -> None:
    ana = parse_person("  Ms.  Ana   Ruiz , VP Sales ")
    assert (ana.honorific, ana.name, ana.first_name, ana.last_name, ana.title) == (
        "Ms.",
        "Ana Ruiz",
        "Ana",
        "Ruiz",
        "VP Sales",
    )
    assert ana.display == "Ms. Ana Ruiz, VP Sales"
    assert ana.salutation == "Ms. Ruiz"
    assert parse_person("Bo Chen").salutation == "Bo"  # no honorific: first names
    assert parse_person("Bo").salutation == "Bo"


def test_options_match_people_by_full_first_or_last_name() -> None:
    people = meet(PANEL)[0]
    assert [p.interest for p in people] == ["quilting", "sailing", ""]
    assert people[2].discussed == "the warehouse backlog"
    assert people[0].gift == "an article on the Gee's Bend quilters"


def test_an_option_naming_nobody_met_is_refused() -> None:
    people = meet(PANEL)[0]
    with pytest.raises(InputError) as err:
        assign(people, ["Zed: golf"], "interest")
    assert cli_words(err.value) == (
        "--interest 'Zed: golf': 'Zed' is not someone met (met: Ana Ruiz, Bo Chen, Cy Diaz); "
        "start it with the name of someone met"
    )


def test_with_one_person_a_bare_value_is_theirs() -> None:
    people = meet(MeetingRequest(1, TODAY, people=("Bo Chen",), interests=("ratio: 3:1",)))[0]
    assert people[0].interest == "ratio: 3:1"


def test_panel_plan_three_emails_three_notes_one_call(tmp_path: Path) -> None:
    plan = plan_meeting(PANEL, ACME, _settings(tmp_path), CAL, TODAY)
    emails = [t for t in plan.tasks if t.kind == "thank_you_email"]
    notes = [t for t in plan.tasks if t.kind == "note"]
    calls = [t for t in plan.tasks if t.kind == "status_call"]
    assert [t.due for t in emails] == [TODAY] * 3
    assert [t.due for t in notes] == [date(2026, 11, 17)] * 3
    assert [t.person for t in notes] == [0, 1, 2]
    assert [c.due for c in calls] == [date(2026, 11, 23)]
    assert len({t.detail["draft"] for t in emails}) == 3
    assert len({t.detail["draft"] for t in notes}) == 3
    assert notes[0].detail["draft"].startswith("Dear Ms. Ruiz,\n")
    assert "quilting" in notes[0].detail["draft"]
    assert "Gee's Bend" in notes[0].detail["draft"]
    assert emails[1].detail["subject"] == "Thank you for our meeting on November 16"
    # Ms. Ruiz and Dr. Diaz have honorifics: one style for the meeting, Bo by his full name.
    assert emails[1].detail["draft"].startswith("Dear Bo Chen,\n")
    assert notes[1].detail["draft"].startswith("Dear Bo Chen,\n")


def test_a_problem_discussed_proposes_a_second_meeting_to_that_person(tmp_path: Path) -> None:
    plan = plan_meeting(PANEL, ACME, _settings(tmp_path), CAL, TODAY)
    notes = [t.detail["draft"] for t in plan.tasks if t.kind == "note"]
    assert plan.second_meeting
    assert "Could we meet again" in notes[2]
    assert "Could we meet again" not in notes[0]


def test_identical_drafts_are_refused_naming_the_fields(tmp_path: Path) -> None:
    request = MeetingRequest(1, TODAY, people=("Ana Ruiz, VP Sales", "Bo Chen, CFO"))
    with pytest.raises(InputError) as err:
        plan_meeting(request, ACME, _settings(tmp_path), CAL, TODAY)
    assert cli_words(err.value) == (
        "the thank-yous to Ana Ruiz and Bo Chen would read the same; tell them apart with "
        '--interest, --discussed or --gift, e.g. --interest "Bo Chen: ..." or '
        '--discussed "Bo Chen: ..."'
    )


def test_decision_by_sets_the_status_call_after_a_holiday(tmp_path: Path) -> None:
    # 26 Nov 2026 is Thanksgiving: the call falls on the business day after the 25th.
    request = MeetingRequest(1, TODAY, people=("Bo Chen",), decision_by=date(2026, 11, 25))
    plan = plan_meeting(request, ACME, _settings(tmp_path), CAL, TODAY)
    call = next(t for t in plan.tasks if t.kind == "status_call")
    assert call.due == date(2026, 11, 27)
    assert call.reason == "decision was due 25 Nov 2026"


def test_configured_delays_are_used(tmp_path: Path) -> None:
    settings_ = _settings(tmp_path, thank_you_email_days=1, note_days=2, status_call_days=10)
    plan = plan_meeting(MeetingRequest(1, TODAY, people=("Bo Chen",)), ACME, settings_, CAL, TODAY)
    assert {t.kind: t.due for t in plan.tasks} == {
        "thank_you_email": date(2026, 11, 17),
        "note": date(2026, 11, 18),
        "status_call": date(2026, 11, 26),  # placed on a business day when written
    }


def test_values_that_end_in_a_full_stop_never_print_two(tmp_path: Path) -> None:
    request = MeetingRequest(
        1,
        TODAY,
        people=("Ms. Ana Ruiz, VP Sales",),
        interests=("quilting.",),
        discussed=("the warehouse backlog.",),
        objections=("my lack of SAP experience?",),
        answers=("I learned Oracle in a month",),
        next_steps="a second round in December.",
        fit="My freight savings are what your plan needs",
    )
    prospect = Prospect(id=1, company="Keystone Health Ltd.", contact="x")
    plan = plan_meeting(request, prospect, _settings(tmp_path), CAL, TODAY)
    email, note = (t.detail["draft"] for t in plan.tasks[:2])
    assert email.startswith(
        "Dear Ms. Ruiz,\n\nThank you for taking the time to meet with me on November 16 and "
        "for explaining your work as VP Sales at Keystone Health Ltd. I especially enjoyed our "
        "discussion of the warehouse backlog. I enjoyed hearing about your interest in "
        "quilting.\n\nMy freight savings are what your plan needs. I look "
        "forward to the next step you described: a second round in December.\n\n"
    )
    assert note.startswith(
        "Dear Ms. Ruiz,\n\nThank you for meeting with me on November 16. I keep thinking about "
        "what we discussed: the warehouse backlog. It was good to hear about your interest in "
        "quilting.\n\n"
    )
    assert (
        "You raised a fair concern: my lack of SAP experience? I learned Oracle in a month. "
        "I have some further ideas"
    ) in note
    assert ".." not in email + note and "?." not in note and "!." not in note


HOSTILE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "<script>alert(1)</script> & <b>bold</b>",
    "{{ ''.__class__.__mro__ }}",
    "${HOME} %s {0}",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_data_is_printed_as_typed_never_evaluated(tmp_path: Path, value: str) -> None:
    request = MeetingRequest(
        1, TODAY, people=(f"Bo {value}",), interests=(value,), discussed=(value,), gifts=(value,)
    )
    prospect = Prospect(id=1, company=value, contact="x")
    plan = plan_meeting(request, prospect, _settings(tmp_path), CAL, TODAY)
    for task in plan.tasks[:2]:
        draft = task.detail["draft"]
        assert draft.count(value) >= 3
        assert "49" not in draft and "xxx" not in draft and "&amp;" not in draft


def test_a_users_template_wins_and_its_errors_say_where(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "thank_you_note.txt").write_text(
        "Hi {{ salutation }}, {{ interest }}!\n", encoding="utf-8"
    )
    request = MeetingRequest(1, TODAY, people=("Bo Chen",), interests=("sailing",))
    plan = plan_meeting(request, ACME, _settings(tmp_path), CAL, TODAY)
    assert plan.tasks[1].detail["draft"] == "Hi Bo, sailing!\n"
    (tmp_path / "templates" / "thank_you_note.txt").write_text("{{ nope }}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"thank_you_note.txt:1: 'nope' is undefined"):
        plan_meeting(request, ACME, _settings(tmp_path), CAL, TODAY)


@settings(max_examples=examples(40), deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
def test_notes_fall_on_business_days_after_the_meeting(held_on: date) -> None:
    request = MeetingRequest(1, held_on, people=("Bo Chen",))
    plan = plan_meeting(request, ACME, _settings(Path("/nonexistent")), CAL, date(2028, 1, 1))
    note = next(t for t in plan.tasks if t.kind == "note")
    assert note.due > held_on
    assert CAL.is_business_day(note.due)
    assert (note.due - held_on) <= timedelta(days=5)


def test_record_panel_then_offer_closes_everything(campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store, company="Acme")
    other = add_prospect(store, company="Other")
    prospecting = store.insert_task(kind="call", due=TODAY, today=TODAY, prospect_id=acme.id).id
    elsewhere = store.insert_task(kind="call", due=TODAY, today=TODAY, prospect_id=other.id).id
    settings_ = _settings(campaign_home)
    request = MeetingRequest(**{**PANEL.__dict__, "prospect_id": acme.id})
    _, saved = record_meeting(store, settings_, TODAY, request)
    assert [c.name for c in saved.people] == ["Ana Ruiz", "Bo Chen", "Cy Diaz"]
    assert {c.kind for c in saved.people} == {"interviewer"}
    assert store.get_prospect(acme.id).status == ProspectStatus.INTERVIEW
    assert (
        store.get_task(prospecting).state == TaskState.CANCELLED
    )  # interview follow-up replaces it
    people = store.meeting_people(saved.meeting.id)
    assert [(c.name, discussed) for c, discussed, _ in people][2] == (
        "Cy Diaz",
        "the warehouse backlog",
    )

    with store.transaction() as tx:
        cancelled = close_company(tx, acme.id, Decision.OFFER, TODAY)
    assert cancelled == 7
    assert {store.get_task(t.id).state for t in saved.tasks} == {TaskState.CANCELLED}
    assert store.get_task(elsewhere).state == TaskState.OPEN
    assert store.get_prospect(acme.id).status == ProspectStatus.OFFER
    assert store.list_meetings(acme.id)[0].outcome == "offer"


def test_recording_a_meeting_twice_is_refused(campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    request = MeetingRequest(acme.id, TODAY, people=("Bo Chen",))
    record_meeting(store, _settings(campaign_home), TODAY, request)
    with pytest.raises(InputError, match=r"already has a meeting on 2026-11-16 \(meeting 1\)"):
        record_meeting(store, _settings(campaign_home), TODAY, request)


def test_the_same_person_met_again_keeps_one_contact(campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    first = MeetingRequest(acme.id, TODAY, people=("Bo Chen",), emails=("bo@acme.example",))
    record_meeting(store, _settings(campaign_home), TODAY, first)
    later = TODAY + timedelta(days=7)
    second = MeetingRequest(acme.id, later, people=("bo chen, CFO",))
    record_meeting(store, _settings(campaign_home), later, second)
    [bo] = store.list_contacts("interviewer")
    assert (bo.email, bo.title) == ("bo@acme.example", "CFO")


def test_done_status_call_schedules_the_next_until_a_decision(campaign_home: Path) -> None:
    store = store_at(campaign_home)
    acme = add_prospect(store)
    _, saved = record_meeting(
        store, _settings(campaign_home), TODAY, MeetingRequest(acme.id, TODAY, people=("Bo",))
    )
    call = saved.tasks[-1]
    day = date(2026, 11, 23)
    finished, nxt = finish_task(store, _settings(campaign_home), day, call.id, "no news")
    assert finished.state == TaskState.DONE and finished.note == "no news"
    assert nxt is not None and (nxt.kind, nxt.due, nxt.attempt) == (
        "status_call",
        date(2026, 12, 23),
        2,
    )
    with store.transaction() as tx:
        close_company(tx, acme.id, Decision.DECLINED, day)
    with pytest.raises(InputError, match=f"task T{nxt.id} is already cancelled on 2026-11-23"):
        finish_task(store, _settings(campaign_home), day, nxt.id)
    with pytest.raises(NotFound, match="no task T99"):
        finish_task(store, _settings(campaign_home), day, 99)


def test_a_meeting_with_nobody_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        plan_meeting(MeetingRequest(1, TODAY), ACME, _settings(tmp_path), CAL, TODAY)
    assert cli_words(err.value) == '--with: name everyone met, e.g. --with "Ms. Ana Ruiz, VP Sales"'


def test_a_name_shared_by_two_people_met_is_ambiguous() -> None:
    people = meet(MeetingRequest(1, TODAY, people=("Ana Ruiz", "Ana Lopez", "Bo Ruiz")))[0]
    with pytest.raises(InputError) as err:
        assign(people, ["Ana: golf"], "interest")
    assert cli_words(err.value) == (
        "--interest 'Ana: golf': 'Ana' is ambiguous: it could be Ana Ruiz or Ana Lopez; "
        'use the full name, e.g. --interest "Ana Ruiz: ..."'
    )
    with pytest.raises(InputError, match=r"'Ruiz' is ambiguous: it could be Ana Ruiz or Bo Ruiz"):
        assign(people, ["Ruiz: golf"], "interest")
    assert assign(people, ["ana lopez: golf", "Bo: chess"], "interest") == {1: "golf", 2: "chess"}


@pytest.mark.parametrize(
    ("objection", "sentence"),
    [
        # Raised in the meeting, by no one named: no note says its reader raised it.
        (
            "no experience in biotech",
            "I have thought further about the concern raised in our meeting: no experience in "
            "biotech. I would welcome the chance to show how I would handle it.",
        ),
        (
            "too senior.",
            "I have thought further about the concern raised in our meeting: too senior. I would",
        ),
    ],
)
def test_drafts_read_as_us_business_prose(tmp_path: Path, objection: str, sentence: str) -> None:
    request = MeetingRequest(
        1,
        date(2026, 11, 17),
        people=("Nadia Whitfield", "Dr. Cy Diaz"),
        interests=("Nadia: marathon running", "Cy: sailing"),
        discussed=("Nadia: the quarterly reporting",),
        objections=(objection,),
    )
    plan = plan_meeting(request, ACME, _settings(tmp_path), CAL, date(2026, 11, 17))
    email, note, cy_email, cy_note = (t.detail for t in plan.tasks[:4])
    assert email["subject"] == "Thank you for our meeting on November 17"
    assert [d["draft"].splitlines()[0] for d in (email, note, cy_email, cy_note)] == [
        # No honorific, but Dr. Diaz has one: one style for the meeting, her full name.
        "Dear Nadia Whitfield,",
        "Dear Nadia Whitfield,",
        "Dear Dr. Diaz,",
        "Dear Dr. Diaz,",
    ]
    assert "I especially enjoyed our discussion of the quarterly reporting." in email["draft"]
    assert "I enjoyed hearing about your interest in marathon running." in email["draft"]
    assert "your interest in marathon running." in note["draft"]
    assert sentence in note["draft"] and sentence in cy_note["draft"]
    assert "You raised" not in note["draft"] + cy_note["draft"]
    for text in (email["draft"], note["draft"]):
        assert "17 Nov" not in text and "candour" not in text and "learn about" not in text
