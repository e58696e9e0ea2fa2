"""A campaign's past written straight into a real store: sends, calls, tasks, meetings.

The send run and the call log have their own tests; status and the report only need
rows as those stages leave them, so these helpers insert them with the schema's tables
inside ``store.write()``.
"""

from __future__ import annotations

import atexit
import copy
import itertools
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from campaign.clock import iso_week
from campaign.models import Channel, SendState, TaskState
from campaign.people import mailbox
from campaign.store import Store
from campaign.store.schema import calls, meetings, prospects, sends, tasks
from tests.factories import add_prospect, store_at

_uids = itertools.count(1)


def add_send(
    store: Store,
    prospect_id: int,
    on: date,
    *,
    letter: str = "marketing",
    channel: str = Channel.POST,
    state: str = SendState.SENT,
    error: str = "",
) -> int:
    """One ledger row as a send run leaves it (``sent_on`` only when it went out).

    Like a run's claim, it records the mailbox it went to: the prospect's email.
    """
    address = mailbox(store.get_prospect(prospect_id).email)
    with store.write() as conn:
        result = conn.execute(
            sends.insert().values(
                prospect_id=prospect_id,
                letter=letter,
                channel=channel,
                state=state,
                week=iso_week(on),
                claimed_on=on,
                sent_on=on if state == SendState.SENT else None,
                attempts=1,
                last_error=error,
                address=address,
            )
        )
    return int(result.inserted_primary_key[0])


def add_task(
    store: Store,
    prospect_id: int | None,
    due: date,
    *,
    kind: str = "call",
    state: str = TaskState.OPEN,
    attempt: int = 1,
) -> int:
    """One task (a follow-up call unless ``kind`` says otherwise)."""
    with store.write() as conn:
        result = conn.execute(
            tasks.insert().values(
                kind=kind,
                state=state,
                due=due,
                prospect_id=prospect_id,
                attempt=attempt,
                reason=f"{kind} for {prospect_id}",
                uid=f"{kind}-{next(_uids)}@test",
                detail={},
                created_on=due - timedelta(days=7),
            )
        )
    return int(result.inserted_primary_key[0])


def add_call(store: Store, prospect_id: int, on: date, outcome: str, attempt: int = 1) -> int:
    """One logged call and its outcome."""
    with store.write() as conn:
        result = conn.execute(
            calls.insert().values(
                prospect_id=prospect_id, called_on=on, attempt=attempt, outcome=outcome
            )
        )
    return int(result.inserted_primary_key[0])


def add_meeting(store: Store, prospect_id: int, on: date, outcome: str = "") -> int:
    """One meeting held with a prospect's company."""
    with store.write() as conn:
        result = conn.execute(
            meetings.insert().values(
                prospect_id=prospect_id, held_on=on, outcome=outcome, created_on=on
            )
        )
    return int(result.inserted_primary_key[0])


def set_status(store: Store, prospect_id: int, status: str) -> None:
    """Move a prospect to another status (as a decision on a call or meeting does)."""
    with store.write() as conn:
        conn.execute(prospects.update().where(prospects.c.id == prospect_id).values(status=status))


@dataclass
class Scenario:
    """What a simulated campaign put in the store, kept as the test's own oracle."""

    sends: list[dict[str, Any]] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    statuses: dict[int, str] = field(default_factory=dict)

    def send(self, store: Store, prospect_id: int, on: date, **kw: Any) -> int:
        """Insert a send and remember it."""
        send_id = add_send(store, prospect_id, on, **kw)
        self.sends.append({"id": send_id, "prospect_id": prospect_id, "on": on, **kw})
        return send_id

    def call(self, store: Store, prospect_id: int, on: date, outcome: str) -> None:
        """Insert a logged call and remember it."""
        add_call(store, prospect_id, on, outcome)
        self.calls.append({"prospect_id": prospect_id, "on": on, "outcome": outcome})

    def task(self, store: Store, prospect_id: int | None, due: date, **kw: Any) -> None:
        """Insert a task and remember it."""
        add_task(store, prospect_id, due, **kw)
        self.tasks.append({"prospect_id": prospect_id, "due": due, **kw})

    def meeting(self, store: Store, prospect_id: int, on: date, outcome: str = "") -> None:
        """Insert a meeting and remember it."""
        add_meeting(store, prospect_id, on, outcome)
        self.meetings.append({"prospect_id": prospect_id, "on": on, "outcome": outcome})

    def status(self, store: Store, prospect_id: int, status: str) -> None:
        """Change a prospect's status and remember it."""
        set_status(store, prospect_id, status)
        self.statuses[prospect_id] = status


TODAY = date(2026, 11, 16)  # a Monday, ISO week 2026-W47


def priority_of(n: int) -> int | None:
    """The priority the sample campaign gives its n-th prospect (every tenth has none)."""
    return None if n % 10 == 0 else n % 6 + 1


def build_campaign(store: Store) -> Scenario:
    """Four weeks of a campaign: 40 prospects, sends with failures, every call outcome.

    Weeks 2026-W44..W46 send ten marketing letters each (one failed, one in doubt, one
    deferred); this week (W47) three more and a cover letter. Calls cover every outcome;
    one company met and made an offer (hired), one said no, one agreed a meeting today.
    Prospect 40 has no phone; 34-40 have not been written to yet.
    """
    for n in range(1, 41):
        add_prospect(store, priority=priority_of(n), phone="" if n == 40 else f"+1 217 555 {n:04d}")
    s = Scenario()
    w44, w45, w46 = date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)
    for pid in range(1, 9):
        s.send(store, pid, w44)
    s.send(store, 9, w44, channel="email")
    s.send(store, 10, w44, channel="email", state="failed", error="550 no such user")
    for pid in range(11, 20):
        s.send(store, pid, w45 + timedelta(days=1), channel="email")
    s.send(store, 20, w45 + timedelta(days=1), channel="email", state="unknown")
    for pid in range(21, 30):
        s.send(store, pid, w46)
    s.send(store, 30, w46, channel="email", state="deferred", error="451 try later")
    for pid in range(31, 34):
        s.send(store, pid, TODAY)
    s.send(store, 5, TODAY, letter="cover", channel="email")
    for pid, on, outcome in [
        (1, date(2026, 11, 5), "voicemail"),
        (1, date(2026, 11, 10), "reached"),
        (2, date(2026, 11, 5), "no-answer"),
        (3, date(2026, 11, 6), "gatekeeper"),
        (3, date(2026, 11, 12), "meeting"),
        (4, date(2026, 11, 6), "declined"),
        (5, date(2026, 11, 9), "reached"),
        (11, date(2026, 11, 12), "hired"),
        (12, date(2026, 11, 13), "voicemail"),
        (6, TODAY, "meeting"),
    ]:
        s.call(store, pid, on, outcome)
    s.meeting(store, 3, date(2026, 11, 13), outcome="offer")
    s.status(store, 3, "hired")
    s.status(store, 11, "hired")
    s.status(store, 4, "declined")
    s.status(store, 6, "interview")
    s.task(store, 2, TODAY)
    s.task(store, 12, TODAY)
    s.task(store, 7, date(2026, 11, 13))
    s.task(store, 8, date(2026, 11, 5))
    s.task(store, 9, date(2026, 11, 2))
    s.task(store, 21, date(2026, 11, 23))
    s.task(store, 22, date(2026, 11, 24))
    s.task(store, 23, date(2026, 11, 24))
    s.task(store, 1, date(2026, 11, 5), state="done")
    s.task(store, 6, date(2026, 11, 20), kind="status_call")
    s.task(store, 3, TODAY, kind="thank_you_email")
    s.task(store, 3, date(2026, 11, 13), kind="note")
    return s


_BUILT: tuple[Path, Scenario] | None = None


def copy_campaign(home: Path) -> Scenario:
    """``build_campaign``'s campaign as ``home``/campaign.db (which must not exist yet).

    Built once per test run and copied: building commits ~110 rows one at a time, and
    each commit waits for the disk (the store syncs every commit), ~1.5 s a build.
    """
    global _BUILT
    if _BUILT is None:
        folder = Path(tempfile.mkdtemp(prefix="campaign-built-"))
        atexit.register(shutil.rmtree, folder, True)
        store = store_at(folder)
        try:
            scenario = build_campaign(store)
        finally:
            store.close()  # the last connection checkpoints the WAL into campaign.db
        assert not (folder / "campaign.db-wal").exists()
        _BUILT = (folder / "campaign.db", scenario)
    built, scenario = _BUILT
    target = home / "campaign.db"
    assert not target.exists(), f"{target} exists: copy_campaign needs a fresh folder"
    shutil.copyfile(built, target)
    return copy.deepcopy(scenario)
