"""The weekly send run: plan, render everything, claim, deliver, record, summarise.

One run, in order:

1. take the run lock (a second run at once is refused; a killed run's lock is taken over);
2. rows a killed run left TRANSMITTING become UNKNOWN (in doubt, never resent by themselves);
3. plan: DEFERRED and leftover CLAIMED rows first, then BOUNCED ones that can go another
   way (printed, or to a corrected address), then the batch, within the weekly cap
   (``SendRequest.prospect``: one letter to one person instead);
4. render and check every letter (a template error stops the run before anything is recorded);
5. connect and log in (a wrong password stops the run before anything is recorded), and
   check that output/ can be written when there are letters to print;
6. claim every delivery in one committed transaction (never a letter twice to one prospect
   or one mailbox, never the week over its cap);
7. printed letters: the ledger records which print pack holds them, the pack is built in a
   hidden folder and renamed into place when complete, and they are SENT the day it is
   made; a pack that can't be written (a full disk) releases every claim of the run;
8. emails, one at a time, each with its Message-ID from the ledger (a random one on its
   first attempt), the moment of sending as its Date and, when it follows an earlier
   email to the same person, In-Reply-To/References: TRANSMITTING (committed) -> the
   server -> SENT with its follow-up call | DEFERRED | FAILED | UNKNOWN. A refusal of the
   session (login, TLS, 421, the sender refused) stops the run: its letters go back to
   waiting.

A rerun after a kill first settles what the killed run left: TRANSMITTING rows are in
doubt; a print pack it finished for its claims is adopted (they become SENT, nothing is
printed twice), a partial one is removed and its letters printed anew. When the database
fails mid-run, the run stops and its summary still says what went out.
"""

from __future__ import annotations

import contextlib
import csv
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

from campaign import ledger
from campaign.batches import delivery_channel, select_batch
from campaign.clock import BusinessCalendar, iso_week, next_week_start
from campaign.config import Settings
from campaign.documents.email import email_message, message_id, stamp
from campaign.documents.files import (
    ensure_writable,
    free_run_folder,
    partial_twin,
    remove_tree,
    staged_folder,
)
from campaign.documents.printpack import write_print_pack
from campaign.errors import (
    CampaignError,
    DeliveryError,
    InputError,
    RunInProgress,
    StoreError,
    arg,
)
from campaign.followup import CallLoad, scheduled_calls
from campaign.letters import (
    check_printable,
    check_resume,
    load_letter,
    render_batch,
    require_resume,
)
from campaign.mailer import Delivery, Mailer, check_sender_address
from campaign.models import (
    COVER,
    LIVE_STATUSES,
    Channel,
    Claim,
    FollowUp,
    LockHolder,
    Prospect,
    ProspectStatus,
    Rendered,
    Send,
    SendState,
)
from campaign.people import check_email, mailbox
from campaign.store import Store
from campaign.winddown import hired_words

Track = Callable[[Sequence[Any], str], Iterable[Any]]
INTERRUPTED = "the run was stopped while this message was being transmitted"


class Undelivered(Protocol):
    """A run's summary as far as what did not go through: the send run's and the
    thank-you run's alike."""

    deferred: list[Any]
    failed: list[Any]
    unknown: list[Any]
    recovered: list[Any]  # in doubt after a killed run


def undelivered_list(summary: Undelivered, state: str) -> list[Any]:
    """Where a delivery recorded in ``state`` (``ledger.mark_undelivered``) is listed."""
    if state == SendState.DEFERRED:
        return summary.deferred
    return summary.failed if state == SendState.FAILED else summary.unknown


def undelivered_words(summary: Undelivered) -> str:
    """What did not go through, counted, for the exit-3 message ('' when all did)."""
    parts = [
        f"{len(summary.deferred)} deferred (the next run retries them)" if summary.deferred else "",
        f"{len(summary.failed)} failed" if summary.failed else "",
        f"{len(summary.unknown) + len(summary.recovered)} in doubt"
        if summary.unknown or summary.recovered
        else "",
    ]
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class SendRequest:
    """What the user asked of this run."""

    batch: str = "top20"
    letter: str = "marketing"
    limit: int | None = None
    no_cap: bool = False
    resend: int | None = None
    prospect: int | None = None  # one letter to one person now ("send me your resume")


@dataclass(frozen=True)
class RunLock:
    """Who this run is, for the lock: pid and host, when it started, how to test a pid."""

    pid: int
    host: str
    now: datetime
    alive: Callable[[int], bool]

    @classmethod
    def for_this_process(cls, now: datetime) -> RunLock:
        """This process on this host."""
        return cls(os.getpid(), socket.gethostname(), now, pid_alive)


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


@dataclass(frozen=True)
class Item:
    """One delivery of the run (or of the plan, in a dry run)."""

    prospect: Prospect
    letter: str
    channel: str
    send_id: int | None = None
    detail: str = ""
    due: date | None = None  # the first follow-up call it scheduled
    retry: bool = False
    prior: Send | None = None  # the row before this run claimed it (a retry): released to it


@dataclass
class SendSummary:
    """What a run did (or, dry, would do), in terms a person can act on."""

    today: date
    week: str
    cap: int
    letter: str = "marketing"
    cap_used: int = 0
    dry_run: bool = False
    emailed: list[Item] = field(default_factory=list)
    printed: list[Item] = field(default_factory=list)
    pack: Path | None = None
    pack_files: tuple[str, ...] = ()
    deferred: list[Item] = field(default_factory=list)
    failed: list[Item] = field(default_factory=list)
    unknown: list[Item] = field(default_factory=list)
    recovered: list[Item] = field(default_factory=list)  # in doubt after a killed run
    unreachable: list[Prospect] = field(default_factory=list)
    # Not sent: their address already had this letter, as the prospect with this id.
    mailed: list[tuple[Prospect, int]] = field(default_factory=list)
    # Deferred emails left waiting: no [smtp] now to send them, and no address to print.
    held: list[Item] = field(default_factory=list)
    # Printed letters of a stopped run whose complete pack this run found and recorded.
    adopted: list[Item] = field(default_factory=list)
    adopted_packs: list[tuple[Path, list[Item]]] = field(default_factory=list)
    # Why the run stopped before its end (the server refused the session, the database
    # failed): shown after the summary; the letters it did not reach wait for the next run.
    stop: CampaignError | None = None
    waiting: int = 0  # prospects still not sent this letter after the run
    next_wave: date | None = None
    wound_down: str = ""  # "Hired at Acme on 14 Jan 2027": a hire closed the campaign

    @property
    def partial(self) -> bool:
        """Some delivery of this run did not go through (exit 3)."""
        return bool(self.deferred or self.failed or self.unknown or self.recovered)

    @property
    def problems(self) -> str:
        """What went wrong, counted, for the exit-3 message ('' when nothing did)."""
        return undelivered_words(self)

    @property
    def idle(self) -> bool:
        """The run had nothing at all to do."""
        return not (
            self.emailed or self.printed or self.deferred or self.failed or self.unknown
            or self.recovered or self.unreachable or self.held or self.adopted or self.mailed
        )  # fmt: skip

    @property
    def calls(self) -> list[Item]:
        """Sends of this run that scheduled a first follow-up call."""
        return [i for i in self.emailed + self.printed + self.adopted if i.due is not None]


@dataclass
class _Planned:
    item: Item
    rendered: Rendered | None = None
    message: EmailMessage | None = None


# -- planning ------------------------------------------------------------------------


def _plan(
    store: Store,
    settings: Settings,
    today: date,
    request: SendRequest,
    summary: SendSummary,
    skip: frozenset[int] = frozenset(),
) -> list[Item]:
    load_letter(settings, request.letter)  # an unknown letter stops the run, whatever waits
    wound = store.current_wind_down()
    if wound is not None:  # hired: no more letters, not even the retries
        summary.wound_down = hired_words(wound.company, wound.hired_on)
        return []
    week = summary.week
    cap = settings.schedule.weekly_cap
    room: int | None = None if request.no_cap else max(cap - store.cap_used(week), 0)
    if request.resend is not None:
        return _plan_resend(store, settings, request.resend, week, room)
    if request.prospect is not None:
        return _plan_prospect(store, settings, request, week, room)
    limit = request.limit
    items: list[Item] = []
    for send in store.pending_retries():
        if limit is not None and len(items) >= limit:
            break
        if send.id in skip:  # in a complete print pack a stopped run left: adopted, not sent
            continue
        prospect = store.get_prospect(send.prospect_id)
        if prospect.status != ProspectStatus.ACTIVE:
            continue
        reach = delivery_channel(prospect, settings)
        if reach is None:  # an email deferred before [smtp] was taken out: it waits
            summary.held.append(Item(prospect, send.letter, send.channel, send.id, retry=True))
            continue
        if send.week != week:  # an attempt in a new week takes a slot there
            if room is not None and room <= 0:
                continue
            room = None if room is None else room - 1
        items.append(Item(prospect, send.letter, reach, send.id, retry=True, prior=send))
    room = _plan_bounced(store, settings, week, room, limit, items)
    if request.batch == "all" and not request.no_cap:
        batch = select_batch(store, "all", request.letter, today, cap)
        raise InputError(
            f"{arg('batch')} all sends every prospect not yet sent the {request.letter} letter "
            f"({len(batch.prospects)} now), ignoring the weekly cap of {cap}; "
            f"add {arg('no_cap')} to send them all"
        )
    left = None if limit is None else max(limit - len(items), 0)
    if room is not None:
        left = room if left is None else min(left, room)
    batch = select_batch(
        store, request.batch, request.letter, today, cap, limit=left, settings=settings
    )
    summary.waiting = batch.waiting
    summary.next_wave = batch.next_wave
    summary.unreachable.extend(batch.unreachable)
    summary.mailed.extend(batch.mailed)
    for prospect in batch.prospects:
        reach = delivery_channel(prospect, settings)
        assert reach is not None  # select_batch set the unreachable aside
        items.append(Item(prospect, request.letter, reach))
    return items


def _plan_resend(
    store: Store, settings: Settings, send_id: int, week: str, room: int | None
) -> list[Item]:
    send = store.get_send(send_id)
    if send.state not in (
        SendState.UNKNOWN,
        SendState.FAILED,
        SendState.DEFERRED,
        SendState.CLAIMED,
    ):
        raise InputError(
            f"send {send_id} is {send.state}; only a failed, deferred or in-doubt send "
            f"can be resent"
        )
    takes_slot = send.week != week or send.state == SendState.FAILED
    if takes_slot and room is not None and room <= 0:
        raise InputError(
            f"this week's cap ({week}) is used up; resend send {send_id} next week, "
            f"or add {arg('no_cap')}"
        )
    prospect = store.get_prospect(send.prospect_id)
    channel = delivery_channel(prospect, settings) or send.channel
    return [Item(prospect, send.letter, channel, send.id, retry=True, prior=send)]


def _plan_bounced(
    store: Store,
    settings: Settings,
    week: str,
    room: int | None,
    limit: int | None,
    items: list[Item],
) -> int | None:
    """Emails that bounced go another way: printed where there is a postal address, or to
    an address corrected since. Those with neither wait (status asks for an address)."""
    for send, prospect in store.bounced_sends():
        if limit is not None and len(items) >= limit:
            break
        if send.is_thank_you or prospect.status != ProspectStatus.ACTIVE:
            continue
        reach = delivery_channel(prospect, settings)
        if reach is None:
            continue
        if send.week != week:  # as any retry in a new week: it takes a slot there
            if room is not None and room <= 0:
                continue
            room = None if room is None else room - 1
        items.append(Item(prospect, send.letter, reach, send.id, "bounced before", retry=True))
    return room


def _plan_prospect(
    store: Store, settings: Settings, request: SendRequest, week: str, room: int | None
) -> list[Item]:
    """One letter to one person now: counted in the week's cap (unless no_cap), once ever."""
    assert request.prospect is not None
    prospect = store.get_prospect(request.prospect)
    who = f"prospect {prospect.id} ({prospect.company})"
    if prospect.status not in LIVE_STATUSES:
        raise InputError(f"{who} is {prospect.status}; no letter goes to it")
    earlier = [s for s in store.list_sends() if s.prospect_id == prospect.id]
    had = next((s for s in earlier if s.letter == request.letter), None)
    if had is not None:
        when = f" on {had.sent_on.isoformat()}" if had.sent_on else ""
        raise InputError(
            f"{who} has the {request.letter} letter already (send {had.id}, {had.state}{when}); "
            "a letter is never sent twice"
            + (
                f" (`campaign send {arg('resend')} {had.id}` retries it)"
                if had.state in (SendState.FAILED, SendState.UNKNOWN, SendState.DEFERRED)
                else ""
            )
        )
    reach = delivery_channel(prospect, settings)
    if reach is None:
        cause = "no email and no postal address" if settings.smtp else "no postal address"
        raise InputError(f"{who} can't be reached: {cause}")
    if room is not None and room <= 0:
        raise InputError(
            f"this week's cap ({week}: {settings.schedule.weekly_cap}) is used up; add "
            f"{arg('no_cap')} to send the letter to {who} now anyway"
        )
    return [Item(prospect, request.letter, reach)]


def _render(
    settings: Settings,
    today: date,
    items: Sequence[Item],
    test_to: str | None = None,
    track: Track | None = None,
    store: Store | None = None,
) -> list[_Planned]:
    """Render and check every letter before anything is recorded or sent.

    With ``store``, the call day each letter promises is placed on top of the calls
    already scheduled, so it is the day the call will be due.
    """
    if not items:
        return []
    promised = scheduled_calls([i.prospect for i in items], settings, today, store)

    sender = settings.require_sender()
    planned: dict[int, _Planned] = {}
    for name in dict.fromkeys(i.letter for i in items):
        group = [i for i in items if i.letter == name]
        letter = load_letter(settings, name)
        resume = check_resume(settings, name)
        attachments = (resume,) if resume is not None else ()
        people = [i.prospect for i in group]
        rendered = render_batch(letter, people, settings, today, track, promised)
        for item, done in zip(group, rendered, strict=True):
            message = None
            if item.channel == Channel.EMAIL:
                message = email_message(done, sender, today, attachments=attachments)
                if test_to is not None:
                    _readdress(message, test_to)
            planned[id(item)] = _Planned(item, done, message)
    printed = [p.rendered for p in planned.values() if p.item.channel == Channel.POST]
    check_printable([r for r in printed if r is not None])
    return [planned[id(i)] for i in items]


def _readdress(message: EmailMessage, address: str) -> None:
    for header in ("To", "Cc", "Bcc", "Message-ID"):
        del message[header]
    message["To"] = address
    message["Message-ID"] = make_msgid(domain="campaign.test")  # not the real letter's id
    subject = message.get("Subject", "")
    del message["Subject"]
    message["Subject"] = f"[test] {subject}"


# -- the run ---------------------------------------------------------------------------


def plan_run(store: Store, settings: Settings, today: date, request: SendRequest) -> SendSummary:
    """A dry run: what a run would send to whom, every letter rendered; records nothing."""
    summary = SendSummary(
        today, iso_week(today), settings.schedule.weekly_cap, request.letter, dry_run=True
    )
    adoptable = _adoptable(store, settings)
    summary.adopted_packs = adoptable
    summary.adopted = [i for _, items in adoptable for i in items]
    skip = frozenset(i.send_id for i in summary.adopted if i.send_id is not None)
    items = _plan(store, settings, today, request, summary, skip)
    _render(settings, today, items, store=store)
    summary.cap_used = store.cap_used(summary.week)
    summary.recovered = [
        Item(store.get_prospect(s.prospect_id), s.letter, s.channel, s.id, INTERRUPTED)
        for s in store.list_sends([SendState.TRANSMITTING])
    ]
    for item in items:
        (summary.emailed if item.channel == Channel.EMAIL else summary.printed).append(item)
    return summary


def send_run(
    store: Store,
    settings: Settings,
    today: date,
    request: SendRequest,
    *,
    connect: Callable[[], Mailer],
    lock: RunLock,
    track: Track | None = None,
    clock: Callable[[], datetime] | None = None,
) -> SendSummary:
    """The weekly send run (see the module docstring); ``connect`` opens the one SMTP connection.

    ``clock`` gives the moment of sending (each email's Date), in the sender's time zone.
    """
    sender = settings.require_sender(to_send=True)
    if settings.smtp is not None:
        check_sender_address(sender.email, str(settings.config_path or "campaign.toml"))
    if request.letter == COVER:
        require_resume(settings)
    store.acquire_lock(pid=lock.pid, host=lock.host, now=lock.now, alive=lock.alive)
    try:
        return _run(store, settings, today, request, connect, track, clock)
    finally:
        # A database lost mid-run can't take the lock back; the next run takes it over.
        with contextlib.suppress(StoreError):
            store.release_lock(pid=lock.pid, host=lock.host)


def _run(
    store: Store,
    settings: Settings,
    today: date,
    request: SendRequest,
    connect: Callable[[], Mailer],
    track: Track | None,
    clock: Callable[[], datetime] | None = None,
) -> SendSummary:
    summary = SendSummary(today, iso_week(today), settings.schedule.weekly_cap, request.letter)
    for send in store.recover_interrupted(INTERRUPTED):
        prospect = store.get_prospect(send.prospect_id)
        summary.recovered.append(Item(prospect, send.letter, send.channel, send.id, INTERRUPTED))
    calendar = BusinessCalendar(settings.country)
    _adopt_packs(store, settings, calendar, summary)
    items = _plan(store, settings, today, request, summary)
    planned = _render(settings, today, items, track=track, store=store)
    load = CallLoad.read(store, calendar, settings.schedule.calls_per_day, today)
    emails = [p for p in planned if p.item.channel == Channel.EMAIL]
    posts = [p for p in planned if p.item.channel == Channel.POST]
    if posts:
        ensure_writable(settings.output_dir)  # a read-only output/ claims nothing
    mailer = connect() if emails else None
    try:
        claims = [
            Claim(
                i.prospect.id,
                i.letter,
                i.channel,
                i.send_id,
                address=mailbox(i.prospect.email) if i.prospect.email else "",
                promised_on=_promise(p),
            )
            for i, p in zip(items, planned, strict=True)
        ]
        cap = None if request.no_cap else settings.schedule.weekly_cap
        rows = ledger.claim(
            store, claims, week=summary.week, today=today, run_id=uuid.uuid4().hex, cap=cap
        )
        for plan, row in zip(planned, rows, strict=True):
            plan.item = _with(plan.item, send_id=row.id)
        if posts:
            try:
                _print(store, settings, today, posts, (calendar, load), summary)
            except CampaignError as exc:
                if summary.pack is None:
                    # No pack, no printed letter, no email yet: no claim of the run stands.
                    _release(store, planned)
                    raise
                if not isinstance(exc, StoreError):
                    raise
                # The pack is in place but the database failed: the next run adopts it.
                summary.stop = StoreError(
                    f"{exc}; the run stopped with the print pack {summary.pack} written, "
                    "before any email: the next run records its letters as printed"
                )
                return summary
        if mailer is not None:
            stamp_emails(store, settings, emails, clock)
            _email(store, settings, today, emails, mailer, (calendar, load), summary, track)
    finally:
        if mailer is not None:
            mailer.close()
    if isinstance(summary.stop, StoreError):
        return summary  # nothing more can be read
    summary.cap_used = store.cap_used(summary.week)
    left = select_batch(
        store, "all", request.letter, today, settings.schedule.weekly_cap, settings=settings
    )
    summary.waiting = left.waiting
    summary.next_wave = next_week_start(today)
    return summary


def _release(store: Store, plans: Sequence[_Planned]) -> int:
    """This run's claims in ``plans`` back to waiting; how many."""
    ledger.release(store, [(p.item.send_id, p.item.prior) for p in plans if p.item.send_id])
    return len(plans)


def _adoptable(store: Store, settings: Settings) -> list[tuple[Path, list[Item]]]:
    """The complete print packs a stopped run left for its claims, with their letters
    (for a dry run: what ``_adopt_packs`` would do; nothing is changed)."""
    found = []
    for pack, rows in store.claimed_packs().items():
        folder = Path(pack) if Path(pack).is_absolute() else settings.home / pack
        if _holds(folder, rows):
            items = [
                Item(
                    store.get_prospect(r.prospect_id), r.letter, r.channel, r.id, due=r.promised_on
                )
                for r in rows
            ]
            found.append((folder, items))
    return found


def _adopt_packs(
    store: Store, settings: Settings, calendar: BusinessCalendar, summary: SendSummary
) -> None:
    """Printed letters a stopped run claimed and assigned a pack become SENT when that pack
    is complete (it is renamed into place only then, so whole); a partial one is removed
    and its letters are planned again like any claim left behind."""
    for pack, rows in store.claimed_packs().items():
        folder = Path(pack) if Path(pack).is_absolute() else settings.home / pack
        if not _holds(folder, rows):
            remove_tree(partial_twin(folder))
            store.assign_pack([r.id for r in rows], "")
            continue
        ups = ledger.mark_printed(
            store,
            [r.id for r in rows],
            sent_on=rows[0].claimed_on,
            pack=pack,
            schedule=settings.schedule,
            calendar=calendar,
            promised={r.id: r.promised_on for r in rows if r.promised_on},
        )
        adopted = [
            Item(store.get_prospect(row.prospect_id), row.letter, row.channel, row.id, due=up.due)
            for row, up in zip(rows, ups, strict=True)
        ]
        summary.adopted_packs.append((folder, adopted))
        summary.adopted.extend(adopted)


def _holds(folder: Path, rows: Sequence[Send]) -> bool:
    """Whether ``folder`` is a complete print pack of exactly these letters."""
    try:
        if not all((folder / name).is_file() for name in ("letters.pdf", "envelopes.pdf")):
            return False
        with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
            listed = sorted(row["prospect_id"] for row in csv.DictReader(handle))
    except (OSError, csv.Error, KeyError, UnicodeDecodeError):
        return False
    return listed == sorted(str(r.prospect_id) for r in rows)


def _with(item: Item, **changes: Any) -> Item:
    return replace(item, **changes)


def _print(
    store: Store,
    settings: Settings,
    today: date,
    posts: list[_Planned],
    calls: tuple[BusinessCalendar, CallLoad],
    summary: SendSummary,
) -> None:
    ids = [p.item.send_id for p in posts if p.item.send_id is not None]
    final = free_run_folder(settings.output_dir, f"print-pack-{summary.week}", today)
    where = _relative(final, settings.home)
    # Recorded before a byte is written: a rerun after a kill finds the pack, whole or not.
    store.assign_pack(ids, where)
    letters = [p.rendered for p in posts if p.rendered is not None]
    resume = check_resume(settings, COVER)
    with staged_folder(final) as building:
        pack = write_print_pack(letters, building, resume)
    summary.pack = final  # in place: from here on, these letters are printed
    files = (pack.letters_pdf, pack.envelopes_pdf, pack.labels_pdf, pack.manifest_csv)
    summary.pack_files = tuple(Path(f).name for f in files if f)
    ups = ledger.mark_printed(
        store,
        ids,
        sent_on=today,
        pack=where,
        schedule=settings.schedule,
        calendar=calls[0],
        load=calls[1],
        promised={p.item.send_id: d for p in posts if p.item.send_id and (d := _promise(p))},
    )
    for plan, up in zip(posts, ups, strict=True):
        summary.printed.append(_with(plan.item, due=up.due))


def _email(
    store: Store,
    settings: Settings,
    today: date,
    emails: list[_Planned],
    mailer: Mailer,
    calls: tuple[BusinessCalendar, CallLoad],
    summary: SendSummary,
    track: Track | None,
) -> None:
    connected = True
    sequence: Iterable[_Planned] = track(emails, "Sending") if track else emails
    for index, plan in enumerate(sequence):
        item = plan.item
        assert item.send_id is not None and plan.message is not None
        if not connected:
            reason = "not attempted: the connection to the server was lost"
            store.mark_deferred(item.send_id, reason)
            summary.deferred.append(_with(item, detail=reason))
            continue
        message_id = str(plan.message.get("Message-ID", ""))
        delivery: Delivery | None = None
        try:
            store.mark_transmitting(item.send_id, message_id)
            delivery = mailer.send(plan.message)
            connected = delivery.connected
            if delivery.stop:
                waiting = _release(store, emails[index:])
                summary.stop = DeliveryError(
                    f"{delivery.detail}; the run stopped: {waiting} "
                    f"{'letter waits' if waiting == 1 else 'letters wait'} for the next "
                    "`campaign send` (none was marked failed)"
                )
                return
            _record(store, settings, today, plan, delivery, calls, summary)
        except StoreError as exc:
            sent = delivery is not None and delivery.state == SendState.SENT
            if sent:
                summary.emailed.append(_with(item, detail="sent, but not recorded"))
            summary.stop = StoreError(
                f"{exc}; the run stopped after {len(summary.emailed)} "
                f"{'email' if len(summary.emailed) == 1 else 'emails'} went out (see above)"
                + ("; the last is in doubt until the next run" if sent else "")
            )
            return


def _record(
    store: Store,
    settings: Settings,
    today: date,
    plan: _Planned,
    delivery: Delivery,
    calls: tuple[BusinessCalendar, CallLoad],
    summary: SendSummary,
) -> None:
    """What the server said of one email, into the ledger and the summary."""
    item = plan.item
    assert item.send_id is not None
    if delivery.state == SendState.SENT:
        up: FollowUp = ledger.mark_sent(
            store,
            item.send_id,
            sent_on=today,
            schedule=settings.schedule,
            calendar=calls[0],
            message_id=str(plan.message.get("Message-ID", "")) if plan.message else "",
            load=calls[1],
            promised=_promise(plan),
        )
        summary.emailed.append(_with(item, due=up.due, detail=delivery.detail))
    else:
        state = ledger.mark_undelivered(store, item.send_id, delivery.state, delivery.detail)
        undelivered_list(summary, state).append(_with(item, detail=delivery.detail))


def stamp_emails(
    store: Store,
    settings: Settings,
    emails: Sequence[_Planned],
    clock: Callable[[], datetime] | None,
) -> None:
    """Each claimed email's Message-ID (the ledger's, or a new random one), Date, thread.

    A retry goes with the Message-ID its first attempt had (kept when it was transmitted),
    so the recipient's systems know it for the same message; a letter that follows an
    earlier email to the same person answers it (In-Reply-To, References).
    """
    sender = settings.require_sender()
    rows = {s.id: s for s in store.list_sends()}
    earlier: dict[int, list[Send]] = {}
    for row in sorted(rows.values(), key=lambda r: (r.sent_on or r.claimed_on, r.id)):
        gone = row.state in (SendState.SENT, SendState.UNKNOWN, SendState.BOUNCED)
        if row.channel == Channel.EMAIL and gone and row.message_id and not row.is_thank_you:
            earlier.setdefault(row.prospect_id, []).append(row)
    for plan in emails:
        if plan.message is None or plan.item.send_id is None:
            continue
        claimed = rows.get(plan.item.send_id)
        ident = claimed.message_id if claimed is not None and claimed.message_id else None
        follows = [
            s.message_id
            for s in earlier.get(plan.item.prospect.id, [])
            if s.id != plan.item.send_id
        ]
        stamp(
            plan.message,
            ident=ident or message_id(plan.item.letter, sender.email),
            when=clock() if clock is not None else None,
            follows=follows,
        )


def _promise(plan: _Planned) -> date | None:
    # The letter names the day of the follow-up call; the call must fall on it.
    return plan.rendered.call_date if plan.rendered is not None else None


def _relative(path: Path, home: Path) -> str:
    try:
        return str(path.resolve().relative_to(home.resolve()))
    except ValueError:
        return str(path)


# -- the other things `campaign send` does ---------------------------------------------


def send_test(
    store: Store,
    settings: Settings,
    today: date,
    request: SendRequest,
    address: str,
    connect: Callable[[], Mailer],
) -> tuple[Prospect, str]:
    """Send one rendered sample of the next letter to ``address``; records nothing."""
    if settings.smtp is None:
        raise InputError(f"{arg('test_to')} needs an [smtp] section in campaign.toml")
    if address.count("@") != 1 or any(c in address for c in " ,;<>\r\n"):
        raise InputError(f"{arg('test_to')} {address!r} is not one email address")
    valid, why = check_email(address)
    if not valid:
        raise InputError(f"{arg('test_to')} {address!r} is not an email address: {why}")
    sender = settings.require_sender()
    check_sender_address(sender.email, str(settings.config_path or "campaign.toml"))
    batch = select_batch(store, "all", request.letter, today, settings.schedule.weekly_cap)
    prospect = next((p for p in batch.prospects if p.email), None)
    if prospect is None:
        raise InputError(
            f"no prospect waiting for the {request.letter} letter has an email address "
            "to make a sample from"
        )
    item = Item(prospect, request.letter, Channel.EMAIL)
    (plan,) = _render(settings, today, [item], test_to=address)
    assert plan.message is not None
    mailer = connect()
    try:
        delivery = mailer.send(plan.message)
    finally:
        mailer.close()
    if delivery.state != SendState.SENT:
        raise DeliveryError(f"the test message to {address} was not accepted: {delivery.detail}")
    return prospect, delivery.detail


def unlock(store: Store, me: RunLock, confirm: Callable[[str], bool]) -> LockHolder | None:
    """Remove the send lock of a run that died; never the lock of a run still going.

    On this host a live holder is refused and a dead one's lock removed. A holder on
    another host can't be seen from here: ``confirm`` is asked, saying how to check.
    Returns the holder removed (None: no lock was held).
    """
    if store.dialect == "postgresql":
        # The database knows whether the holder lives: its lock ends with its connection.
        return store.break_lock()
    holder = store.lock_holder()
    if holder is None:
        return None
    since = f"{holder.acquired_at:%Y-%m-%d %H:%M:%S}"
    if holder.host == me.host:
        if holder.pid != me.pid and me.alive(holder.pid):
            raise RunInProgress(
                f"the send run holding the lock is still running (pid {holder.pid} on this "
                f"host since {since}); let it finish, or stop it first"
            )
    elif not confirm(
        f"The send lock is held by pid {holder.pid} on host {holder.host} since {since}. "
        f"This computer can't see that host's processes: check on {holder.host} that it is "
        f"no longer running (`ps -p {holder.pid}` there shows nothing). Remove the lock?"
    ):
        raise InputError(f"the lock of pid {holder.pid} on {holder.host} was left in place")
    return store.break_lock(holder=holder)


def settle(
    store: Store, settings: Settings, send_id: int, *, sent: bool
) -> tuple[Send, FollowUp | None]:
    """Settle a send in doubt: it arrived (SENT, with its call) or not (the next run sends it)."""
    send = store.get_send(send_id)
    if send.state != SendState.UNKNOWN:
        raise InputError(f"send {send_id} is {send.state}, not in doubt; nothing to settle")
    if sent and send.is_thank_you:  # it arrived: the task is done; a thank-you brings no call
        ledger.thank_you_sent(store, send_id, sent_on=send.claimed_on)
        return store.get_send(send_id), None
    if sent:
        up = ledger.settle_sent(
            store,
            send_id,
            schedule=settings.schedule,
            calendar=BusinessCalendar(settings.country),
        )
        return store.get_send(send_id), up
    store.settle_not_sent(send_id, "settled as not sent: the next run sends it")
    return store.get_send(send_id), None


def describe(items: Iterable[Item], with_send: bool = False) -> Iterator[str]:
    """One line per item: company, contact, address, the prospect id (and the send's)."""
    for item in items:
        p = item.prospect
        place = ", ".join(x for x in (p.city, p.region) if x)
        where = f" <{p.email}>" if item.channel == Channel.EMAIL else f", by post to {place}"
        send = f", send {item.send_id}" if with_send and item.send_id is not None else ""
        yield f"{p.company} - {p.contact}{where} (prospect {p.id}{send})"
