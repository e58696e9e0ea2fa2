"""Status and the report agree with what a simulated campaign put in the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign import charts
from campaign.cli import spell
from campaign.clock import iso_week
from campaign.config import load_settings
from campaign.report import Report, build_report, funnel_bars, render_report, write_report
from campaign.status import campaign_status, weeks_to_finish
from campaign.store import Store
from tests.conftest import examples
from tests.factories import add_prospect, store_at
from tests.history import (
    TODAY,
    Scenario,
    add_call,
    add_send,
    build_campaign,
    copy_campaign,
    priority_of,
)

CONVERSATIONS = {"reached", "meeting", "declined", "hired", "offer"}


@pytest.fixture
def scenario(store: Store) -> Scenario:
    return build_campaign(store)


@pytest.fixture
def copied(campaign_home: Path) -> Iterator[Store]:
    """The simulated campaign copied into campaign_home, for a test that changes it."""
    copy_campaign(campaign_home)
    s = store_at(campaign_home)
    yield s
    s.close()


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Scenario]]:
    """One simulated campaign for this module's tests that only read it, and its oracle.

    In a folder of its own: the autouse ``campaign_home`` is a new folder for every test.
    """
    home = tmp_path_factory.mktemp("report-campaign")
    scenario = copy_campaign(home)
    shared = store_at(home)
    yield shared, scenario
    shared.close()


@pytest.fixture(scope="module")
def report(campaign: tuple[Store, Scenario], tmp_path_factory: pytest.TempPathFactory) -> Report:
    """The report of ``campaign``, built once for the tests that read its figures."""
    shared, _ = campaign
    return build_report(shared, load_settings(tmp_path_factory.mktemp("report-home"), {}), TODAY)


def test_status_funnel_agrees_with_what_was_stored(campaign, campaign_home) -> None:
    store, scenario = campaign
    status = campaign_status(store, load_settings(campaign_home, {}), TODAY)
    f = status.funnel
    sent = [s for s in scenario.sends if s.get("state", "sent") == "sent"]
    assert f.prospects == 40
    assert f.letters_sent == len(sent) == 31
    assert f.letters_by_email == sum(s.get("channel") == "email" for s in sent) == 11
    assert f.letters_by_post == sum(s.get("channel", "post") == "post" for s in sent) == 20
    assert f.calls_made == len(scenario.calls) == 10
    spoke = {c["prospect_id"] for c in scenario.calls if c["outcome"] in CONVERSATIONS}
    spoke |= {m["prospect_id"] for m in scenario.meetings}
    assert f.conversations == len(spoke) == 6
    met = {c["prospect_id"] for c in scenario.calls if c["outcome"] == "meeting"}
    assert f.meetings == len(met | {m["prospect_id"] for m in scenario.meetings}) == 2
    assert f.offers == 2  # prospect 3 (offer after a meeting) and 11 (hired on the phone)
    assert f.declined == 1 and f.hired == 2
    assert status.by_status == {
        "active": 36,
        "interview": 1,
        "declined": 1,
        "offer": 0,
        "hired": 2,
        "closed": 0,
    }


def test_status_pace_due_and_runway(campaign, campaign_home) -> None:
    store, scenario = campaign
    status = campaign_status(store, load_settings(campaign_home, {}), TODAY)
    this_week = [s for s in scenario.sends if iso_week(s["on"]) == "2026-W47"]
    assert status.sent_this_week == len(this_week) == 4
    assert (status.weekly_cap, status.cap_left) == (20, 16)
    assert status.next_wave == date(2026, 11, 23)
    assert status.calls_due_today == 2
    assert status.calls_overdue == 3
    assert status.calls_due == 5
    # Today's three printed letters to post count, as `campaign agenda` lists them.
    assert (status.tasks_due_today, status.tasks_overdue) == (4, 1)
    assert status.remaining == 7  # prospects 34..40: every other active one has a row
    assert (status.weeks_to_finish, status.last_wave) == (1, TODAY)


def test_attention_items_name_the_rows_and_the_command(campaign, campaign_home) -> None:
    store, scenario = campaign
    status = campaign_status(store, load_settings(campaign_home, {}), TODAY).worded(spell)
    by_kind = {a.kind: a for a in status.attention}
    ids = {s["prospect_id"]: s["id"] for s in scenario.sends if s.get("letter") is None}
    assert by_kind["in_doubt"].ids == [ids[20]]
    assert "campaign send --resend ID" in by_kind["in_doubt"].command
    assert "--settle ID --sent" in by_kind["in_doubt"].command
    assert by_kind["failed"].ids == [ids[10]]
    assert by_kind["failed"].command == "fix the address, then `campaign send --resend ID`"
    assert by_kind["retry"].ids == [ids[30]]
    assert by_kind["retry"].command.startswith("`campaign send`")
    assert by_kind["no_phone"].ids == [40]
    assert "`campaign import` it again" in by_kind["no_phone"].command
    assert by_kind["calls_overdue"].count == 2  # due 2 Nov and 5 Nov; 13 Nov is 3 days late
    assert "no_contact" not in by_kind
    assert any("campaign calls" in step for step in status.next_steps)
    assert any("campaign agenda" in step for step in status.next_steps)


def test_status_json_has_the_contract_keys(campaign, campaign_home) -> None:
    store, _ = campaign
    doc = campaign_status(store, load_settings(campaign_home, {}), TODAY).as_json()
    assert {k: doc[k] for k in ("prospects", "sent", "sent_this_week", "weekly_cap")} == {
        "prospects": 40,
        "sent": 31,
        "sent_this_week": 4,
        "weekly_cap": 20,
    }
    assert doc["calls_due"] == 5
    assert doc["funnel"]["letters_sent"] == 31
    assert doc["remaining"] == {
        "prospects": 7,
        "weeks": 1,
        "last_wave": TODAY,
        "unreachable": 0,
    }


def test_empty_campaign_is_zeros_and_suggests_import(campaign_home) -> None:
    status = campaign_status(None, load_settings(campaign_home, {}), TODAY)
    assert status.funnel.prospects == 0 and status.calls_due == 0 and status.remaining == 0
    assert status.next_steps[0].startswith("`campaign import")
    assert status.attention == []


def test_report_figures_agree_with_the_store(report, campaign) -> None:
    _, scenario = campaign
    weeks = {w: (sent, missed) for w, sent, missed in report.sends_per_week}
    assert weeks == {
        "2026-W44": (9, 1),
        "2026-W45": (9, 1),
        "2026-W46": (9, 1),
        "2026-W47": (4, 0),
    }
    expected_calls: dict[str, Counter[str]] = {}
    for c in scenario.calls:
        expected_calls.setdefault(iso_week(c["on"]), Counter())[c["outcome"]] += 1
    assert {w: Counter(by) for w, by in report.calls_per_week if by} == expected_calls
    load = dict(report.call_load)
    assert len(load) == 20 and min(load) == TODAY and all(d.weekday() < 5 for d in load)
    assert load[TODAY] == 2 and load[date(2026, 11, 20)] == 1 and load[date(2026, 11, 24)] == 2
    assert sum(load.values()) == 6
    assert report.calls_per_day == 16


def test_response_rates_by_band_and_by_letter(report, campaign) -> None:
    _, scenario = campaign
    letters = {r.label: (r.sent, r.responded) for r in report.by_letter}
    # Prospect 5 was spoken with on 9 Nov, before its cover letter of 16 Nov went.
    assert letters == {"cover": (1, 0), "marketing": (30, 6)}
    sent = {s["prospect_id"] for s in scenario.sends if s.get("state", "sent") == "sent"}
    spoke = {1, 3, 4, 5, 6, 11}

    def band(n: int) -> str:
        p = priority_of(n)
        return (
            "no priority"
            if p is None
            else "priority 1"
            if p == 1
            else "priority 2-3"
            if p <= 3
            else "priority 4-5"
            if p <= 5
            else "priority 6+"
        )

    assert {r.label: (r.sent, r.responded) for r in report.by_band} == {
        b: (sum(band(n) == b for n in sent), sum(band(n) == b for n in spoke & sent))
        for b in {band(n) for n in sent}
    }


def test_every_prospect_has_its_last_touch_and_next_step(report) -> None:
    rows = {r.id: r for r in report.rows}
    assert len(rows) == 40
    assert (rows[1].last_touch, rows[1].last_touch_what) == (date(2026, 11, 10), "call: reached")
    assert rows[1].next_step == ""  # its call was made: nothing open
    assert (rows[2].next_due, rows[2].next_step) == (TODAY, "call")
    assert (rows[3].last_touch, rows[3].last_touch_what) == (date(2026, 11, 13), "meeting")
    assert rows[5].letters == "marketing, cover"
    assert rows[10].letters == "marketing (failed)" and rows[10].last_touch is None
    assert (rows[21].last_touch, rows[21].last_touch_what) == (
        date(2026, 11, 9),
        "marketing letter mailed",
    )
    assert rows[34].next_step == "letter in a coming wave"


def test_report_html_is_self_contained_escaped_and_printable(copied, campaign_home) -> None:
    store = copied
    add_prospect(store, company="<script>alert('x')</script> & Sons", contact="Ann <b>O'Neil</b>")
    html = render_report(build_report(store, load_settings(campaign_home, {}), TODAY))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Sons" in html
    assert "Ann &lt;b&gt;O&#39;Neil&lt;/b&gt;" in html
    assert html.count('src="data:image/svg+xml;base64,') == 5
    assert "http://" not in html and "https://" not in html  # nothing fetched from outside
    assert "@media print" in html
    assert '<b id="fig-prospects">41</b>' in html
    assert '<b id="fig-week">4/20</b>' in html
    assert "Not shown: 3 overdue calls, due now." in html


def test_report_never_overwrites_an_earlier_one(campaign, campaign_home) -> None:
    store, _ = campaign
    cfg = load_settings(campaign_home, {})
    first = write_report(store, cfg, TODAY)
    second = write_report(store, cfg, TODAY)
    assert first.name == "report-2026-11-16.html"
    assert second.name == "report-2026-11-16-2.html"
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert {p.parent for p in (first, second)} == {campaign_home / "output"}


@given(remaining=st.integers(0, 500), cap=st.integers(1, 50), used=st.integers(0, 60))
def test_weeks_to_finish_covers_exactly_the_list(remaining: int, cap: int, used: int) -> None:
    left = max(cap - used, 0)
    weeks, last = weeks_to_finish(remaining, cap, left, TODAY)
    if remaining == 0:
        assert (weeks, last) == (0, None)
        return
    assert last is not None and last.weekday() == 0 and last >= TODAY
    # The waves up to the last one hold the list; one wave fewer would not.
    waves = [left] + [cap] * 600
    first_week = 0 if left else 1
    counted = waves[first_week : first_week + weeks]
    assert sum(counted) >= remaining > sum(counted[:-1])
    assert last == TODAY + timedelta(weeks=first_week + weeks - 1)


@settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    history=st.lists(
        st.tuples(
            st.integers(1, 8),
            st.sampled_from(["sent", "failed", "unknown", "deferred"]),
            st.sampled_from(["email", "post"]),
            st.integers(0, 40),
            st.sampled_from(["", "reached", "voicemail", "meeting", "declined", "hired", "offer"]),
        ),
        max_size=12,
    )
)
def test_status_counts_match_a_recount_of_the_rows(tmp_path_factory, history) -> None:
    store = store_at(tmp_path_factory.mktemp("campaign"))
    try:
        for _ in range(8):
            add_prospect(store)
        seen: set[int] = set()
        for pid, state, channel, days_ago, outcome in history:
            on = TODAY - timedelta(days=days_ago)
            if pid not in seen:
                seen.add(pid)
                add_send(store, pid, on, state=state, channel=channel)
            if outcome:
                add_call(store, pid, on, outcome)
        everything = store.report_history()
        figures = store.status_figures(TODAY, iso_week(TODAY))
        sent = [s for s in everything.sends if s.state == "sent"]
        assert sum(figures.sent_by_channel.values()) == len(sent)
        assert figures.cap_used == sum(
            s.week == iso_week(TODAY) and s.state != "failed" for s in everything.sends
        )
        assert figures.waiting == 8 - len(seen)
        assert sum(figures.calls_by_outcome.values()) == len(everything.calls)
        spoke = {c.prospect_id for c in everything.calls if c.outcome in CONVERSATIONS}
        assert figures.conversations == len(spoke)
        assert figures.attention_counts.get("failed", 0) == sum(
            s.state == "failed" for s in everything.sends
        )
    finally:
        store.close()


@pytest.mark.slow
def test_the_same_figures_on_postgresql(store, campaign_home, request) -> None:
    """The aggregate queries are portable: PostgreSQL gives what SQLite gives."""
    from sqlalchemy import create_engine, text

    from campaign.store import open_store

    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    pg = open_store(url)
    try:
        build_campaign(store)
        build_campaign(pg)
        cfg = load_settings(campaign_home, {})
        lite, post = campaign_status(store, cfg, TODAY), campaign_status(pg, cfg, TODAY)
        assert post.as_json() == lite.as_json()
        assert build_report(pg, cfg, TODAY).rows == build_report(store, cfg, TODAY).rows
    finally:
        pg.close()


def _page_text(html: str) -> str:
    """The page as a reader sees it: tags and the charts' data URIs taken out."""
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_page_counts_its_nouns_and_shows_no_markdown(store, campaign_home) -> None:
    import re

    one = add_prospect(store)
    add_send(store, one.id, TODAY - timedelta(days=10), channel="email")
    add_call(store, one.id, TODAY - timedelta(days=3), "meeting")
    add_prospect(store, street="")  # email only, no [smtp]: "`campaign send` leaves them out"
    add_prospect(store, phone="")
    page = render_report(build_report(store, load_settings(campaign_home, {}), TODAY, spell))
    text = _page_text(page)
    assert "1 offer" not in text  # none made: "0 offers"
    assert '<b id="fig-calls">1</b><span>call made</span>' in page
    assert '<b id="fig-meetings">1</b><span>meeting</span>' in page
    assert not re.search(r"\b1 (prospects|letters|calls|meetings|offers|weeks)\b", text)
    # Every backticked command is shown as code; no markdown reaches the reader.
    assert "`" not in page and "**" not in page
    assert "<code>campaign send</code> leaves them out" in page


def test_the_funnel_counts_prospects_and_draws_the_work_apart(store, campaign_home) -> None:
    import base64
    import re

    build_campaign(store)
    for pid in range(1, 9):  # far more calls than prospects spoken with
        for day in range(1, 6):
            add_call(store, pid, TODAY - timedelta(days=day), "voicemail", attempt=day)
    report = build_report(store, load_settings(campaign_home, {}), TODAY)
    stages, work = funnel_bars(report)
    f = report.status.funnel
    assert [label for label, _ in work] == ["Letters sent", "Calls made"]
    assert dict(work)["Calls made"] == f.calls_made > f.prospects
    counts = [n for _, n in stages]
    assert counts[0] == f.prospects and counts == sorted(counts, reverse=True)
    svg = base64.b64decode(charts.funnel(stages, work).split(",", 1)[1]).decode()
    titles = re.findall(r'font-weight="bold">([^<]+)<', svg)
    assert titles == ["prospects at each stage", "letters and calls made (items, not prospects)"]
