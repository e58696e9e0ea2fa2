"""``campaign inbox``: replies, bounces and auto-replies read from ``[imap]`` close the loop.

One run, in order:

1. connect and log in (a wrong password or a server that is down stops the run, exit 1,
   nothing read or changed);
2. each folder (``[imap] folders``, plus ``junk_folder``) is opened read-only; only mail
   after the folder's cursor (UIDVALIDITY + last UID) is fetched, with ``BODY.PEEK[]``; a
   folder never read, or whose UIDVALIDITY changed, is read from the day before the
   campaign's first send (a rescan: what was recorded already is not recorded again);
3. each message is classified (``campaign.bounces``) and matched, in order: ``In-Reply-To``
   / ``References`` naming a Message-ID the campaign sent; the sender is a prospect's or a
   contact's address; the sender's domain is a prospect's company domain (for review only,
   never applied). Mailing lists and mail that matches nothing are ignored, unrecorded;
4. in one unit of work, every match is recorded (date, sender, subject, what it changed)
   with the new cursors, and applied:

   * a reply from the prospect (or anyone at that company): the open follow-up call
     becomes "answer their email of 3 Dec", due today, first on every list;
   * a permanent bounce (5.x.x): the send is ``bounced`` with the reason, the address is
     marked undeliverable and the letter's call is dropped; the next send run prints the
     letter where there is a postal address (with its own call), else status asks for a
     new address. A thank-you that bounced goes back on the agenda;
   * a temporary one (4.x.x): noted, nothing changed;
   * an auto-reply with a return date: the call moves to the first business day after it.

``dry_run`` reads and reports but records nothing (the cursors stay where they were).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email.message import Message
from typing import Any

from campaign import bounces
from campaign.config import Imap, Settings
from campaign.errors import ConfigError, arg
from campaign.followup import answer_email, drop_call_of, wait_for_return
from campaign.imap import Mailbox
from campaign.models import (
    LIVE_STATUSES,
    Contact,
    Cursor,
    InboxKind,
    Prospect,
    ProspectStatus,
    Send,
    SendState,
)
from campaign.sending import RunLock
from campaign.store import Store, Transaction

INBOX_LOCK = "inbox"
# Mail providers whose domain says nothing about an employer.
FREEMAIL = frozenset(
    """gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
    icloud.com me.com mac.com aol.com gmx.de gmx.net gmx.com web.de t-online.de proton.me
    protonmail.com mail.com yandex.ru yandex.com zoho.com fastmail.com hey.com qq.com
    163.com orange.fr free.fr laposte.net libero.it wp.pl onet.pl o2.pl seznam.cz""".split()  # noqa: SIM905
)
RESCAN_MARGIN = timedelta(days=1)  # a rescan reads from the day before the first send


@dataclass(frozen=True)
class FolderRead:
    """What was read of one folder."""

    folder: str
    uidvalidity: int
    last_uid: int
    read: int  # messages fetched this run
    rescanned: bool = False  # its UIDVALIDITY changed: read again from the campaign's start
    first: bool = False  # never read before


@dataclass(frozen=True)
class Finding:
    """A message matched to the campaign: what it is, whom it is about, what it changed."""

    kind: str  # an InboxKind
    key: str
    folder: str
    uid: int
    received: datetime | None
    sender: str  # as the From header shows it: "Ana Lima <ana@acme.test>"
    address: str
    subject: str
    matched_by: str  # thread, address, domain
    prospect: Prospect | None = None
    contact: Contact | None = None
    send: Send | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    change: str = ""

    @property
    def day(self) -> date | None:
        """The day it was written."""
        return self.received.date() if self.received else None

    def as_json(self) -> dict[str, Any]:
        """One finding as JSON."""
        return {
            "kind": self.kind,
            "date": self.received.isoformat() if self.received else None,
            "sender": self.sender,
            "subject": self.subject,
            "matched_by": self.matched_by,
            "prospect_id": self.prospect.id if self.prospect else None,
            "company": self.prospect.company if self.prospect else "",
            "contact_id": self.contact.id if self.contact else None,
            "send_id": self.send.id if self.send else None,
            "change": self.change,
            "detail": self.detail,
            "folder": self.folder,
            "uid": self.uid,
            "message_id": self.key,
        }


@dataclass
class InboxReport:
    """What a run found and what it changed (or, dry, would change)."""

    today: date
    dry_run: bool = False
    folders: list[FolderRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    ignored: int = 0  # read, about nothing of the campaign (newsletters, other mail)
    already: int = 0  # recorded by an earlier run (a rescan, another folder)

    def of(self, kind: str) -> list[Finding]:
        """The findings of one kind, oldest first."""
        return [f for f in self.findings if f.kind == kind]

    @property
    def read(self) -> int:
        """Messages fetched this run, all folders."""
        return sum(f.read for f in self.folders)

    def as_json(self) -> dict[str, Any]:
        """The document of ``campaign inbox --format json``."""
        return {
            "dry_run": self.dry_run,
            "today": self.today,
            "folders": [
                {
                    "folder": f.folder,
                    "uidvalidity": f.uidvalidity,
                    "last_uid": f.last_uid,
                    "read": f.read,
                    "rescanned": f.rescanned,
                }
                for f in self.folders
            ],
            "replies": [f.as_json() for f in self.of(InboxKind.REPLY)],
            "bounces": [f.as_json() for f in self.of(InboxKind.BOUNCE)],
            "delays": [f.as_json() for f in self.of(InboxKind.DELAY)],
            "auto_replies": [f.as_json() for f in self.of(InboxKind.AUTO_REPLY)],
            "review": [f.as_json() for f in self.of(InboxKind.REVIEW)],
            "ignored": self.ignored,
            "already_recorded": self.already,
        }


def require_imap(settings: Settings) -> Imap:
    """``[imap]``, or a ConfigError saying how to add it."""
    if settings.imap is None:
        where = settings.config_path or (settings.home / "campaign.toml")
        raise ConfigError(
            f"{where}: no [imap] section; add host, user (and port, security) to read "
            "replies and bounces (`campaign init` writes a commented example)"
        )
    return settings.imap


def read_inbox(
    store: Store,
    settings: Settings,
    today: date,
    *,
    connect: Callable[[], Mailbox],
    lock: RunLock | None = None,
    dry_run: bool = False,
) -> InboxReport:
    """Read new mail, match it, and (unless ``dry_run``) record and apply it (module doc)."""
    imap = require_imap(settings)
    report = InboxReport(today, dry_run)
    if lock is not None and not dry_run:
        store.acquire_lock(
            pid=lock.pid, host=lock.host, now=lock.now, alive=lock.alive, name=INBOX_LOCK
        )
    try:
        mailbox = connect()
        try:
            fetched, cursors = _read(store, mailbox, imap.read_folders, report)
        finally:
            mailbox.close()
        _match(store, settings, fetched, report)
        if not dry_run:
            with store.transaction() as tx:
                report.findings = [_apply(tx, tx, settings, today, f) for f in report.findings]
                for cursor in cursors:
                    tx.save_cursor(cursor, today)
        else:
            report.findings = [_apply(None, store, settings, today, f) for f in report.findings]
    finally:
        if lock is not None and not dry_run:
            store.release_lock(pid=lock.pid, host=lock.host, name=INBOX_LOCK)
    return report


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Raw:
    folder: str
    uid: int
    data: bytes


def _read(
    store: Store, mailbox: Mailbox, folders: Iterable[str], report: InboxReport
) -> tuple[list[_Raw], list[Cursor]]:
    first_send = store.first_send_day()
    fetched: list[_Raw] = []
    cursors: list[Cursor] = []
    for name in folders:
        folder = mailbox.examine(name)
        cursor = store.cursor(name)
        fresh = cursor is None or cursor.uidvalidity != folder.uidvalidity
        if not fresh:
            assert cursor is not None
            uids = mailbox.uids(cursor.last_uid)
            last = cursor.last_uid
        elif first_send is None:
            uids, last = [], folder.uidnext - 1  # nothing sent yet: nothing can be about it
        else:
            uids, last = mailbox.uids(0, since=first_send - RESCAN_MARGIN), folder.uidnext - 1
        got = [_Raw(name, uid, data) for uid, data in mailbox.fetch(uids)]
        fetched += got
        last = max([last, *uids]) if uids else max(last, 0)
        cursors.append(Cursor(name, folder.uidvalidity, last))
        report.folders.append(
            FolderRead(
                name,
                folder.uidvalidity,
                last,
                len(got),
                rescanned=cursor is not None and fresh,
                first=cursor is None,
            )
        )
    return fetched, cursors


# -- matching --------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """What matching needs from the store, read once for the whole run."""

    sends: dict[str, Send]
    prospects: dict[str, list[Prospect]]
    contacts: dict[str, list[Contact]]
    domains: dict[str, list[int]]
    people: dict[int, Prospect]
    own: set[str]


def _match(store: Store, settings: Settings, fetched: list[_Raw], report: InboxReport) -> None:
    parsed = [(raw, bounces.parse(raw.data)) for raw in fetched]
    ids: set[str] = set()
    addresses: set[str] = set()
    for _, message in parsed:
        ids.update(bounces.thread_ids(message))
        ids.update(bounces.original_ids(message))
        addresses.add(bounces.sender(message)[1])
        found = bounces.bounce(message)
        if found is not None:
            addresses.update(f.address for f in found.failures)
    domains: dict[str, list[int]] = {}
    for prospect_id, email in store.prospect_emails():
        domain = email.rpartition("@")[2].casefold()
        if domain and domain not in FREEMAIL:
            domains.setdefault(domain, []).append(prospect_id)
    sends = store.sends_by_message_id(ids)
    by_email = store.prospects_by_email(addresses)
    contacts = store.contacts_by_email(addresses)
    wanted = {s.prospect_id for s in sends.values()}
    wanted |= {c.prospect_id for cs in contacts.values() for c in cs if c.prospect_id}
    sender = settings.sender.email.casefold() if settings.sender else ""
    lookups = _Lookups(
        sends, by_email, contacts, domains, store.prospects_by_id(wanted), {sender} - {""}
    )
    seen: set[str] = set()
    findings = []
    for raw, message in parsed:
        finding = _classify(raw, message, lookups, store, report.today)
        if finding is None:
            report.ignored += 1
        elif finding.key not in seen:
            seen.add(finding.key)
            findings.append(finding)
    known = store.known_message_keys(f.key for f in findings)
    report.already = sum(1 for f in findings if f.key in known)
    fresh = [f for f in findings if f.key not in known]
    never = datetime.min.replace(tzinfo=UTC)
    report.findings = sorted(fresh, key=lambda f: (f.received or never, f.folder, f.uid))


def _classify(
    raw: _Raw, message: Message, look: _Lookups, store: Store, today: date
) -> Finding | None:
    name, address = bounces.sender(message)
    if address in look.own:
        return None  # our own mail (a copy in Sent, a test to ourselves)
    received = bounces.written(message)
    base = Finding(
        kind=InboxKind.REPLY,
        key=bounces.key(message, raw.data),
        folder=raw.folder,
        uid=raw.uid,
        received=received.astimezone(UTC) if received else None,
        sender=f"{name} <{address}>" if name else address,
        address=address,
        subject=bounces.subject(message),
        matched_by="",
    )
    report = bounces.bounce(message)
    if report is not None:
        return _bounce_finding(report, look, store, base)
    if bounces.is_bulk(message):
        return None
    written_on = received.date() if received else today
    auto = bounces.auto_reply(message, written_on)
    kind = InboxKind.AUTO_REPLY if auto is not None else InboxKind.REPLY
    detail: dict[str, Any] = {}
    if auto is not None:
        detail = {"why": auto.why, "until": auto.until.isoformat() if auto.until else None}
    send = next((look.sends[i] for i in bounces.thread_ids(message) if i in look.sends), None)
    if send is not None:
        prospect = look.people.get(send.prospect_id) or store.get_prospect(send.prospect_id)
        return replace(
            base, kind=kind, matched_by="thread", prospect=prospect, send=send, detail=detail
        )
    prospects = look.prospects.get(address, [])
    contacts = look.contacts.get(address, [])
    if prospects or contacts:
        contact = contacts[0] if contacts else None
        whose = prospects[0] if prospects else None
        if whose is None and contact is not None and contact.prospect_id is not None:
            whose = look.people.get(contact.prospect_id)
        return replace(
            base, kind=kind, matched_by="address", prospect=whose, contact=contact, detail=detail
        )
    domain = address.rpartition("@")[2]
    same = _domain_prospects(domain, look.domains)
    if same and auto is None:
        prospect = store.get_prospect(same[0])
        return replace(
            base,
            kind=InboxKind.REVIEW,
            matched_by="domain",
            prospect=prospect,
            detail={"domain": domain, "prospect_ids": same[:10]},
        )
    return None


def _domain_prospects(domain: str, domains: dict[str, list[int]]) -> list[int]:
    if not domain or domain in FREEMAIL:
        return []
    found = list(domains.get(domain, []))
    for known, ids in domains.items():  # mail.acme.example writes for acme.example
        if domain.endswith("." + known):
            found += ids
    return sorted(set(found))


def _bounce_finding(
    report: bounces.Bounce, look: _Lookups, store: Store, base: Finding
) -> Finding | None:
    send = next((look.sends[i] for i in report.original_ids if i in look.sends), None)
    matched_by = "thread"
    failure = None
    if send is None:
        for f in report.failures:
            for prospect in look.prospects.get(f.address, []):
                sent = [s for s in store.email_sends(prospect.id) if not s.is_thank_you]
                if sent:
                    send, failure, matched_by = sent[-1], f, "address"
                    break
            if send is not None:
                break
    if send is None:
        return None  # a bounce of mail that is not the campaign's
    prospect = look.people.get(send.prospect_id) or store.get_prospect(send.prospect_id)
    if failure is None:
        mine = {prospect.email.casefold(), prospect.undeliverable.casefold()} - {""}
        if send.contact_id is not None:
            mine |= {c.email.casefold() for c in _contact(store, send.contact_id)}
        failure = next((f for f in report.failures if f.address in mine), report.failures[0])
    kind = InboxKind.BOUNCE if failure.permanent else InboxKind.DELAY
    detail = {"address": failure.address, "status": failure.status, "reason": failure.reason}
    return replace(
        base, kind=kind, matched_by=matched_by, prospect=prospect, send=send, detail=detail
    )


def _contact(store: Store, contact_id: int) -> list[Contact]:
    with contextlib.suppress(Exception):
        return [store.get_contact(contact_id)]
    return []


# -- applying --------------------------------------------------------------------------------


Reader = Store | Transaction


def _apply(
    tx: Transaction | None, reader: Reader, settings: Settings, today: date, f: Finding
) -> Finding:
    """What ``f`` changes, written in ``tx`` (None: a dry run, described from ``reader``)."""
    if f.kind == InboxKind.REPLY:
        change = _reply(tx, reader, today, f)
    elif f.kind == InboxKind.BOUNCE:
        change = _bounced(tx, reader, today, f)
    elif f.kind == InboxKind.DELAY:
        change = f"delivery delayed ({f.detail.get('status') or '4.x.x'}): noted, nothing changed"
    elif f.kind == InboxKind.AUTO_REPLY:
        change = _auto_reply(tx, reader, settings, f)
    else:
        change = "not applied: only its domain is a prospect's; read it and decide"
    done = replace(f, change=change)
    if tx is not None:
        tx.insert_inbox_message(
            key=f.key,
            kind=f.kind,
            folder=f.folder,
            uid=f.uid,
            received=f.received.replace(tzinfo=None) if f.received else None,
            sender=f.sender,
            subject=f.subject,
            matched_by=f.matched_by,
            found_on=today,
            prospect_id=f.prospect.id if f.prospect else None,
            contact_id=f.contact.id if f.contact else None,
            send_id=f.send.id if f.send else None,
            change=change,
            detail=f.detail,
        )
    return done


def _reply(tx: Transaction | None, reader: Reader, today: date, f: Finding) -> str:
    if f.prospect is None:
        who = f"networking contact {f.contact.id}" if f.contact else "no prospect"
        return f"recorded ({who}); nothing changed"
    prospect = reader.get_prospect(f.prospect.id)
    if prospect.status == ProspectStatus.INTERVIEW:
        return f"recorded; prospect {prospect.id} is in the interview stage: its follow-up goes on"
    if prospect.status != ProspectStatus.ACTIVE:
        return f"recorded; prospect {prospect.id} is {prospect.status}: nothing changed"
    written_on = f.day or today
    day = f"{written_on.day} {written_on:%b}"
    if tx is not None:
        about = {"date": written_on.isoformat(), "sender": f.sender, "subject": f.subject}
        answer_email(tx, prospect.id, written_on, today, about)
    return f'follow-up call is now "answer their email of {day}", due today; prospecting stops'


def _bounced(tx: Transaction | None, reader: Reader, today: date, f: Finding) -> str:
    send = f.send
    assert send is not None and f.prospect is not None
    current = reader.get_send(send.id)
    if current.state == SendState.BOUNCED:
        return f"send {send.id} had bounced already"
    if current.state not in (SendState.SENT, SendState.UNKNOWN):
        return f"send {send.id} is {current.state}: nothing changed"
    reason = f"bounced: {f.detail.get('reason', '')}".strip()
    prospect = reader.get_prospect(f.prospect.id)
    address = str(f.detail.get("address", "")).casefold()
    if tx is not None:
        tx.transition(send.id, (current.state,), SendState.BOUNCED, last_error=reason)
    if send.is_thank_you:
        if tx is not None and send.task_id is not None:
            tx.reopen_task(
                send.task_id, today, f"the thank-you email to {address} bounced: find their address"
            )
        return (
            f"send {send.id} bounced; the thank-you (task {send.task_id}) is back on the "
            "agenda for another address"
        )
    if tx is not None:
        tx.update_prospect(prospect.id, undeliverable=address, updated_on=today)
        drop_call_of(tx, send, today, f"the email bounced: {f.detail.get('status', '')}")
    if prospect.status == ProspectStatus.ACTIVE and prospect.has_postal_address:
        return (
            f"send {send.id} bounced; the next `campaign send` prints the letter "
            "(with its own call)"
        )
    return (
        f"send {send.id} bounced; prospect {prospect.id} needs a new address: "
        f"`campaign edit {prospect.id} {arg('email')} ...`"
    )


def _auto_reply(tx: Transaction | None, reader: Reader, settings: Settings, f: Finding) -> str:
    until = f.detail.get("until")
    if not until:
        return "an auto-reply with no return date: nothing changed"
    if f.prospect is None or f.prospect.status not in LIVE_STATUSES:
        return "an auto-reply: nothing to move"
    back = date.fromisoformat(until)
    task = reader.open_call(f.prospect.id)
    why = f"out of the office until {back:%a %d %b} (auto-reply of {_short(f.day)})"
    if task is None:
        return f"away until {back:%a %d %b}; no call to move"
    if tx is None:
        return f"the follow-up call (due {task.due:%a %d %b}) moves after {back:%a %d %b}"
    moved = wait_for_return(tx, settings, task, back, why)
    if moved is None:
        return f"away until {back:%a %d %b}; the call (due {task.due:%a %d %b}) stays"
    return f"follow-up call moved to {moved.due:%a %d %b %Y} (away until {back:%a %d %b})"


def _short(day: date | None) -> str:
    return f"{day.day} {day:%b}" if day else "?"
