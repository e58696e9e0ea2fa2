"""The HTML report: the whole history read once, shaped, and drawn as a printable page.

``build_report`` reads the campaign (``store.report_history``) and the status, and
``shape_report`` (pure) turns them into the figures; ``render_report`` writes the
self-contained page (Jinja2, autoescaped, charts from ``campaign.charts``).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from campaign import charts
from campaign.batches import delivery_channel, why_unreachable
from campaign.clock import BusinessCalendar, iso_week, week_start
from campaign.config import Settings
from campaign.documents.files import write_new
from campaign.errors import InputError, plain
from campaign.models import (
    CALL_KINDS,
    CONVERSATIONS,
    Channel,
    Outcome,
    ProspectStatus,
    Rate,
    ReportHistory,
    SendState,
    TaskKind,
)
from campaign.status import Status, campaign_status
from campaign.store import Store
from campaign.templating import page_environment
from campaign.wording import counted, noun

# A status call closed with `campaign done` and no decision yet (one with a decision
# counts under that decision: offer, declined).
STATUS_CALL_RESULT = "status call"
NOTHING_TO_REPORT = "nothing to report yet: `campaign import lists/FILE.csv` first"


@dataclass(frozen=True)
class ProspectLine:
    """One row of the report's table: a prospect, its last touch and its next step."""

    id: int
    company: str
    contact: str
    priority: int | None
    status: str
    letters: str
    last_touch: date | None
    last_touch_what: str
    next_step: str
    next_due: date | None


@dataclass(frozen=True)
class Report:
    """Everything the report page shows, as plain data (the charts are drawn from this)."""

    status: Status
    sends_per_week: list[tuple[str, int, int]]  # week, sent, not delivered (failed ...)
    calls_per_week: list[tuple[str, dict[str, int]]]  # week, outcome -> calls
    by_band: list[Rate]
    by_letter: list[Rate]
    call_load: list[tuple[date, int]]  # the next four weeks, Monday to Friday
    calls_per_day: int
    rows: list[ProspectLine]
    holidays: dict[date, str] = field(default_factory=dict)  # in call_load: no calls then
    written_to: int = 0  # prospects sent at least one letter (the funnel counts prospects)

    @property
    def outcomes(self) -> list[str]:
        """Every outcome in ``calls_per_week``, in the call log's order, then any other."""
        seen = {outcome for _, by in self.calls_per_week for outcome, n in by.items() if n}
        known = [*Outcome, STATUS_CALL_RESULT]
        return [o for o in known if o in seen] + sorted(seen - set(known))


def build_report(
    store: Store, settings: Settings, today: date, spell: Callable[[str], str] = plain
) -> Report:
    """Read the whole campaign once and shape it for the page (InputError when empty).

    ``spell`` names the arguments the page's advice mentions (the CLI's flags).
    """
    history = store.report_history()
    if not (history.prospects or history.sends or history.calls or history.meetings):
        raise InputError(NOTHING_TO_REPORT)
    status = campaign_status(store, settings, today).worded(spell)
    calendar = BusinessCalendar(settings.country)
    return shape_report(history, status, settings, today, calendar)


def shape_report(
    history: ReportHistory,
    status: Status,
    settings: Settings,
    today: date,
    calendar: BusinessCalendar,
) -> Report:
    """The report's figures from the history (pure: no store, no clock).

    ``calendar`` is the one calls are scheduled by: its holidays show in the call load
    as days off, not as free business days.
    """
    weeks = _week_range(history, today)
    sent: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for s in history.sends:
        if s.state == SendState.SENT:
            sent[iso_week(s.sent_on or s.claimed_on)] += 1
        else:
            missed[s.week] += 1
    outcome_weeks: dict[str, Counter[str]] = defaultdict(Counter)
    for c in history.calls:
        if c.prospect_id is not None:
            outcome_weeks[iso_week(c.called_on)][c.outcome] += 1
    for done in history.status_calls:
        outcome_weeks[iso_week(done.called_on)][done.decision or STATUS_CALL_RESULT] += 1
    load = Counter(t.due for t in history.open_tasks if t.kind in CALL_KINDS)
    days = [today + timedelta(days=i) for i in range(28)]
    weekdays = [d for d in days if d.weekday() < 5]
    return Report(
        status=status,
        sends_per_week=[(w, sent[w], missed[w]) for w in weeks],
        calls_per_week=[(w, dict(outcome_weeks[w])) for w in weeks],
        by_band=response_rates(history, _band),
        by_letter=response_rates(history, None),
        call_load=[(d, load[d]) for d in weekdays],
        calls_per_day=settings.schedule.calls_per_day,
        rows=prospect_lines(history, settings),
        holidays={
            d: calendar.holiday_name(d) or "holiday"
            for d in weekdays
            if not calendar.is_business_day(d)
        },
        written_to=len({s.prospect_id for s in history.sends if s.state == SendState.SENT}),
    )


def _week_range(history: ReportHistory, today: date) -> list[str]:
    """Every ISO week from the first send or call to this one, gaps included."""
    firsts = [s.sent_on or s.claimed_on for s in history.sends]
    firsts += [c.called_on for c in history.calls]
    start = week_start(min(firsts)) if firsts else week_start(today)
    start = max(start, week_start(today) - timedelta(weeks=103))  # two years is plenty
    weeks = []
    day = start
    while day <= today:
        weeks.append(iso_week(day))
        day += timedelta(weeks=1)
    return weeks


def _band(priority: int | None) -> str:
    if priority is None:
        return "no priority"
    if priority <= 1:
        return "priority 1"
    if priority <= 3:
        return "priority 2-3"
    if priority <= 5:
        return "priority 4-5"
    return "priority 6+"


BAND_ORDER = ("priority 1", "priority 2-3", "priority 4-5", "priority 6+", "no priority")


def spoken_with(history: ReportHistory) -> dict[int, date]:
    """Each prospect spoken with (a conversation on a call, or a meeting), and the last day."""
    last: dict[int, date] = {}
    talks = [(c.prospect_id, c.called_on) for c in history.calls if c.outcome in CONVERSATIONS]
    talks += [(m.prospect_id, m.held_on) for m in history.meetings]
    for pid, day in talks:
        if pid is not None and (pid not in last or day > last[pid]):
            last[pid] = day
    return last


def response_rates(history: ReportHistory, band: Any) -> list[Rate]:
    """Of the prospects sent a letter, the share spoken with since, by priority band or letter."""
    spoke = spoken_with(history)
    priority = {p.id: p.priority for p in history.prospects}
    # Per group, each prospect's first letter: a talk before it is no response to it.
    groups: dict[str, dict[int, date]] = defaultdict(dict)
    for s in history.sends:
        if s.state == SendState.SENT and s.sent_on is not None:
            key = band(priority.get(s.prospect_id)) if band else s.letter
            first = groups[key].get(s.prospect_id)
            groups[key][s.prospect_id] = s.sent_on if first is None else min(first, s.sent_on)
    order = list(BAND_ORDER) if band else sorted(groups)
    return [
        Rate(
            key,
            len(groups[key]),
            sum(1 for pid, sent in groups[key].items() if spoke.get(pid, date.min) >= sent),
        )
        for key in order
        if key in groups
    ]


_TASK_NAMES: dict[str, str] = {
    TaskKind.CALL: "call",
    TaskKind.STATUS_CALL: "status call",
    TaskKind.CONTACT_CALL: "catch-up call",
    TaskKind.THANK_YOU_EMAIL: "thank-you email",
    TaskKind.NOTE: "handwritten note",
}


def prospect_lines(history: ReportHistory, settings: Settings | None = None) -> list[ProspectLine]:
    """Every prospect with its letters, last touch and next step, in wave order.

    With ``settings``, an active prospect no letter can reach is told so, as status does
    (``send`` leaves them out of every wave), rather than promised a letter.
    """
    touches: dict[int, tuple[date, str]] = {}

    def touch(pid: int | None, day: date | None, what: str) -> None:
        if pid is not None and day is not None and (pid not in touches or day >= touches[pid][0]):
            touches[pid] = (day, what)

    letters: dict[int, list[str]] = defaultdict(list)
    for s in history.sends:
        shown = s.letter if s.state == SendState.SENT else f"{s.letter} ({s.state})"
        letters[s.prospect_id].append(shown)
        if s.state == SendState.SENT:
            verb = "emailed" if s.channel == Channel.EMAIL else "mailed"
            touch(s.prospect_id, s.sent_on, f"{s.letter} letter {verb}")
    for c in history.calls:
        touch(c.prospect_id, c.called_on, f"call: {c.outcome}")
    for done in history.status_calls:
        touch(done.prospect_id, done.called_on, f"status call: {done.decision or 'no decision'}")
    for m in history.meetings:
        touch(m.prospect_id, m.held_on, "meeting")
    nexts: dict[int, tuple[date, str]] = {}
    for t in history.open_tasks:  # already ordered by due date: the first one wins
        if t.prospect_id is not None and t.prospect_id not in nexts:
            nexts[t.prospect_id] = (t.due, _TASK_NAMES.get(t.kind, t.kind.replace("_", " ")))
    lines = []
    for p in history.prospects:
        last = touches.get(p.id)
        nxt = nexts.get(p.id)
        if nxt:
            step = nxt[1]
        elif p.status == ProspectStatus.ACTIVE and not letters.get(p.id):
            if settings is not None and delivery_channel(p, settings) is None:
                step = f"no letter can reach them ({why_unreachable(settings)[0]})"
            else:
                step = "letter in a coming wave"
        else:
            step = ""
        lines.append(
            ProspectLine(
                id=p.id,
                company=p.company,
                contact=p.contact,
                priority=p.priority,
                status=p.status,
                letters=", ".join(letters.get(p.id, [])),
                last_touch=last[0] if last else None,
                last_touch_what=last[1] if last else "",
                next_step=step,
                next_due=nxt[0] if nxt else None,
            )
        )
    return lines


def render_report(report: Report) -> str:
    """The self-contained HTML page: charts inline, no network needed, printable."""
    env = page_environment()
    env.filters["code"] = commands_as_code
    env.globals["noun"] = noun
    env.globals["counted"] = counted
    source = files("campaign").joinpath("data", "report.html.j2").read_text(encoding="utf-8")
    template = env.from_string(source)
    images = {
        "sends": charts.sends_per_week(report.sends_per_week, report.status.weekly_cap),
        "calls": charts.calls_per_week(report.calls_per_week, report.outcomes),
        "funnel": charts.funnel(*funnel_bars(report)),
        "rates": charts.response_rates(report.by_band, report.by_letter),
        "load": charts.call_load(report.call_load, report.calls_per_day, report.holidays),
    }
    return template.render(r=report, s=report.status, f=report.status.funnel, charts=images)


def commands_as_code(text: str) -> Any:
    """Escape ``text`` and show its `backticked` commands as <code> (for the page)."""
    from markupsafe import Markup

    parts = html.escape(text, quote=True).split("`")
    # Odd pieces sat between backticks; an unpaired one stays a plain backtick.
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def funnel_bars(report: Report) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The funnel's stages, each counting prospects; and apart, the letters and calls made.

    Letters and calls are items, not prospects (206 calls to 121 prospects): drawn on
    the prospects' scale they would read as more people than the list holds.
    """
    f = report.status.funnel
    stages = [
        ("Prospects", f.prospects),
        ("Written to", report.written_to),
        ("Spoken with", f.conversations),
        ("Met", f.meetings),
        ("Made an offer", f.offers),
        ("Hired you", f.hired),
    ]
    return stages, [("Letters sent", f.letters_sent), ("Calls made", f.calls_made)]


def write_report(
    store: Store, settings: Settings, today: date, spell: Callable[[str], str] = plain
) -> Path:
    """Build, render and write the report under output/ (``report-DATE.html``, or ``-2``,
    ``-3`` ... so no earlier run is overwritten); returns its path."""
    page = render_report(build_report(store, settings, today, spell))
    return write_new(
        settings.output_dir,
        f"report-{today.isoformat()}",
        ".html",
        lambda path: path.write_text(page, encoding="utf-8"),
    )
