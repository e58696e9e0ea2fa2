"""Where the campaign stands: the fast ``campaign status`` summary.

``campaign_status`` turns the store's counts (a few aggregate queries) into a plain
``Status`` with the funnel, this week's pace, what is due, what remains, and the
attention items with the command that settles each. It imports nothing heavy: status
must answer in a blink. The HTML report (``campaign.report``) builds on it.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from campaign.batches import why_unreachable
from campaign.clock import iso_week, next_week_start, week_start
from campaign.config import Settings
from campaign.errors import CampaignError, arg, plain, worded
from campaign.letters import TEXT_SUFFIX, letter_names, load_letter, render_batch
from campaign.models import (
    CALL_KINDS,
    MARKETING,
    Channel,
    ProspectStatus,
    SendState,
    StatusFigures,
    TaskKind,
    WindDown,
)
from campaign.people import hr_flag
from campaign.store import Store
from campaign.winddown import hired_words
from campaign.wording import counted as _n
from campaign.wording import noun

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
    needs_address: int = 0  # active, with no email and no postal address yet
    hr_flagged: int = 0  # live prospects who look like HR or recruiting
    tasks_by_kind: dict[str, int] = field(default_factory=dict)  # the other tasks due
    letters_to_post: int = 0  # in the post_letter tasks due: a print pack holds many
    hired: WindDown | None = None  # a hire closed the campaign: where, and when

    @property
    def headline(self) -> str:
        """``Hired at Acme on 14 Jan 2027`` once a hire has closed the campaign, else ""."""
        return hired_words(self.hired.company, self.hired.hired_on) if self.hired else ""

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
        return bool(self.cap_left and self.remaining and self.hired is None)

    @property
    def pace(self) -> str:
        """Where this week's wave stands (the commands that move it on are in ``next_steps``)."""
        if self.hired is not None:
            return f"no more waves: {self.headline[0].lower()}{self.headline[1:]}"
        if self.funnel.prospects == 0:
            return "nothing to send until a list is imported"
        if self.wave_open:
            return f"wave open: {min(self.cap_left, self.remaining)} left this week"
        if not self.remaining:
            return "no one left to write to"
        return f"next wave opens {self.next_wave:%a %d %b}"

    def worded(self, spell: Callable[[str], str] = plain) -> Status:
        """The status with every argument its texts name spelled by ``spell`` (the CLI's flags)."""
        attention = [
            dataclasses.replace(
                a, message=worded(a.message, spell), command=worded(a.command, spell)
            )
            for a in self.attention
        ]
        steps = [worded(step, spell) for step in self.next_steps]
        return dataclasses.replace(self, attention=attention, next_steps=steps)

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
                "letters_to_post": self.letters_to_post,
            },
            "remaining": {
                "prospects": self.remaining,
                "weeks": self.weeks_to_finish,
                "last_wave": self.last_wave,
                "unreachable": self.unreachable,
            },
            "needs_address": self.needs_address,
            "hr_flagged": self.hr_flagged,
            "attention": [asdict(a) for a in self.attention],
            "next": self.next_steps,
            "hired": None
            if self.hired is None
            else {
                "prospect_id": self.hired.prospect_id,
                "company": self.hired.company,
                "on": self.hired.hired_on,
            },
            "headline": self.headline,
        }


def campaign_status(store: Store | None, settings: Settings, today: date) -> Status:
    """Where the campaign stands as of ``today``; ``store`` None means nothing imported yet."""
    week = iso_week(today)
    late_before = today - timedelta(days=OVERDUE_DAYS)
    figures = (
        store.status_figures(
            today, week, MARKETING, late_before=late_before, can_email=settings.smtp is not None
        )
        if store
        else StatusFigures()
    )
    hired = store.current_wind_down() if store else None
    attention = _attention(figures, settings, today)
    if store is not None:
        attention = [*heard_back(store), *attention]
    if hired is None:  # no letter goes out after a hire: nothing to check them for
        attention.extend(template_problems(settings, store, today))
    return _status(figures, settings, today, attention, hired)


def _status(
    figures: StatusFigures,
    settings: Settings,
    today: date,
    attention: list[Attention],
    hired: WindDown | None = None,
) -> Status:
    cap = settings.schedule.weekly_cap
    week = iso_week(today)
    calls_today = calls_overdue = tasks_today = tasks_overdue = 0
    tasks_by_kind: Counter[str] = Counter()
    letters_to_post = 0
    for item in figures.due:
        is_call = item.kind in CALL_KINDS
        if not is_call:
            tasks_by_kind[item.kind] += item.count
            letters_to_post += item.letters
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
    by_status = {str(s): figures.by_status.get(s, 0) for s in ProspectStatus}
    funnel = Funnel(
        prospects=sum(figures.by_status.values()),
        letters_by_email=figures.sent_by_channel.get(Channel.EMAIL, 0),
        letters_by_post=figures.sent_by_channel.get(Channel.POST, 0),
        calls_made=sum(calls.values()) + figures.status_calls_done,
        conversations=figures.conversations,
        meetings=figures.meetings,
        offers=figures.offers,
        declined=figures.by_status.get(ProspectStatus.DECLINED, 0),
        hired=figures.by_status.get(ProspectStatus.HIRED, 0),
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
        # No letter can reach them: an email but no [smtp], or neither email nor address.
        unreachable=figures.unreachable + figures.needs_address,
        needs_address=figures.needs_address,
        hr_flagged=len(hr_flagged(figures)),
        tasks_by_kind=dict(tasks_by_kind),
        letters_to_post=letters_to_post,
        weeks_to_finish=weeks,
        last_wave=last_wave,
        attention=attention,
        next_steps=[],
        hired=hired,
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
    items: list[Attention] = []
    counts = figures.attention_counts

    def ids(state: str) -> list[int]:
        return [s.id for s in figures.attention_sends if s.state == state]

    if counts.get(SendState.UNKNOWN):
        items.append(
            Attention(
                "in_doubt",
                counts[SendState.UNKNOWN],
                f"{_n(counts[SendState.UNKNOWN], 'delivery', 'deliveries')} in doubt "
                f"(may or may not have arrived): "
                f"{_ids_of('send', ids(SendState.UNKNOWN), counts[SendState.UNKNOWN])}",
                f"check your Sent folder, then `campaign send {arg('settle')} ID {arg('sent')}` "
                f"if it went, or `campaign send {arg('resend')} ID` if not",
                ids(SendState.UNKNOWN),
            )
        )
    if counts.get(SendState.FAILED):
        items.append(
            Attention(
                "failed",
                counts[SendState.FAILED],
                f"{_n(counts[SendState.FAILED], 'delivery', 'deliveries')} failed: "
                f"{_ids_of('send', ids(SendState.FAILED), counts[SendState.FAILED])}",
                f"fix the address, then `campaign send {arg('resend')} ID`",
                ids(SendState.FAILED),
            )
        )
    waiting = counts.get(SendState.DEFERRED, 0) + counts.get(SendState.CLAIMED, 0)
    if waiting:
        retry_ids = sorted(ids(SendState.DEFERRED) + ids(SendState.CLAIMED))
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
    if figures.needs_address:
        items.append(
            Attention(
                "needs_address",
                figures.needs_address,
                f"{_n(figures.needs_address, 'prospect')} without an email or postal address "
                f"(in no wave until one is found): "
                f"{_id_list(figures.needs_address_ids, figures.needs_address)}",
                f"`campaign edit ID {arg('email')} E` (or {arg('street')}, {arg('city')}, "
                f"{arg('postal_code')}); research tasks are on `campaign agenda`",
                figures.needs_address_ids,
            )
        )
    flagged = hr_flagged(figures)
    if flagged:
        items.append(
            Attention(
                "hr_flagged",
                len(flagged),
                f"{_n(len(flagged), 'prospect')} who look like HR or recruiting, not the person "
                f"who hires: {_id_list(flagged[:10], len(flagged))}",
                "`campaign show ID`; write to the hiring manager instead where you can",
                flagged[:10],
            )
        )
    if figures.no_phone:
        items.append(
            Attention(
                "no_phone",
                figures.no_phone,
                f"{_n(figures.no_phone, 'prospect')} without a phone number (their follow-up "
                f"call waits for one; the agenda has a task to find it once a letter has gone): "
                f"{_id_list(figures.no_phone_ids, figures.no_phone)}",
                f"`campaign edit ID {arg('phone')} NUMBER` places the call (or correct the "
                "list and `campaign import` it again)",
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
                f"`campaign calls {arg('due')} all`, then `campaign log ID {arg('outcome')} ...` "
                "for each",
                figures.late_call_ids,
            )
        )
    return items


def heard_back(store: Store) -> list[Attention]:
    """What the inbox brought that needs the user: emails to answer, addresses that bounced."""
    items: list[Attention] = []
    answering = [t for t in store.open_calls() if t.answering and t.prospect_id is not None]
    if answering:
        ids = [t.prospect_id for t in answering if t.prospect_id is not None]
        items.append(
            Attention(
                "replies",
                len(ids),
                f"{_n(len(ids), 'email')} to answer ({_ids_of('prospect', ids[:10], len(ids))}): "
                "their follow-up calls wait for you",
                f"`campaign calls` lists them first; `campaign log ID {arg('outcome')} "
                "meeting|declined|reached` once you have answered",
                ids[:10],
            )
        )
    bounced = store.bounced_sends()
    printable = [
        s.id
        for s, p in bounced
        if not s.is_thank_you and p.status == ProspectStatus.ACTIVE and p.has_postal_address
    ]
    lost = [
        p.id
        for s, p in bounced
        if not s.is_thank_you and p.status == ProspectStatus.ACTIVE and not p.has_postal_address
    ]
    if printable:
        items.append(
            Attention(
                "bounced",
                len(printable),
                f"{_n(len(printable), 'email')} bounced "
                f"({_ids_of('send', printable[:10], len(printable))}): "
                "the letter goes by post instead",
                "`campaign send` prints them (each with its own call)",
                printable[:10],
            )
        )
    if lost:
        items.append(
            Attention(
                "new_address",
                len(lost),
                f"{_n(len(lost), 'prospect')} whose email bounced and who have no postal address: "
                f"{_id_list(lost[:10], len(lost))}",
                f"`campaign edit ID {arg('email')} NEW` (or add their postal address and "
                "`campaign import` the list); the next `campaign send` sends the letter",
                lost[:10],
            )
        )
    return items


def hr_flagged(figures: StatusFigures) -> list[int]:
    """The live prospects who look like HR or recruiting (``people.hr_flag``), by id."""
    return [pid for pid, contact, title in figures.people if hr_flag(contact, title)]


def template_problems(settings: Settings, store: Store | None, today: date) -> list[Attention]:
    """Letters in templates/ that no longer render for a prospect they would go to.

    Each letter is tried on the prospects its next send would take (up to the weekly
    cap, in wave order): a template is only wrong if it fails for one of them (a field
    another list lacks is not its fault), and the message names that prospect. One that
    does not compile is wrong whoever waits; with no one waiting, there is nothing to try.
    """
    if not settings.templates_dir.is_dir() or settings.sender is None:
        return []
    known = set(letter_names(settings))
    cap = settings.schedule.weekly_cap
    can_email = settings.smtp is not None
    problems: list[Attention] = []
    for path in sorted(settings.templates_dir.glob(f"*{TEXT_SUFFIX}")):
        name = path.stem
        if name not in known:
            continue
        fix = f"fix templates/{path.name}, then `campaign merge {arg('letter')} {name}`"
        try:
            letter = load_letter(settings, name)
        except CampaignError as exc:
            problems.append(
                Attention("template", 1, f"letter {name!r} does not render: {exc}", fix)
            )
            continue
        waiting = store.next_in_line(name, cap, can_email) if store is not None else []
        # A plain call date: the wording checked is the same, and status stays fast
        # (placing the call on a business day would load the holiday calendar).
        call_date = today + timedelta(days=settings.schedule.first_call_after_days)
        for prospect in waiting:
            try:
                render_batch(
                    letter, [prospect], settings, today, call_dates={prospect.id: call_date}
                )
            except CampaignError as exc:
                said = str(exc)
                whom = (
                    ""
                    if f"prospect {prospect.id} (" in said
                    else (f" for prospect {prospect.id} ({prospect.company})")
                )
                problems.append(
                    Attention(
                        "template",
                        1,
                        f"letter {name!r} does not render{whom}: {said}",
                        fix,
                        [prospect.id],
                    )
                )
                break
    return problems


def next_steps(status: Status) -> list[str]:
    """What to do today, most pressing first, each with its command."""
    steps: list[str] = []
    if status.hired is not None:
        return _wound_down_steps(status)
    if status.funnel.prospects == 0:
        steps.append(IMPORT_FIRST)
    replies = next((a for a in status.attention if a.kind == "replies"), None)
    if replies is not None:
        steps.append(
            f"`campaign calls`: answer {_n(replies.count, 'email')} first; then "
            f"`campaign log ID {arg('outcome')} ...`"
        )
    if status.calls_due:
        today, overdue = status.calls_due_today, status.calls_overdue
        if today and overdue:
            due = f"{today} due today and {overdue} overdue"
        elif today:
            due = f"{_n(today, 'call')} due today"
        else:
            due = f"{_n(overdue, 'call')} overdue"
        steps.append(f"`campaign calls`: {due}; `campaign log ID {arg('outcome')} ...` after each")
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


def _wound_down_steps(status: Status) -> list[str]:
    """After a hire only the wind-down is left: withdrawals, the news, and a way back."""
    steps = []
    n = status.tasks_due_today + status.tasks_overdue
    if n:
        steps.append(
            f"`campaign agenda {arg('drafts')}`: {_n(n, 'task')} to end the search well "
            f"({_tasks(status)})"
        )
    if status.calls_due:
        steps.append(f"`campaign calls`: {_n(status.calls_due, 'call')} still due")
    steps.append("`campaign resume` if the job falls through: the search goes on where it stood")
    return steps


def _ids_of(what: str, ids: Iterable[int], total: int) -> str:
    """``send 13``, ``sends 13, 14``: the ids named, the noun agreeing with the total."""
    return f"{noun(total, what)} {_id_list(ids, total)}"


def _id_list(ids: Iterable[int], total: int) -> str:
    shown = list(ids)
    text = ", ".join(str(i) for i in shown)
    return text + (f" and {total - len(shown)} more" if total > len(shown) else "")


# The other tasks (not calls) in `campaign agenda`, as the Next line counts them.
_OTHER_TASKS: dict[str, tuple[str, str | None]] = {
    TaskKind.MEETING: ("meeting", None),
    TaskKind.ANSWER_OFFER: ("offer to answer", "offers to answer"),
    TaskKind.POST_LETTER: ("letter to post", "letters to post"),
    TaskKind.THANK_YOU_EMAIL: ("thank-you email", None),
    TaskKind.NOTE: ("handwritten note", None),
    TaskKind.CONTACT_CALL: ("catch-up call", None),
    TaskKind.RESEARCH: ("phone number or address to find", "phone numbers or addresses to find"),
    TaskKind.WITHDRAW: ("withdrawal", None),
    TaskKind.SHARE_NEWS: ("contact to tell the news", "contacts to tell the news"),
}


def _tasks(status: Status) -> str:
    """The kinds of other task due, counted: ``20 letters to post, 1 catch-up call``."""
    parts = []
    for kind, n in sorted(status.tasks_by_kind.items(), key=lambda kv: _task_order(kv[0])):
        if kind == TaskKind.POST_LETTER and status.letters_to_post != n:
            # Print packs: a task each, as the agenda's rows; the letters they hold.
            packs = _n(n, "print pack")
            parts.append(f"{packs} of {_n(status.letters_to_post, 'letter')} to post")
            continue
        word, plural = _OTHER_TASKS.get(kind, (kind.replace("_", " "), None))
        parts.append(_n(n, word, plural))
    return ", ".join(parts)


def _task_order(kind: str) -> int:
    order: list[str] = list(_OTHER_TASKS)
    return order.index(kind) if kind in order else len(order)
