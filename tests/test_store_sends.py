"""The sends ledger as an outbox: claims, transitions, recovery, the cap and the run lock."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from campaign import ledger
from campaign.clock import BusinessCalendar
from campaign.config import Schedule
from campaign.errors import LedgerConflict, RunInProgress
from campaign.followup import CallLoad
from campaign.models import Channel, Claim, SendState
from campaign.sending import pid_alive
from campaign.store import Store
from tests.factories import TODAY, add_prospects, store_at

WEEK = "2026-W47"
NOW = datetime(2026, 11, 16, 9, 30)  # noqa: DTZ001 - the lock records naive local time


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar("US")


def test_a_send_goes_claimed_transmitting_sent_with_its_call(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    store = store_at(tmp_path)
    (p,) = add_prospects(store, 1)
    (row,) = ledger.claim(
        store, [Claim(p.id, "marketing", Channel.EMAIL)], week=WEEK, today=TODAY, run_id="r", cap=20
    )
    assert (row.state, row.week, row.attempts) == (SendState.CLAIMED, WEEK, 0)
    store.mark_transmitting(row.id, "<m1@x>")
    assert store.get_send(row.id).state == SendState.TRANSMITTING
    up = ledger.mark_sent(store, row.id, sent_on=TODAY, schedule=Schedule(), calendar=calendar)
    assert up.due == date(2026, 11, 23)  # 7 days after a Monday email
    sent = store.get_send(row.id)
    assert (sent.state, sent.sent_on, sent.attempts, sent.message_id) == (
        SendState.SENT,
        TODAY,
        1,
        "<m1@x>",
    )
    with store.read() as conn:
        tasks = conn.exec_driver_sql("SELECT kind, due, send_id, attempt, reason FROM tasks").all()
    assert [tuple(t) for t in tasks] == [
        ("call", "2026-11-23", row.id, 1, "marketing letter emailed 16 Nov")
    ]


def test_printed_letters_are_sent_the_day_the_pack_is_made_and_called_later(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    store = store_at(tmp_path)
    a, b = add_prospects(store, 2)
    rows = ledger.claim(
        store,
        [Claim(a.id, "marketing", Channel.POST), Claim(b.id, "marketing", Channel.POST)],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=20,
    )
    ups = ledger.mark_printed(
        store,
        [r.id for r in rows],
        sent_on=TODAY,
        pack="output/pack",
        schedule=Schedule(),
        calendar=calendar,
    )
    # 7 days + 3 postal days from Monday 16 Nov is Thursday 26 Nov: Thanksgiving, so Friday.
    assert [u.due for u in ups] == [date(2026, 11, 27), date(2026, 11, 27)]
    assert {s.state for s in store.list_sends()} == {SendState.SENT}
    assert {s.pack for s in store.list_sends()} == {"output/pack"}


def test_one_open_follow_up_per_prospect(tmp_path: Path, calendar: BusinessCalendar) -> None:
    store = store_at(tmp_path)
    (p,) = add_prospects(store, 1)
    rows = ledger.claim(
        store,
        [Claim(p.id, "marketing", Channel.POST), Claim(p.id, "cover", Channel.POST)],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=20,
    )
    ups = ledger.mark_printed(
        store, [r.id for r in rows], sent_on=TODAY, pack="x", schedule=Schedule(), calendar=calendar
    )
    assert ups[0].due is not None and ups[1].due is None


def test_a_letter_is_never_claimed_twice_and_the_claim_rolls_back_whole(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    a, b = add_prospects(store, 2)
    ledger.claim(
        store,
        [Claim(a.id, "marketing", Channel.EMAIL)],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=None,
    )
    with pytest.raises(LedgerConflict, match=f"prospect {a.id} already has a marketing letter"):
        ledger.claim(
            store,
            [Claim(b.id, "marketing", Channel.EMAIL), Claim(a.id, "marketing", Channel.EMAIL)],
            week=WEEK,
            today=TODAY,
            run_id="r2",
            cap=None,
        )
    assert [s.prospect_id for s in store.list_sends()] == [a.id]


def test_a_claim_never_puts_a_week_over_the_cap(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    ps = add_prospects(store, 3)
    claims = [Claim(p.id, "marketing", Channel.EMAIL) for p in ps]
    with pytest.raises(LedgerConflict, match="would put 2026-W47 over 2"):
        ledger.claim(store, claims, week=WEEK, today=TODAY, run_id="r", cap=2)
    assert store.list_sends() == []
    ledger.claim(store, claims[:2], week=WEEK, today=TODAY, run_id="r", cap=2)
    assert store.cap_used(WEEK) == 2


def test_failed_sends_free_their_slot_deferred_ones_keep_it(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    ps = add_prospects(store, 3)
    rows = ledger.claim(
        store,
        [Claim(p.id, "marketing", Channel.EMAIL) for p in ps],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=20,
    )
    for row in rows:
        store.mark_transmitting(row.id)
    store.mark_deferred(rows[0].id, "451 later")
    store.mark_failed(rows[1].id, "550 no such user")
    store.mark_unknown(rows[2].id, "connection lost")
    assert store.cap_used(WEEK) == 2
    assert [s.id for s in store.pending_retries()] == [rows[0].id]
    assert store.get_send(rows[1].id).last_error == "550 no such user"


def test_a_killed_runs_rows_recover_claimed_ones_stay_deliverable(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    ps = add_prospects(store, 3)
    rows = ledger.claim(
        store,
        [Claim(p.id, "marketing", Channel.EMAIL) for p in ps],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=20,
    )
    store.mark_transmitting(rows[0].id)
    recovered = store.recover_interrupted("stopped mid-transmission")
    assert [r.id for r in recovered] == [rows[0].id]
    assert [s.state for s in store.list_sends()] == [
        SendState.UNKNOWN,
        SendState.CLAIMED,
        SendState.CLAIMED,
    ]
    assert [s.id for s in store.pending_retries()] == [rows[1].id, rows[2].id]
    # A retry in a later week moves to that week's cap.
    ledger.claim(
        store,
        [Claim(ps[1].id, "marketing", Channel.EMAIL, rows[1].id)],
        week="2026-W48",
        today=date(2026, 11, 23),
        run_id="r2",
        cap=20,
    )
    assert store.get_send(rows[1].id).week == "2026-W48"
    assert (store.cap_used(WEEK), store.cap_used("2026-W48")) == (2, 1)


def test_transitions_from_the_wrong_state_are_refused(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    (p,) = add_prospects(store, 1)
    (row,) = ledger.claim(
        store,
        [Claim(p.id, "marketing", Channel.EMAIL)],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=None,
    )
    with pytest.raises(LedgerConflict, match=f"send {row.id} is not transmitting"):
        store.mark_unknown(row.id, "x")
    store.mark_failed(row.id, "550")
    with pytest.raises(LedgerConflict, match="no longer claimed"):
        store.mark_transmitting(row.id)
    assert store.get_send(row.id).state == SendState.FAILED


def test_settling_a_send_in_doubt(tmp_path: Path, calendar: BusinessCalendar) -> None:
    store = store_at(tmp_path)
    a, b = add_prospects(store, 2)
    rows = ledger.claim(
        store,
        [Claim(a.id, "marketing", Channel.EMAIL), Claim(b.id, "marketing", Channel.EMAIL)],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=None,
    )
    for row in rows:
        store.mark_transmitting(row.id)
        store.mark_unknown(row.id, "lost")
    up = ledger.settle_sent(store, rows[0].id, schedule=Schedule(), calendar=calendar)
    assert up.due == date(2026, 11, 23)
    store.settle_not_sent(rows[1].id, "not in the Sent folder")
    assert [s.state for s in store.list_sends()] == [SendState.SENT, SendState.DEFERRED]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_second_run_is_refused_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        store.acquire_lock(pid=sleeper.pid, host="box", now=NOW, alive=pid_alive)
        with pytest.raises(RunInProgress) as info:
            store.acquire_lock(pid=1234567, host="box", now=NOW, alive=pid_alive)
        assert str(info.value) == (
            f"a send run is in progress (pid {sleeper.pid} on host box since "
            f"2026-11-16 09:30:00); wait for it to finish"
        )
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_dead_runs_lock_is_taken_over_and_released(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    dead = _dead_pid()
    store.acquire_lock(pid=dead, host="box", now=NOW, alive=pid_alive)
    previous = store.acquire_lock(pid=42, host="box", now=NOW, alive=lambda pid: pid == 42)
    assert previous is not None and previous.pid == dead
    store.release_lock(pid=42, host="box")
    assert store.acquire_lock(pid=43, host="box", now=NOW, alive=pid_alive) is None


def test_a_lock_from_another_host_needs_unlock(tmp_path: Path) -> None:
    store = store_at(tmp_path)
    store.acquire_lock(pid=7, host="other", now=NOW, alive=pid_alive)
    with pytest.raises(RunInProgress, match="run `campaign send unlock`"):
        store.acquire_lock(pid=8, host="box", now=NOW, alive=lambda pid: False)
    holder = store.break_lock()
    assert holder is not None and (holder.pid, holder.host) == (7, "other")
    assert store.acquire_lock(pid=8, host="box", now=NOW, alive=pid_alive) is None


@pytest.mark.slow
def test_the_ledger_and_the_lock_on_postgres(postgres_url: str, calendar: BusinessCalendar) -> None:
    from sqlalchemy import create_engine, text

    from campaign.store import open_store

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    store = open_store(postgres_url)
    try:
        a, b = add_prospects(store, 2)
        rows = ledger.claim(
            store,
            [Claim(a.id, "marketing", Channel.EMAIL), Claim(b.id, "marketing", Channel.POST)],
            week=WEEK,
            today=TODAY,
            run_id="r",
            cap=2,
        )
        with pytest.raises(LedgerConflict, match="already has a marketing letter"):
            ledger.claim(
                store,
                [Claim(a.id, "marketing", Channel.EMAIL)],
                week=WEEK,
                today=TODAY,
                run_id="x",
                cap=None,
            )
        store.mark_transmitting(rows[0].id, "<m@x>")
        up = ledger.mark_sent(
            store, rows[0].id, sent_on=TODAY, schedule=Schedule(), calendar=calendar
        )
        (printed,) = ledger.mark_printed(
            store, [rows[1].id], sent_on=TODAY, pack="p", schedule=Schedule(), calendar=calendar
        )
        assert (up.due, printed.due) == (date(2026, 11, 23), date(2026, 11, 27))
        assert states_of(store) == [SendState.SENT, SendState.SENT] and store.cap_used(WEEK) == 2
        store.acquire_lock(pid=1, host="box", now=NOW, alive=lambda pid: True)
        with pytest.raises(RunInProgress, match="pid 1 on host box"):
            store.acquire_lock(pid=2, host="box", now=NOW, alive=lambda pid: True)
        store.release_lock(pid=1, host="box")
    finally:
        store.close()


def states_of(store: Store) -> list[str]:
    return [s.state for s in store.list_sends()]


def test_without_a_promise_calls_spread_under_the_daily_cap(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    store = store_at(tmp_path)
    ps = add_prospects(store, 5)
    rows = ledger.claim(
        store,
        [Claim(p.id, "marketing", Channel.EMAIL) for p in ps],
        week=WEEK,
        today=TODAY,
        run_id="r",
        cap=None,
    )
    load = CallLoad(calendar, 2)
    dues = []
    for row in rows:
        store.mark_transmitting(row.id)
        schedule = Schedule(calls_per_day=2)
        dues.append(
            ledger.mark_sent(
                store, row.id, sent_on=TODAY, schedule=schedule, calendar=calendar, load=load
            ).due
        )
    assert dues == [date(2026, 11, 23)] * 2 + [date(2026, 11, 24)] * 2 + [date(2026, 11, 25)]
