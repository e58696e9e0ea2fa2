"""Which prospects a run takes: priority first, the cap, letters already sent."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.batches import select_batch
from campaign.clock import BusinessCalendar
from campaign.config import Schedule
from campaign.errors import InputError
from campaign.followup import first_call_earliest, promised_calls
from campaign.models import ProspectStatus
from campaign.store.schema import sends
from tests.factories import TODAY, add_prospect, store_at

US = BusinessCalendar("US")


def record(
    store, prospect_id: int, letter: str = "marketing", state: str = "sent", week: str = "2026-W47"
) -> None:
    with store.write() as conn:
        conn.execute(
            sends.insert().values(
                prospect_id=prospect_id,
                letter=letter,
                channel="post",
                state=state,
                week=week,
                claimed_on=TODAY,
            )
        )


def test_top20_is_priority_first_then_file_order(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    no_priority = add_prospect(store, priority=None)
    second = add_prospect(store, priority=2)
    first = add_prospect(store, priority=1)
    batch = select_batch(store, "top20", "marketing", TODAY, weekly_cap=20)
    assert [p.id for p in batch.prospects] == [first.id, second.id, no_priority.id]


def test_top20_takes_what_the_cap_leaves_this_week(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    people = [add_prospect(store, priority=i) for i in range(1, 8)]
    record(store, people[0].id)
    record(store, people[1].id, state="failed")  # a failed delivery does not use the cap
    record(store, people[2].id, week="2026-W46")  # last week's send does not either
    batch = select_batch(store, "top20", "marketing", TODAY, weekly_cap=3)
    assert batch.cap_used == 1
    assert [p.id for p in batch.prospects] == [people[3].id, people[4].id]
    assert batch.waiting == 4
    assert str(batch.next_wave) == "2026-11-23"


def test_all_ignores_the_cap_but_never_repeats_a_letter(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    people = [add_prospect(store) for _ in range(5)]
    record(store, people[0].id)
    add_prospect(store, status=ProspectStatus.DECLINED)
    batch = select_batch(store, "all", "marketing", TODAY, weekly_cap=1)
    assert [p.id for p in batch.prospects] == [p.id for p in people[1:]]
    cover = select_batch(store, "all", "cover", TODAY, weekly_cap=1, limit=2)
    assert len(cover.prospects) == 2


def test_unknown_batch(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown batch 'top50'"):
        select_batch(store_at(tmp_path), "top50", "marketing", TODAY, weekly_cap=20)


def test_prospects_no_letter_can_reach_take_no_slot(tmp_path: Path) -> None:
    from campaign.config import load_settings

    store = store_at(tmp_path)
    inbox_only = add_prospect(store, priority=1, street="", city="")  # email, no address
    addressed = add_prospect(store, priority=2)
    settings = load_settings(tmp_path, {})  # no [smtp]: every letter is printed
    batch = select_batch(store, "top20", "marketing", TODAY, weekly_cap=1, settings=settings)
    assert [p.id for p in batch.prospects] == [addressed.id]
    assert [p.id for p in batch.unreachable] == [inbox_only.id]


@given(
    channels=st.lists(st.sampled_from(["email", "post"]), max_size=60),
    per_day=st.integers(1, 20),
    busy=st.dictionaries(st.dates(date(2026, 11, 16), date(2027, 1, 31)), st.integers(0, 25)),
)
def test_promised_calls_never_overfill_a_day(channels, per_day: int, busy) -> None:
    schedule = Schedule(calls_per_day=per_day)
    promised = promised_calls(list(enumerate(channels)), TODAY, schedule, US, busy)
    added = Counter(promised.values())
    for day, n in added.items():
        assert US.is_business_day(day)
        assert busy.get(day, 0) + n <= per_day
    for prospect_id, channel in enumerate(channels):
        assert promised[prospect_id] >= first_call_earliest(channel, TODAY, schedule)
