"""The follow-up rules: placing calls, each outcome's next step, and the invariants."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.clock import due_until
from campaign.config import Schedule, Settings
from campaign.errors import InputError
from campaign.followup import (
    SUGGEST_GIFT,
    CallLoad,
    log_call,
    next_step,
    place_call,
    unanswered_streak,
)
from campaign.models import FINISHED_STATUSES, CallRecord, Channel, Outcome, ProspectStatus
from campaign.people import format_phone
from campaign.store.schema import tasks
from tests.callfactory import calendar, send_letters
from tests.conftest import examples
from tests.factories import add_prospects, store_at

OUTCOMES = tuple(o.value for o in Outcome)

US = calendar("US")
FRI = date(2026, 11, 27)


def calls(*outcomes: str) -> list[CallRecord]:
    return [
        CallRecord(id=i, prospect_id=1, called_on=FRI, outcome=o, attempt=i)
        for i, o in enumerate(outcomes, start=1)
    ]


def step(outcome: str, history: list[CallRecord] | None = None, **kw):
    return next_step(
        outcome,
        today=FRI,
        attempt=len(history or []) + 1,
        history=history or [],
        schedule=Schedule(),
        calendar=US,
        **kw,
    )


def test_place_call_skips_holidays_weekends_and_full_days():
    assert place_call(US, date(2026, 11, 26), {}, 16) == FRI  # Thanksgiving
    assert place_call(US, date(2026, 11, 28), {}, 16) == date(2026, 11, 30)  # Saturday
    assert place_call(US, FRI, {FRI: 16}, 16) == date(2026, 11, 30)
    assert place_call(US, date(2026, 12, 24), {date(2026, 12, 24): 2}, 2) == date(2026, 12, 28)


def test_outcome_steps():
    assert step("reached").due == date(2026, 12, 28)  # 27 Nov + 30 days, a Sunday -> Monday
    assert step("reached", calls("reached")).suggestion == SUGGEST_GIFT
    assert step("reached", calls("reached", "reached")).suggestion == ""
    retry = step("voicemail", calls("no-answer"))
    assert (retry.due, retry.attempt) == (date(2026, 12, 1), 3)
    pause = step("no-answer", calls("reached", "voicemail", "no-answer", "voicemail"))
    assert (pause.due, pause.attempt) == (date(2026, 12, 28), 1)
    assert pause.suggestion.startswith("send a short note")
    callback = step("gatekeeper", callback=date(2026, 12, 5))  # a Saturday
    assert (callback.due, callback.exact) == (date(2026, 12, 7), True)
    assert step("meeting").status == "interview" and step("meeting").cancel == "calls"
    assert step("declined").status == ProspectStatus.DECLINED and step("declined").due is None
    assert step("hired").status == ProspectStatus.HIRED and step("hired").cancel == "all"
    assert step("offer").status == ProspectStatus.OFFER and step("offer").cancel == "all"
    with pytest.raises(InputError, match="'maybe' is not an outcome"):
        step("maybe")


def test_unanswered_streak_counts_only_the_latest_run():
    assert unanswered_streak(calls("voicemail", "reached", "no-answer", "voicemail")) == 2
    assert unanswered_streak(calls("voicemail", "gatekeeper")) == 0
    assert unanswered_streak([]) == 0


def test_due_until_and_phone_format():
    mon = date(2026, 11, 16)
    assert due_until("today", mon) == mon
    assert due_until("week", mon) == date(2026, 11, 22)
    assert due_until("all", mon) is None
    assert due_until("2026-12-01", mon) == date(2026, 12, 1)
    assert format_phone("217.555.0100") == "(217) 555-0100"
    assert format_phone("+1 (217) 555-0100") == "(217) 555-0100"
    assert format_phone("+33 1 23 45 67 89") == "+33 1 23 45 67 89"
    assert format_phone("") == ""


# -- invariants over random campaigns -----------------------------------------------------

sends = st.lists(
    st.tuples(
        st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 1, 10)),
        st.sampled_from([Channel.EMAIL, Channel.POST]),
        st.integers(min_value=1, max_value=6),
    ),
    min_size=1,
    max_size=5,
)
logs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=29),
        st.sampled_from([o for o in OUTCOMES if o != "gatekeeper"] + ["gatekeeper"]),
    ),
    max_size=12,
)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sends=sends, logs=logs, per_day=st.integers(min_value=1, max_value=4))
def test_calls_never_on_a_closed_day_never_over_the_cap_one_open_follow_up(sends, logs, per_day):
    schedule = Schedule(calls_per_day=per_day)
    config = Settings(home=Path("."), db_url="", schedule=schedule)  # country: US
    with tempfile.TemporaryDirectory() as folder:
        store = store_at(Path(folder))
        try:
            sent = []
            for day, channel, n in sorted(sends):
                people = add_prospects(store, n)
                send_letters(store, people, day, channel=channel, schedule=schedule)
                sent += [p.id for p in people]
            today = max(day for day, _, _ in sends)
            for pick, outcome in logs:
                today += timedelta(days=1)
                pid = sent[pick % len(sent)]
                if store.get_prospect(pid).status in FINISHED_STATUSES:
                    continue
                log_call(store, config, today, pid, outcome)
            with store.read() as conn:
                rows = conn.execute(
                    tasks.select().where(tasks.c.state == "open", tasks.c.kind == "call")
                ).all()
            per_day_load: dict[date, int] = {}
            for row in rows:
                assert US.is_business_day(row.due), row.due
                per_day_load[row.due] = per_day_load.get(row.due, 0) + 1
            assert max(per_day_load.values(), default=0) <= per_day
            open_by_prospect = [r.prospect_id for r in rows]
            for pid in sent:
                status = store.get_prospect(pid).status
                expected = 1 if status == "active" else 0
                assert open_by_prospect.count(pid) == expected, (pid, status)
        finally:
            store.close()


def test_phone_with_an_extension_is_kept_whole():
    assert format_phone("217-555-0100 x12") == "217-555-0100 x12"
    assert format_phone("1 217 555 0100") == "(217) 555-0100"


@pytest.mark.slow
def test_the_follow_up_on_postgres(postgres_url):
    from sqlalchemy import create_engine, text

    from campaign.store import open_store

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    store = open_store(postgres_url)
    try:
        config = Settings(home=Path("."), db_url=postgres_url)
        send_letters(store, add_prospects(store, 3), date(2026, 11, 16))
        log_call(store, config, FRI, 1, "gatekeeper", gatekeeper="Tom", note="busy")
        log_call(store, config, FRI, 2, "declined")
        sheet = store.call_sheet(None)
        assert [(r.prospect.id, r.task.due, r.task.attempt) for r in sheet] == [
            (3, FRI, 1),
            (1, date(2026, 12, 1), 2),
        ]
        assert sheet[1].prospect.gatekeeper == "Tom"
        assert [c.note for c in sheet[1].history] == ["busy"]
        assert [r.prospect.id for r in store.cancelled_calls(FRI)] == [2]
    finally:
        store.close()


def test_the_cli_offers_exactly_the_outcomes_the_rules_know():
    from campaign.cli.calls import log

    (option,) = [p for p in log.params if p.name == "outcome"]
    assert tuple(option.type.choices) == OUTCOMES


@settings(max_examples=150, deadline=None)
@given(
    per_day=st.integers(1, 3),
    initial=st.dictionaries(st.integers(0, 40), st.integers(0, 4), max_size=25),
    steps=st.lists(
        st.tuples(st.sampled_from(["book", "move", "close", "remove", "add"]), st.integers(0, 45)),
        max_size=60,
    ),
)
def test_fast_call_placement_equals_the_plain_walk(per_day, initial, steps) -> None:
    # Around Thanksgiving and Christmas: weekends and holidays inside the runs of full days.
    start = date(2026, 11, 20)
    load = CallLoad(US, per_day, {start + timedelta(days=k): n for k, n in initial.items()})
    booked: list[date] = []
    for action, offset in steps:
        day = start + timedelta(days=offset)
        assert load.place(day) == place_call(US, day, dict(load.days), per_day)
        if action == "book":
            booked.append(load.book(day))
        elif action == "move" and booked:
            booked.append(load.book(day, skip=booked.pop(offset % len(booked))))
        elif action == "close" and booked:
            load.remove(booked.pop(offset % len(booked)))
        elif action == "remove":
            load.remove(day)  # any call of the load closed: a full run may split
        elif action == "add":
            load.add(day)  # a day over its cap (a concurrent `campaign log`) stays full
    for offset in range(50):
        day = start + timedelta(days=offset)
        assert load.place(day) == place_call(US, day, dict(load.days), per_day)
