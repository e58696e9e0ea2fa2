"""The send run against a real store and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import ledger
from campaign.config import Settings, load_settings
from campaign.errors import DeliveryError, InputError, RunInProgress
from campaign.mailer import Delivery, Mailer, RecordingMailer, open_smtp
from campaign.models import CAP_STATES, Claim, SendState
from campaign.sending import RunLock, SendRequest, SendSummary, plan_run, send_run, settle
from campaign.store import Store
from tests.conftest import cli_words, examples
from tests.factories import SENDER_TOML, TODAY, add_prospect, add_prospects, store_at
from tests.smtp_server import IMPATIENT, PATIENT, SmtpServer, free_port

LETTER = (
    "Subject: Operations help for {{ company }}\n\n{{ salutation }}\n\n"
    "I will call you on {{ call_date }}.\n\nSincerely,\n"
)
NOW = datetime(2026, 11, 16, 9, 0)  # noqa: DTZ001 - the lock records naive local time
LOCK = RunLock(pid=1, host="test", now=NOW, alive=lambda pid: False)


def write_config(home: Path, port: int | None, extra: str = "", timeout: int = PATIENT) -> Settings:
    smtp = ""
    if port is not None:
        smtp = (
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
            f'user = ""\ntimeout = {timeout}\n'
        )
    (home / "campaign.toml").write_text(SENDER_TOML + smtp + extra, encoding="utf-8")
    (home / "templates").mkdir(exist_ok=True)
    (home / "templates" / "marketing.txt").write_text(LETTER, encoding="utf-8")
    return load_settings(home, {})


def run(
    store: Store,
    config: Settings,
    today: date = TODAY,
    connect: Callable[[], Mailer] | None = None,
    **request: object,
) -> SendSummary:
    return send_run(
        store,
        config,
        today,
        SendRequest(**request),  # type: ignore[arg-type]
        connect=connect or (lambda: open_smtp(config.smtp, None)),  # type: ignore[arg-type]
        lock=LOCK,
    )


def states(store: Store) -> list[str]:
    return [s.state for s in store.list_sends()]


def test_emails_where_there_is_an_address_and_prints_the_rest(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port)
    store = store_at(campaign_home)
    emailed = add_prospects(store, 3)
    printed = add_prospects(store, 2, email="")
    summary = run(store, config)
    assert [i.prospect.id for i in summary.emailed] == [p.id for p in emailed]
    assert [i.prospect.id for i in summary.printed] == [p.id for p in printed]
    assert not summary.partial
    assert sorted(r.recipients[0] for r in server.received) == sorted(p.email for p in emailed)
    assert states(store) == [SendState.SENT] * 5
    assert summary.pack is not None and summary.pack.is_relative_to(config.output_dir)
    assert {s.pack for s in store.list_sends() if s.channel == "post"} == {
        str(summary.pack.relative_to(campaign_home))
    }
    assert len(summary.calls) == 5
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(summary.pack / "letters.pdf").pages)
    assert all(p.company in text for p in printed)
    assert not any(p.company in text for p in emailed)
    # Every accepted message is recorded with the Message-ID the server saw.
    ids = {s.message_id for s in store.list_sends() if s.channel == "email"}
    assert ids == {r.message_id for r in server.received}


def test_without_smtp_everything_is_printed(campaign_home: Path) -> None:
    config = write_config(campaign_home, None)
    store = store_at(campaign_home)
    add_prospects(store, 2)
    summary = send_run(
        store, config, TODAY, SendRequest(), connect=lambda: pytest.fail("no connection"), lock=LOCK
    )
    assert (len(summary.emailed), len(summary.printed)) == (0, 2)


def test_the_cap_is_counted_across_runs_and_weeks(campaign_home: Path, server: SmtpServer) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\nweekly_cap = 4\n")
    store = store_at(campaign_home)
    add_prospects(store, 10)
    assert len(run(store, config, limit=3).emailed) == 3
    assert len(run(store, config, TODAY + timedelta(days=2)).emailed) == 1  # one slot left
    assert len(run(store, config, TODAY + timedelta(days=3)).emailed) == 0
    assert len(run(store, config, TODAY + timedelta(days=7)).emailed) == 4  # next ISO week
    assert len(server.received) == 8
    assert Counter(s.week for s in store.list_sends()) == {"2026-W47": 4, "2026-W48": 4}


def test_batch_all_needs_no_cap_and_says_how_many(campaign_home: Path, server: SmtpServer) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\nweekly_cap = 2\n")
    store = store_at(campaign_home)
    add_prospects(store, 5)
    with pytest.raises(InputError) as info:
        run(store, config, batch="all")
    assert cli_words(info.value) == (
        "--batch all sends every prospect not yet sent the marketing letter (5 now), "
        "ignoring the weekly cap of 2; add --no-cap to send them all"
    )
    assert store.list_sends() == []
    assert len(run(store, config, batch="all", no_cap=True).emailed) == 5


def test_deferred_is_retried_first_and_counts_once_failed_is_never_retried(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\nweekly_cap = 3\n")
    store = store_at(campaign_home)
    a, b, c, d = add_prospects(store, 4)
    server.handler.rules = {a.email: "451", b.email: "550"}
    first = run(store, config)
    assert [i.prospect.id for i in first.deferred] == [a.id]
    assert first.deferred[0].detail == "451 4.7.1 Greylisted, please try again later"
    assert [i.prospect.id for i in first.failed] == [b.id]
    assert [i.prospect.id for i in first.emailed] == [c.id]
    assert first.partial
    assert store.cap_used("2026-W47") == 2  # the failure gave its slot back
    server.handler.rules = {}
    second = run(store, config, TODAY + timedelta(days=1))
    # The deferred letter goes first; the free slot goes to the next prospect.
    assert [i.prospect.id for i in second.emailed] == [a.id, d.id]
    assert not second.partial
    third = run(store, config, TODAY + timedelta(days=8))
    assert third.emailed == [] and third.failed == []  # b is never retried by itself
    assert Counter(r.recipients[0] for r in server.received) == {a.email: 1, c.email: 1, d.email: 1}
    assert store.get_send(first.failed[0].send_id or 0).state == SendState.FAILED


def test_a_deferred_letter_retried_next_week_takes_a_slot_there_first(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\nweekly_cap = 2\n")
    store = store_at(campaign_home)
    a, _b, c, _d = add_prospects(store, 4)
    server.handler.rules = {a.email: "451"}
    run(store, config)
    server.handler.rules = {}
    summary = run(store, config, TODAY + timedelta(days=7))
    assert [i.prospect.id for i in summary.emailed] == [a.id, c.id]
    assert store.cap_used("2026-W47") == 1 and store.cap_used("2026-W48") == 2


def test_a_drop_after_data_is_in_doubt_and_the_rest_wait(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port)
    store = store_at(campaign_home)
    a, b, c = add_prospects(store, 3)
    server.handler.rules = {b.email: "drop"}
    summary = run(store, config)
    assert [i.prospect.id for i in summary.emailed] == [a.id]
    assert [i.prospect.id for i in summary.unknown] == [b.id]
    assert [i.prospect.id for i in summary.deferred] == [c.id]
    assert states(store) == [SendState.SENT, SendState.UNKNOWN, SendState.DEFERRED]
    server.handler.rules = {}
    again = run(store, config)
    assert [i.prospect.id for i in again.emailed] == [c.id]  # the one in doubt is left alone
    assert [r.recipients[0] for r in server.received] == [a.email, c.email]
    resent = run(store, config, resend=summary.unknown[0].send_id)
    assert [i.prospect.id for i in resent.emailed] == [b.id]
    assert states(store) == [SendState.SENT, SendState.SENT, SendState.SENT]
    assert Counter(r.recipients[0] for r in server.received) == {a.email: 1, b.email: 1, c.email: 1}


def test_settling_in_doubt(campaign_home: Path, server: SmtpServer) -> None:
    config = write_config(campaign_home, server.port, timeout=IMPATIENT)
    store = store_at(campaign_home)
    a, _b = add_prospects(store, 2)
    server.handler.rules = {a.email: "hang"}
    summary = run(store, config)
    assert [i.prospect.id for i in summary.unknown] == [a.id]
    row, up = settle(store, config, summary.unknown[0].send_id or 0, sent=True)
    assert row.state == SendState.SENT and up is not None and up.due == date(2026, 11, 23)
    with pytest.raises(InputError, match=f"send {row.id} is sent, not in doubt"):
        settle(store, config, row.id, sent=False)


def test_a_wrong_password_or_dead_server_records_nothing(campaign_home: Path) -> None:
    config = write_config(campaign_home, free_port())
    store = store_at(campaign_home)
    add_prospects(store, 2)
    with pytest.raises(DeliveryError, match="can't connect"):
        run(store, config)
    assert store.list_sends() == []
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM locks").scalar() == 0


def test_a_second_run_at_once_is_refused(campaign_home: Path, server: SmtpServer) -> None:
    config = write_config(campaign_home, server.port)
    store = store_at(campaign_home)
    add_prospects(store, 1)
    store.acquire_lock(pid=99, host="test", now=NOW, alive=lambda pid: True)
    busy = RunLock(pid=2, host="test", now=NOW, alive=lambda pid: True)
    with pytest.raises(RunInProgress, match=r"pid 99 on host test since 2026-11-16 09:00:00"):
        send_run(store, config, TODAY, SendRequest(), connect=lambda: pytest.fail(), lock=busy)
    assert store.list_sends() == [] and server.received == []


def test_claims_left_by_a_killed_run_are_delivered_first(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\nweekly_cap = 3\n")
    store = store_at(campaign_home)
    a, _b, c, d = add_prospects(store, 4)
    rows = ledger.claim(store, [Claim(p.id, "marketing", "email") for p in (c, d)],
        week="2026-W47", today=TODAY, run_id="killed", cap=3,
    )  # fmt: skip
    store.mark_transmitting(rows[0].id)  # killed while c's message was on the wire
    summary = run(store, config)
    assert [i.prospect.id for i in summary.recovered] == [c.id]
    assert [i.prospect.id for i in summary.emailed] == [d.id, a.id]  # 3 = c (in doubt) + d + a
    assert [r.recipients[0] for r in server.received] == [d.email, a.email]


def test_a_dry_run_records_nothing_and_opens_no_connection(campaign_home: Path) -> None:
    config = write_config(campaign_home, free_port())
    store = store_at(campaign_home)
    add_prospects(store, 2)
    add_prospect(store, email="")
    summary = plan_run(store, config, TODAY, SendRequest())
    assert (len(summary.emailed), len(summary.printed)) == (2, 1)
    assert store.list_sends() == [] and not config.output_dir.exists()


def test_unknown_letter_stops_before_anything_is_recorded(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port)
    store = store_at(campaign_home)
    add_prospects(store, 2)
    with pytest.raises(Exception) as info:
        run(store, config, letter="no-such-letter")
    assert "no-such-letter" in str(info.value)
    assert store.list_sends() == [] and server.received == []


# -- property: no ISO week ever exceeds the cap ----------------------------------------


class Rehearsal:
    """The test server's ``rules`` answered by a RecordingMailer: no network, no timeouts.

    The property below is about the ledger and the cap, not the wire, so it runs through
    the Mailer protocol alone; each rule gets the Delivery the real SMTP mailer gives for
    it against the real server (test_deliver.py checks those, and the tests above run the
    send run against the real server).
    """

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = rules
        self.received: list[str] = []  # the recipients of every message "accepted"

    def connect(self) -> RecordingMailer:
        return RecordingMailer(self.reply)

    def reply(self, message: EmailMessage) -> Delivery:
        (to,) = [address for _, address in getaddresses(message.get_all("To", []))]
        rule = self.rules.get(to, "accept")
        if rule == "451":
            return Delivery(SendState.DEFERRED, "451 4.7.1 Greylisted, please try again later")
        if rule == "550":
            return Delivery(SendState.FAILED, f"550 5.1.1 <{to}>: Recipient address rejected")
        if rule == "drop":
            lost = "connection lost while the message was being transmitted: closed"
            return Delivery(SendState.UNKNOWN, lost, connected=False)
        self.received.append(to)
        return Delivery(SendState.SENT, "250 2.0.0 Ok: queued")


RULES = st.sampled_from(["accept", "accept", "accept", "451", "550", "drop"])


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cap=st.integers(1, 4),
    rules=st.lists(RULES, min_size=6, max_size=6),
    runs=st.lists(
        st.tuples(st.integers(0, 20), st.one_of(st.none(), st.integers(1, 3)), st.booleans()),
        min_size=1,
        max_size=5,
    ),
)
def test_no_iso_week_ever_exceeds_the_cap(
    cap: int, rules: list[str], runs: list[tuple[int, int | None, bool]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        # [smtp] is set (so letters go by email) but never dialled: the rehearsal answers.
        config = write_config(home, free_port(), f"[schedule]\nweekly_cap = {cap}\n")
        store = store_at(home)
        prospects = add_prospects(store, 6)
        server = Rehearsal({p.email: r for p, r in zip(prospects, rules, strict=True)})
        day = TODAY
        for offset, limit, resend_unknown in runs:
            day += timedelta(days=offset)
            summary = run(store, config, day, limit=limit, connect=server.connect)
            unknown = [s for s in store.list_sends() if s.state == SendState.UNKNOWN]
            if resend_unknown and unknown:
                # InputError: this week's cap is used up, so the resend must wait.
                with contextlib.suppress(InputError):
                    run(store, config, day, resend=unknown[0].id, connect=server.connect)
            assert summary.cap_used <= cap
        sends = store.list_sends()
        per_week = Counter(s.week for s in sends if s.state in CAP_STATES)
        assert all(n <= cap for n in per_week.values()), per_week
        # Nobody got the same letter twice, and the accepted ones and the store agree.
        got = Counter(server.received)
        assert all(n == 1 for n in got.values()), got
        by_email = {p.id: p.email for p in prospects}
        assert set(got) == {by_email[s.prospect_id] for s in sends if s.state == SendState.SENT}
        assert not [s for s in sends if s.state == SendState.CLAIMED]
        store.close()


def test_the_first_call_falls_on_the_day_the_letter_promised(
    campaign_home: Path, server: SmtpServer
) -> None:
    config = write_config(campaign_home, server.port, "[schedule]\ncalls_per_day = 2\n")
    store = store_at(campaign_home)
    add_prospects(store, 3)
    add_prospect(store, email="")
    summary = run(store, config)
    # Each letter names the day its call is due, and no day holds more than calls_per_day.
    assert [i.due for i in summary.emailed] == [date(2026, 11, 23)] * 2 + [date(2026, 11, 24)]
    assert [i.due for i in summary.printed] == [date(2026, 11, 27)]  # after the post
    promised = {r.recipients[0]: r.data for r in server.received}
    for item in summary.emailed:
        assert (
            f"{item.due:%A}, {item.due:%B} {item.due.day}".encode() in promised[item.prospect.email]
        )


def test_printed_letters_a_killed_run_claimed_go_into_the_next_pack(campaign_home: Path) -> None:
    config = write_config(campaign_home, None)
    store = store_at(campaign_home)
    a, b = add_prospects(store, 2)
    ledger.claim(
        store,
        [Claim(a.id, "marketing", "post")],
        week="2026-W47",
        today=TODAY,
        run_id="killed",
        cap=20,
    )
    summary = send_run(
        store, config, TODAY, SendRequest(), connect=lambda: pytest.fail("no SMTP"), lock=LOCK
    )
    assert [(i.prospect.id, i.retry) for i in summary.printed] == [(a.id, True), (b.id, False)]
    assert states(store) == [SendState.SENT, SendState.SENT]
    assert summary.recovered == []
