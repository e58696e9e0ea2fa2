"""Where the campaign stands: the status summary, and the HTML report with its charts.

``campaign_status`` turns the store's counts (a few aggregate queries) into a plain
``Status`` with the funnel, this week's pace, what is due, what remains, and the
attention items with the command that settles each. It imports nothing heavy: status
must answer in a blink. ``build_report`` reads the whole history once and shapes it
for ``render_report`` (Jinja2, autoescaped, charts from ``campaign.charts``).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.clock import iso_week, next_week_start, week_start
from campaign.config import Settings
from campaign.errors import CampaignError, InputError
from campaign.models import (
    ACTIVE,
    CLAIMED,
    CLOSED,
    DECLINED,
    DEFERRED,
    EMAIL,
    FAILED,
    HIRED,
    INTERVIEW,
    OFFER,
    POST,
    SENT,
    UNKNOWN,
)
from campaign.wording import counted as _n
from campaign.wording import noun

if TYPE_CHECKING:
    from campaign.clock import BusinessCalendar
    from campaign.store import Store
    from campaign.store.reporting import ReportHistory, StatusFigures

MARKETING = "marketing"
CALL_KINDS = ("call", "status_call")  # as in campaign.store.tasks: they share the daily cap
CONVERSATIONS = ("reached", "meeting", "declined", "hired", "offer")
# A status call closed with `campaign done` and no decision yet (one with a decision
# counts under that decision: offer, declined).
STATUS_CALL_RESULT = "status call"
OVERDUE_DAYS = 7  # a call this late needs a decision, not just dialling
IMPORT_FIRST = "`campaign import lists/FILE.csv` to load your prospect list"


@dataclass(frozen=True)
class Funnel:
    """From the list to the job: each stage counts prospects (letters and calls count items)."""

    prospects: int = 0
    letters_by_email: int = 0
    letters_by_post: int = 0
    calls_made: int = 0
    conversations: int = 0
    meetings: int = 0
    offers: int = 0
    declined: int = 0
    hired: int = 0

    @property
    def letters_sent(self) -> int:
        """Letters that went out, by either channel."""
        return self.letters_by_email + self.letters_by_post


@dataclass(frozen=True)
class Attention:
    """Something that needs the user, and the command that settles it."""

    kind: str
    count: int
    message: str
    command: str
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Status:
    """Where the campaign stands as of ``today``."""

    today: date
    week: str
    weekly_cap: int
    sent_this_week: int
    next_wave: date
    funnel: Funnel
    by_status: dict[str, int]
    calls_due_today: int
    calls_overdue: int
    tasks_due_today: int
    tasks_overdue: int
    remaining: int  # prospects waiting for their letter whom a letter can reach
    weeks_to_finish: int
    last_wave: date | None
    attention: list[Attention]
    next_steps: list[str]
    unreachable: int = 0  # waiting too, but no letter can reach them (see attention)
    tasks_by_kind: dict[str, int] = field(default_factory=dict)  # the other tasks due

    @property
    def cap_left(self) -> int:
        """Sends this week's cap still allows."""
        return max(self.weekly_cap - self.sent_this_week, 0)

    @property
    def calls_due(self) -> int:
        """Calls to make today, the overdue ones included."""
        return self.calls_due_today + self.calls_overdue

    @property
    def wave_open(self) -> bool:
        """This week's wave can still take letters: the cap has room and someone waits."""
        return bool(self.cap_left and self.remaining)

    @property
    def pace(self) -> str:
        """Where this week's wave stands (the commands that move it on are in ``next_steps``)."""
        if self.funnel.prospects == 0:
            return "nothing to send until a list is imported"
        if self.wave_open:
            return f"wave open: {min(self.cap_left, self.remaining)} left this week"
        if not self.remaining:
            return "no one left to write to"
        return f"next wave opens {self.next_wave:%a %d %b}"

    def as_json(self) -> dict[str, Any]:
        """The JSON document of ``campaign status --format json`` (contract keys first)."""
        return {
            "prospects": self.funnel.prospects,
            "sent": self.funnel.letters_sent,
            "sent_this_week": self.sent_this_week,
            "weekly_cap": self.weekly_cap,
            "calls_due": self.calls_due,
            "today": self.today,
            "week": self.week,
            "cap_left": self.cap_left,
            "wave_open": self.wave_open,
            "next_wave": self.next_wave,
            "funnel": {**asdict(self.funnel), "letters_sent": self.funnel.letters_sent},
            "prospects_by_status": self.by_status,
            "due": {
                "calls_today": self.calls_due_today,
                "calls_overdue": self.calls_overdue,
                "tasks_today": self.tasks_due_today,
                "tasks_overdue": self.tasks_overdue,
                "tasks_by_kind": self.tasks_by_kind,
            },
            "remaining": {
                "prospects": self.remaining,
                "weeks": self.weeks_to_finish,
                "last_wave": self.last_wave,
                "unreachable": self.unreachable,
            },
            "attention": [asdict(a) for a in self.attention],
            "next": self.next_steps,
        }


def campaign_status(store: Store | None, settings: Settings, today: date) -> Status:
    """Where the campaign stands as of ``today``; ``store`` None means nothing imported yet."""
    from campaign.store.reporting import StatusFigures

    week = iso_week(today)
    late_before = today - timedelta(days=OVERDUE_DAYS)
    figures = (
        store.status_figures(
            today, week, MARKETING, late_before=late_before, can_email=settings.smtp is not None
        )
        if store
        else StatusFigures()
    )
    attention = _attention(figures, settings, today)
    attention.extend(template_problems(settings, store, figures.next_waiting_id, today))
    return _status(figures, settings, today, attention)


def _status(
    figures: StatusFigures,
    settings: Settings,
    today: date,
    attention: list[Attention],
) -> Status:
    cap = settings.schedule.weekly_cap
    week = iso_week(today)
    calls_today = calls_overdue = tasks_today = tasks_overdue = 0
    tasks_by_kind: Counter[str] = Counter()
    for item in figures.due:
        is_call = item.kind in CALL_KINDS
        if not is_call:
            tasks_by_kind[item.kind] += item.count
        if item.due == today:
            calls_today += item.count if is_call else 0
            tasks_today += 0 if is_call else item.count
        else:
            calls_overdue += item.count if is_call else 0
            tasks_overdue += 0 if is_call else item.count
    cap_left = max(cap - figures.cap_used, 0)
    remaining = figures.waiting
    weeks, last_wave = weeks_to_finish(remaining, cap, cap_left, today)
    calls = figures.calls_by_outcome
    shown = (ACTIVE, INTERVIEW, DECLINED, OFFER, HIRED)
    by_status = {s: figures.by_status.get(s, 0) for s in shown}
    by_status[CLOSED] = figures.by_status.get(CLOSED, 0)
    funnel = Funnel(
        prospects=sum(figures.by_status.values()),
        letters_by_email=figures.sent_by_channel.get(EMAIL, 0),
        letters_by_post=figures.sent_by_channel.get(POST, 0),
        calls_made=sum(calls.values()) + figures.status_calls_done,
        conversations=figures.conversations,
        meetings=figures.meetings,
        offers=figures.offers,
        declined=figures.by_status.get(DECLINED, 0),
        hired=figures.by_status.get(HIRED, 0),
    )
    status = Status(
        today=today,
        week=week,
        weekly_cap=cap,
        sent_this_week=figures.cap_used,
        next_wave=next_week_start(today),
        funnel=funnel,
        by_status=by_status,
        calls_due_today=calls_today,
        calls_overdue=calls_overdue,
        tasks_due_today=tasks_today,
        tasks_overdue=tasks_overdue,
        remaining=remaining,
        unreachable=figures.unreachable,
        tasks_by_kind=dict(tasks_by_kind),
        weeks_to_finish=weeks,
        last_wave=last_wave,
        attention=attention,
        next_steps=[],
    )
    return dataclasses.replace(status, next_steps=next_steps(status))


def weeks_to_finish(
    remaining: int, cap: int, cap_left: int, today: date
) -> tuple[int, date | None]:
    """How many weekly waves the list still fills, and the Monday of the last one."""
    if remaining <= 0:
        return 0, None
    if remaining <= cap_left:
        return 1, week_start(today)
    later = math.ceil((remaining - cap_left) / cap)
    weeks = later + (1 if cap_left else 0)
    return weeks, next_week_start(today) + timedelta(weeks=later - 1)


def _attention(figures: StatusFigures, settings: Settings, today: date) -> list[Attention]:
    from campaign.batches import why_unreachable

    items: list[Attention] = []
    counts = figures.attention_counts

    def ids(state: str) -> list[int]:
        return [s.id for s in figures.attention_sends if s.state == state]

    if counts.get(UNKNOWN):
        items.append(
            Attention(
                "in_doubt",
                counts[UNKNOWN],
                f"{_n(counts[UNKNOWN], 'delivery', 'deliveries')} in doubt (may or may not "
                f"have arrived): "
                f"{_ids_of('send', ids(UNKNOWN), counts[UNKNOWN])}",
                "check your Sent folder, then `campaign send --settle ID --sent` if it went, "
                "or `campaign send --resend ID` if not",
                ids(UNKNOWN),
            )
        )
    if counts.get(FAILED):
        items.append(
            Attention(
                "failed",
                counts[FAILED],
                f"{_n(counts[FAILED], 'delivery', 'deliveries')} failed: "
                f"{_ids_of('send', ids(FAILED), counts[FAILED])}",
                "fix the address, then `campaign send --resend ID`",
                ids(FAILED),
            )
        )
    waiting = counts.get(DEFERRED, 0) + counts.get(CLAIMED, 0)
    if waiting:
        retry_ids = sorted(ids(DEFERRED) + ids(CLAIMED))
        items.append(
            Attention(
                "retry",
                waiting,
                f"{_n(waiting, 'delivery', 'deliveries')} waiting for a retry: "
                f"{_ids_of('send', retry_ids, waiting)}",
                "`campaign send` (the next run retries them first)"
                if settings.smtp is not None
                else "`campaign send` prints those with a postal address; the emails wait "
                "until [smtp] is back in campaign.toml",
                retry_ids,
            )
        )
    if figures.no_contact:
        items.append(
            Attention(
                "no_contact",
                figures.no_contact,
                f"{_n(figures.no_contact, 'prospect')} without a hiring-authority name: "
                f"{_id_list(figures.no_contact_ids, figures.no_contact)}",
                "edit the list and `campaign import` it again",
                figures.no_contact_ids,
            )
        )
    if figures.unreachable:
        cause, fix = why_unreachable(settings)
        items.append(
            Attention(
                "unreachable",
                figures.unreachable,
                f"{_n(figures.unreachable, 'prospect')} no letter can reach ({cause}), so "
                f"`campaign send` leaves them out: "
                f"{_id_list(figures.unreachable_ids, figures.unreachable)}",
                fix,
                figures.unreachable_ids,
            )
        )
    if figures.no_phone:
        items.append(
            Attention(
                "no_phone",
                figures.no_phone,
                f"{_n(figures.no_phone, 'prospect')} without a phone number (no follow-up "
                f"call possible): {_id_list(figures.no_phone_ids, figures.no_phone)}",
                "edit the list and `campaign import` it again",
                figures.no_phone_ids,
            )
        )
    limit = today - timedelta(days=OVERDUE_DAYS)
    late = sum(d.count for d in figures.due if d.kind in CALL_KINDS and d.due < limit)
    if late:
        items.append(
            Attention(
                "calls_overdue",
                late,
                f"{_n(late, 'call')} overdue by more than a week: "
                f"{_ids_of('prospect', figures.late_call_ids, late)}",
                "`campaign calls --due all`, then `campaign log ID --outcome ...` for each",
                figures.late_call_ids,
            )
        )
    return items


def template_problems(
    settings: Settings, store: Store | None, prospect_id: int | None, today: date
) -> list[Attention]:
    """Letters in templates/ that no longer render, tried on the next prospect in line."""
    from campaign import merge

    if not settings.templates_dir.is_dir() or settings.sender is None:
        return []
    from campaign.models import Prospect

    prospect = None
    if store is not None and prospect_id is not None:
        prospect = store.get_prospect(prospect_id)
    sample = prospect or Prospect(0, "Example Company", "Alex Example", first_name="Alex")
    known = set(merge.letter_names(settings))
    problems: list[Attention] = []
    for path in sorted(settings.templates_dir.glob(f"*{merge.TEXT_SUFFIX}")):
        if path.stem not in known:
            continue
        try:
            letter = merge.load_letter(settings, path.stem)
            # A plain call date: the wording checked is the same, and status stays fast
            # (placing the call on a business day would load the holiday calendar).
            call_date = today + timedelta(days=settings.schedule.first_call_after_days)
            merge.render_batch(letter, [sample], settings, today, call_dates={sample.id: call_date})
        except CampaignError as exc:
            problems.append(
                Attention(
                    "template",
                    1,
                    f"letter {path.stem!r} does not render: {exc}",
                    f"fix templates/{path.name}, then `campaign merge --letter {path.stem}`",
                )
            )
    return problems


def next_steps(status: Status) -> list[str]:
    """What to do today, most pressing first, each with its command."""
    steps: list[str] = []
    if status.funnel.prospects == 0:
        steps.append(IMPORT_FIRST)
    if status.calls_due:
        today, overdue = status.calls_due_today, status.calls_overdue
        if today and overdue:
            due = f"{today} due today and {overdue} overdue"
        elif today:
            due = f"{_n(today, 'call')} due today"
        else:
            due = f"{_n(overdue, 'call')} overdue"
        steps.append(f"`campaign calls`: {due}; `campaign log ID --outcome ...` after each")
    if status.tasks_due_today + status.tasks_overdue:
        n = status.tasks_due_today + status.tasks_overdue
        steps.append(f"`campaign agenda`: {_n(n, 'other task')} due ({_tasks(status)})")
    if status.wave_open:
        wave = min(status.remaining, status.cap_left)
        steps.append(
            f"`campaign merge` to review, then `campaign send`: {_n(wave, 'letter')} this week"
        )
    if status.attention:
        # Items, not the things in them: one prospect may sit in several (no phone, ...).
        n = len(status.attention)
        steps.append(f"settle the {_n(n, 'item')} under Needs attention: each says how")
    if not steps:
        if status.remaining:
            steps.append(f"the next wave opens {status.next_wave:%A %d %B}: `campaign send` then")
        else:
            steps.append("the whole list has had its letter: `campaign import` a new list")
    return steps


def _ids_of(what: str, ids: Iterable[int], total: int) -> str:
    """``send 13``, ``sends 13, 14``: the ids named, the noun agreeing with the total."""
    return f"{noun(total, what)} {_id_list(ids, total)}"


def _id_list(ids: Iterable[int], total: int) -> str:
    shown = list(ids)
    text = ", ".join(str(i) for i in shown)
    return text + (f" and {total - len(shown)} more" if total > len(shown) else "")


# -- the HTML report --------------------------------------------------------------------


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
class Rate:
    """How many of a group were written to, and how many of those were spoken with."""

    label: str
    sent: int
    responded: int

    @property
    def percent(self) -> float:
        """Responded as a share of sent, 0 when nothing was sent."""
        return 100.0 * self.responded / self.sent if self.sent else 0.0


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

    @property
    def outcomes(self) -> list[str]:
        """Every outcome in ``calls_per_week``, in the call log's order, then any other."""
        from campaign.followup import OUTCOMES

        seen = {outcome for _, by in self.calls_per_week for outcome, n in by.items() if n}
        known = [*OUTCOMES, STATUS_CALL_RESULT]
        return [o for o in known if o in seen] + sorted(seen - set(known))


NOTHING_TO_REPORT = "nothing to report yet: `campaign import lists/FILE.csv` first"


def build_report(store: Store, settings: Settings, today: date) -> Report:
    """Read the whole campaign once and shape it for the page (InputError when empty)."""
    from campaign.clock import BusinessCalendar

    history = store.report_history()
    if not (history.prospects or history.sends or history.calls or history.meetings):
        raise InputError(NOTHING_TO_REPORT)
    status = campaign_status(store, settings, today)
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
        if s.state == SENT:
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
        if s.state == SENT and s.sent_on is not None:
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


_TASK_NAMES = {
    "call": "call",
    "status_call": "status call",
    "contact_call": "catch-up call",
    "thank_you_email": "thank-you email",
    "note": "handwritten note",
}


def prospect_lines(history: ReportHistory, settings: Settings | None = None) -> list[ProspectLine]:
    """Every prospect with its letters, last touch and next step, in wave order.

    With ``settings``, an active prospect no letter can reach is told so, as status does
    (``send`` leaves them out of every wave), rather than promised a letter.
    """
    from campaign.batches import delivery_channel, why_unreachable

    touches: dict[int, tuple[date, str]] = {}

    def touch(pid: int | None, day: date | None, what: str) -> None:
        if pid is not None and day is not None and (pid not in touches or day >= touches[pid][0]):
            touches[pid] = (day, what)

    letters: dict[int, list[str]] = defaultdict(list)
    for s in history.sends:
        shown = s.letter if s.state == SENT else f"{s.letter} ({s.state})"
        letters[s.prospect_id].append(shown)
        if s.state == SENT:
            verb = "emailed" if s.channel == EMAIL else "mailed"
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
        elif p.status == ACTIVE and not letters.get(p.id):
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
    from importlib.resources import files

    from jinja2 import Environment, StrictUndefined

    from campaign import charts

    env = Environment(undefined=StrictUndefined, autoescape=True)
    env.filters["code"] = commands_as_code
    source = files("campaign").joinpath("data", "report.html.j2").read_text(encoding="utf-8")
    template = env.from_string(source)
    images = {
        "sends": charts.sends_per_week(report.sends_per_week, report.status.weekly_cap),
        "calls": charts.calls_per_week(report.calls_per_week, report.outcomes),
        "funnel": charts.funnel(_funnel_stages(report.status.funnel)),
        "rates": charts.response_rates(report.by_band, report.by_letter),
        "load": charts.call_load(report.call_load, report.calls_per_day, report.holidays),
    }
    return template.render(r=report, s=report.status, f=report.status.funnel, charts=images)


def commands_as_code(text: str) -> Any:
    """Escape ``text`` and show its `backticked` commands as <code> (for the page)."""
    import html

    from markupsafe import Markup

    parts = html.escape(text, quote=True).split("`")
    # Odd pieces sat between backticks; an unpaired one stays a plain backtick.
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _funnel_stages(f: Funnel) -> list[tuple[str, int]]:
    return [
        ("Prospects", f.prospects),
        ("Letters sent", f.letters_sent),
        ("Calls made", f.calls_made),
        ("Conversations", f.conversations),
        ("Meetings", f.meetings),
        ("Offers", f.offers),
        ("Hired", f.hired),
    ]


def report_path(output_dir: Path, today: date) -> Path:
    """``output/report-DATE.html``, or ``-2``, ``-3`` ... so no earlier run is overwritten."""
    from campaign.documents.files import new_file

    return new_file(output_dir, f"report-{today.isoformat()}", ".html")


def write_report(store: Store, settings: Settings, today: date) -> Path:
    """Build, render and write the report under output/; returns its path."""
    html = render_report(build_report(store, settings, today))
    path = report_path(settings.output_dir, today)
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise CampaignError(f"{path}: can't write the report: {exc}") from None
    return path


# The other tasks (not calls) in `campaign agenda`, as the Next line counts them.
_OTHER_TASKS = {
    "post_letter": ("letter to post", "letters to post"),
    "thank_you_email": ("thank-you email", None),
    "note": ("handwritten note", None),
    "contact_call": ("catch-up call", None),
}


def _tasks(status: Status) -> str:
    """The kinds of other task due, counted: ``20 letters to post, 1 catch-up call``."""
    parts = []
    for kind, n in sorted(status.tasks_by_kind.items(), key=lambda kv: _task_order(kv[0])):
        word, plural = _OTHER_TASKS.get(kind, (kind.replace("_", " "), None))
        parts.append(_n(n, word, plural))
    return ", ".join(parts)


def _task_order(kind: str) -> int:
    order = list(_OTHER_TASKS)
    return order.index(kind) if kind in order else len(order)
