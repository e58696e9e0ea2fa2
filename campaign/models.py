"""The campaign's vocabulary and the plain data its stages pass: no SQL, no I/O, no rules.

Every state, channel, task kind and outcome is spelled once, as a ``StrEnum`` here (their
values are what the database and JSON hold). The records the store hands out, the views
it reads for the call sheet, agenda and status, and the plans the domain hands down to be
written are frozen dataclasses here too, so that no stage imports another for a type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

# -- vocabulary ------------------------------------------------------------------------


class ProspectStatus(StrEnum):
    """Where a prospect stands."""

    ACTIVE = "active"  # being prospected: letters and calls
    INTERVIEW = "interview"  # a meeting was agreed: interview follow-up instead of prospecting
    DECLINED = "declined"  # not interested: no more letters or calls unless reopened
    OFFER = "offer"  # made an offer: the follow-up is over, the hire is not (yet)
    HIRED = "hired"  # the campaign did its job
    CLOSED = "closed"  # stopped for another reason (e.g. an offer elsewhere)


# Nothing more is scheduled for these: their open tasks were all closed.
FINISHED_STATUSES = (
    ProspectStatus.DECLINED,
    ProspectStatus.OFFER,
    ProspectStatus.HIRED,
    ProspectStatus.CLOSED,
)
# `campaign reopen` is for a company that said no (or was set aside) and is in touch again.
REOPENABLE_STATUSES = (ProspectStatus.DECLINED, ProspectStatus.CLOSED)
# Still being followed up: letters, calls, meetings.
LIVE_STATUSES = (ProspectStatus.ACTIVE, ProspectStatus.INTERVIEW)


class SendState(StrEnum):
    """A ledger row's state: an outbox that never sends twice.

    A row is claimed (committed) before its message is transmitted, and marked sent
    (with its follow-up call) after the server's 250.
    """

    CLAIMED = "claimed"  # taken by a run, not yet handed to the server: safe to deliver
    TRANSMITTING = "transmitting"  # being handed to the server right now
    SENT = "sent"
    DEFERRED = "deferred"  # 4xx: the next run retries it
    FAILED = "failed"  # 5xx: never retried automatically
    UNKNOWN = "unknown"  # in doubt: may or may not have arrived; never resent automatically
    # The server took the email, then a bounce said the address is bad (5.x.x): the next
    # run prints the letter where there is a postal address; else it waits for a new one.
    BOUNCED = "bounced"


# States that use up a slot of the weekly cap (a failed delivery does not).
CAP_STATES = (
    SendState.CLAIMED,
    SendState.TRANSMITTING,
    SendState.SENT,
    SendState.DEFERRED,
    SendState.UNKNOWN,
    SendState.BOUNCED,  # it went out that week; the letter printed instead takes no second slot
)
# Rows a run may claim again: waiting, refused or in doubt.
RETRYABLE_STATES = (
    SendState.CLAIMED,
    SendState.DEFERRED,
    SendState.FAILED,
    SendState.UNKNOWN,
    SendState.BOUNCED,  # printed instead, or emailed to the corrected address
)
# Ledger states that need the user: in doubt, failed, or waiting for the next run.
ATTENTION_STATES = (SendState.UNKNOWN, SendState.FAILED, SendState.DEFERRED, SendState.CLAIMED)


class Channel(StrEnum):
    """How a letter travels."""

    EMAIL = "email"
    POST = "post"


class TaskKind(StrEnum):
    """What the job seeker must do on a day."""

    CALL = "call"  # a prospecting follow-up call to a hiring authority
    STATUS_CALL = "status_call"  # after a meeting: follows up the meeting, not the letter
    CONTACT_CALL = "contact_call"  # a catch-up call to a networking contact
    THANK_YOU_EMAIL = "thank_you_email"
    NOTE = "note"  # a handwritten thank-you note
    # "find a mailing address or email / phone number for X at Company"; its detail says
    # what is missing: {"need": "address"} or {"need": "phone"}.
    RESEARCH = "research"
    # A send run's print pack to take to the post office (one task per pack; printed
    # letters of a campaign written before these tasks are listed from the ledger).
    POST_LETTER = "post_letter"
    MEETING = "meeting"  # a meeting agreed for a later day (``detail["at"]``: "10:00")
    ANSWER_OFFER = "answer_offer"  # an offer to accept or decline by its deadline
    WITHDRAW = "withdraw"  # hired elsewhere: withdraw politely from an interview process
    SHARE_NEWS = "share_news"  # hired: tell a networking contact the news and thank them


# Follow-up calls to a prospect: at most one open per prospect, and they share the daily cap.
CALL_KINDS = (TaskKind.CALL, TaskKind.STATUS_CALL)


class TaskState(StrEnum):
    """A task's life."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Outcome(StrEnum):
    """What came of a call (``campaign log --outcome``)."""

    REACHED = "reached"
    VOICEMAIL = "voicemail"
    NO_ANSWER = "no-answer"
    GATEKEEPER = "gatekeeper"
    MEETING = "meeting"
    DECLINED = "declined"
    HIRED = "hired"
    OFFER = "offer"  # interview stage: an offer closes everything for that company


UNANSWERED = (Outcome.VOICEMAIL, Outcome.NO_ANSWER)
# Outcomes of a call on which the job seeker spoke with the hiring authority.
CONVERSATIONS = (
    Outcome.REACHED,
    Outcome.MEETING,
    Outcome.DECLINED,
    Outcome.HIRED,
    Outcome.OFFER,
)
# The hiring authority spoke to you and gave a name.
REFERRAL_OUTCOMES = (Outcome.REACHED, Outcome.MEETING)
# An offer is not the end until it is accepted (hired) or falls through (declined).
AFTER_OFFER = (Outcome.HIRED, Outcome.DECLINED)


class Decision(StrEnum):
    """How an interview-stage company decided (``campaign done --decision``)."""

    OFFER = "offer"
    DECLINED = "declined"
    CLOSED = "closed"


# The status each decision gives the prospect.
DECISION_STATUS = {
    Decision.OFFER: ProspectStatus.OFFER,
    Decision.DECLINED: ProspectStatus.DECLINED,
    Decision.CLOSED: ProspectStatus.CLOSED,
}


class Cancel(StrEnum):
    """Which of a prospect's open tasks a call's outcome ends."""

    NOTHING = ""
    CALLS = "calls"  # the prospecting calls: a meeting takes over
    ALL = "all"  # everything: the company said no, or hired you


class StoryKind(StrEnum):
    """What an entry of a prospect's story (``campaign log ID``) is about."""

    LETTER = "letter"
    CALL = "call"
    MEETING = "meeting"
    PERSON = "person"  # someone met at a meeting
    TASK = "task"
    DECISION = "decision"  # the company's decision, or your answer to an offer


class ContactKind(StrEnum):
    """Who a contact is to the campaign."""

    INTERVIEWER = "interviewer"  # someone met at a meeting with a prospect's company
    NETWORK = "network"  # a networking contact, called every six weeks


MARKETING = "marketing"  # the default letter
COVER = "cover"  # the letter that goes with the resume
# A thank-you email in the sends ledger: its letter is "thank_you:TASK" (one per person met
# per meeting; the ledger's unique key stays one per prospect and letter), and its row
# names the task and the contact it thanks. It uses no slot of the weekly cap.
THANK_YOU = "thank_you"


class InboxKind(StrEnum):
    """What a message read from the inbox turned out to be (``campaign inbox``)."""

    REPLY = "reply"  # a person answered: the follow-up call becomes "answer their email"
    BOUNCE = "bounce"  # a permanent delivery failure (5.x.x): the send is bounced
    DELAY = "delay"  # a temporary one (4.x.x): noted, nothing changed
    AUTO_REPLY = "auto_reply"  # out of office and the like: not a reply
    REVIEW = "review"  # from a prospect's company domain only: listed, never applied


# -- what the store keeps ----------------------------------------------------------------

# A postal address the post office can deliver to: a field of every group is filled
# (street, city, and a zip or a state). The one rule: ``Prospect.has_postal_address``
# and the store's SQL (``store.views``) are both built from it.
POSTAL_RULE: tuple[tuple[str, ...], ...] = (("street",), ("city",), ("postal_code", "region"))


def has_postal_address(values: Mapping[str, Any]) -> bool:
    """``POSTAL_RULE`` on a record (a dict as import makes it, or a stored row)."""
    return all(any(str(values.get(n) or "").strip() for n in group) for group in POSTAL_RULE)


def needs_address(values: Mapping[str, Any]) -> bool:
    """No email and no complete postal address: no letter can reach them yet."""
    return not str(values.get("email") or "").strip() and not has_postal_address(values)


@dataclass(frozen=True)
class Prospect:
    """An employer and the person there with the power to hire."""

    id: int
    company: str
    contact: str
    honorific: str = ""
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    suffix: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    priority: int | None = None
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    source_file: str = ""
    source_row: int = 0
    seq: int = 0
    status: str = ProspectStatus.ACTIVE
    gatekeeper: str = ""
    referred_by: int | None = None
    created_on: date | None = None
    updated_on: date | None = None
    undeliverable: str = ""  # an address of theirs that bounced (5.x.x)

    @property
    def can_email(self) -> bool:
        """They have an email address that has not bounced (a corrected one counts again)."""
        return bool(self.email) and self.email.casefold() != self.undeliverable.casefold()

    @property
    def has_postal_address(self) -> bool:
        """Enough of an address for the post office to deliver a letter (``POSTAL_RULE``)."""
        return has_postal_address(vars(self))

    @property
    def needs_address(self) -> bool:
        """No way to reach them yet: no email and no complete postal address.

        Such a prospect is kept (import does not reject it) but is in no wave until
        ``campaign edit`` or a later list gives it one; a research task asks for it.
        """
        return needs_address(vars(self))


@dataclass(frozen=True)
class Send:
    """One letter to one prospect: the ledger's row (unique per prospect and letter)."""

    id: int
    prospect_id: int
    letter: str
    channel: str
    state: str
    week: str
    claimed_on: date
    sent_on: date | None = None
    attempts: int = 0
    last_error: str = ""
    message_id: str = ""
    pack: str = ""
    task_id: int | None = None  # a thank-you email: the task it carries out
    contact_id: int | None = None  # ... and the person met it thanks
    address: str = ""  # the recipient's mailbox (``people.mailbox``), "" without an email
    promised_on: date | None = None  # the first call's day the letter names

    @property
    def is_thank_you(self) -> bool:
        """A thank-you email after a meeting, not a letter of the campaign."""
        return self.task_id is not None


@dataclass(frozen=True)
class Task:
    """Something the job seeker must do on a day: a call, an email, a note to write."""

    id: int
    kind: str
    due: date
    state: str = TaskState.OPEN
    prospect_id: int | None = None
    contact_id: int | None = None
    send_id: int | None = None
    meeting_id: int | None = None
    attempt: int = 1
    reason: str = ""
    note: str = ""
    sequence: int = 0
    uid: str = ""
    created_on: date | None = None
    closed_on: date | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def answering(self) -> bool:
        """A follow-up call that is now "answer their email": it goes first on every list."""
        return bool(self.detail.get(ANSWER))

    @property
    def urgency(self) -> int:
        """Lists sort by this first: 0 (an email to answer, an offer's deadline) before 1."""
        return 0 if self.answering else int(self.detail.get("urgency", 1))


# A call's detail key set while the prospect's email waits for an answer (``campaign inbox``).
ANSWER = "answer"


@dataclass(frozen=True)
class CallRecord:
    """A call the job seeker made and what came of it."""

    id: int
    prospect_id: int | None
    called_on: date
    outcome: str
    attempt: int = 1
    note: str = ""
    gatekeeper: str = ""
    callback: date | None = None
    task_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True)
class Contact:
    """A person who is not the prospect's hiring authority: an interviewer, a networking contact."""

    id: int
    name: str
    kind: str
    prospect_id: int | None = None
    honorific: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    interest: str = ""
    notes: str = ""
    referred_by: int | None = None
    created_on: date | None = None

    @property
    def display_name(self) -> str:
        """``Dr. Ada Okafor``: the honorific, whether or not the name was stored with it.

        A person met is stored as ``Ada Okafor`` with ``Dr.`` apart (their row is found
        by name); a referral keeps the list's ``Dr. Ada Okafor``. Both show the same.
        """
        first = self.name.split(maxsplit=1)[0].rstrip(".").casefold() if self.name else ""
        if not self.honorific or first == self.honorific.rstrip(".").casefold():
            return self.name
        return f"{self.honorific} {self.name}"


@dataclass(frozen=True)
class Meeting:
    """An interview or meeting with a prospect's company."""

    id: int
    prospect_id: int
    held_on: date
    note: str = ""
    next_steps: str = ""
    decision_by: date | None = None
    standing: str = ""
    objection: str = ""
    outcome: str = ""
    created_on: date | None = None


@dataclass(frozen=True)
class LockHolder:
    """Who holds a named lock, and since when."""

    pid: int
    host: str
    acquired_at: datetime


@dataclass(frozen=True)
class WindDown:
    """A hire closed the campaign: when, where, and what undoing it must restore.

    ``statuses`` maps each prospect the wind-down closed to the status it had;
    ``tasks`` are the open tasks it cancelled. ``resumed_on`` is set by a resume.
    """

    id: int
    prospect_id: int
    company: str
    hired_on: date
    statuses: dict[int, str] = field(default_factory=dict)
    tasks: tuple[int, ...] = ()
    made: tuple[int, ...] = ()  # the tasks it added: withdrawals, the news to share
    resumed_on: date | None = None


# -- what the store reads for the views ------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    """One call on the call sheet: the task, who to call, the letter it follows, the past."""

    task: Task
    prospect: Prospect
    send: Send | None
    history: tuple[CallRecord, ...]
    meeting: Meeting | None = None  # the meeting a status call follows up


@dataclass(frozen=True)
class AgendaRow:
    """An open task with whoever it is for."""

    task: Task
    prospect: Prospect | None
    contact: Contact | None


@dataclass(frozen=True)
class ProspectHistory:
    """Everything recorded about one prospect, read in one transaction (for its story)."""

    prospect: Prospect
    sends: list[Send]
    calls: list[CallRecord]
    meetings: list[Meeting]
    people: dict[int, list[Contact]]  # meeting id -> the people met there
    tasks: list[Task]  # every task about the prospect, its meetings or its interviewers


@dataclass(frozen=True)
class StoryEntry:
    """One dated line of a prospect's story: a letter, a call, a meeting, a task ..."""

    on: date
    kind: str  # a StoryKind
    text: str
    ref: str = ""  # how a command names it: "send 3", "T12", "meeting 2"


@dataclass(frozen=True)
class AttentionSend:
    """A ledger row that needs the user, with whom it was for."""

    id: int
    prospect_id: int
    letter: str
    state: str
    company: str
    last_error: str


@dataclass(frozen=True)
class DueCount:
    """Open tasks of one kind due on one day (on or before the day status looks at).

    A print pack to post is one ``post_letter`` task (one agenda row) holding
    ``letters``; a letter printed before packs became tasks is a row of its own.
    """

    kind: str
    due: date
    count: int
    letters: int = 0  # post_letter: the printed letters these tasks hold


@dataclass(frozen=True)
class StatusCallDone:
    """A status call closed with ``campaign done``: the day, and the decision it brought."""

    task_id: int
    prospect_id: int
    called_on: date
    decision: str  # "offer", "declined", ... or "" when no decision came yet


@dataclass(frozen=True)
class StatusFigures:
    """The store's side of ``campaign status``: counts only, no judgement."""

    by_status: dict[str, int] = field(default_factory=dict)
    sent_by_channel: dict[str, int] = field(default_factory=dict)
    cap_used: int = 0
    waiting: int = 0  # active prospects not yet sent the letter (whom a letter can reach)
    unreachable: int = 0  # ... and those no letter can reach (no address, no email to use)
    unreachable_ids: list[int] = field(default_factory=list)
    # live prospects with no email and no complete postal address (``Prospect.needs_address``)
    needs_address: int = 0
    needs_address_ids: list[int] = field(default_factory=list)
    # (id, contact, title) of live prospects: the domain tells who looks like HR
    people: list[tuple[int, str, str]] = field(default_factory=list)
    calls_by_outcome: dict[str, int] = field(default_factory=dict)
    status_calls_done: int = 0  # status calls closed with `campaign done` (not in the log)
    conversations: int = 0  # distinct prospects spoken with (on a call or at a meeting)
    meetings: int = 0  # distinct prospects met (or a meeting agreed on a call)
    offers: int = 0  # distinct prospects that made an offer (or hired)
    due: list[DueCount] = field(default_factory=list)
    attention_sends: list[AttentionSend] = field(default_factory=list)
    attention_counts: dict[str, int] = field(default_factory=dict)
    no_phone: int = 0
    no_phone_ids: list[int] = field(default_factory=list)
    no_contact: int = 0
    no_contact_ids: list[int] = field(default_factory=list)
    late_call_ids: list[int] = field(default_factory=list)  # prospects, oldest call first
    next_waiting_id: int | None = None  # the first prospect of the next wave


@dataclass(frozen=True)
class PaceFigures:
    """One campaign's pace, for a counsellor's list of them all: counts only, one query."""

    prospects: int = 0
    sent_this_week: int = 0  # sends using this week's cap, as status counts them
    calls_due: int = 0  # follow-up calls due today or before
    calls_overdue: int = 0  # ... of which due before today
    oldest_call_due: date | None = None  # the longest-waiting of those overdue
    meetings: int = 0  # as status: distinct prospects met (or a meeting agreed)
    offers: int = 0
    interviews_agreed: int = 0  # interview stage with no meeting recorded yet: one to come
    waiting: int = 0  # active prospects not yet sent the letter
    last_activity: date | None = None  # the latest send, call, meeting, import or change


@dataclass(frozen=True)
class ReportHistory:
    """Everything the report draws from, read in one transaction."""

    prospects: list[Prospect]
    sends: list[Send]
    calls: list[CallRecord]
    open_tasks: list[Task]
    meetings: list[Meeting]
    status_calls: list[StatusCallDone] = field(default_factory=list)


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


# -- a letter, rendered --------------------------------------------------------------------


class Run(NamedTuple):
    """A stretch of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


Paragraph = tuple[Run, ...]


@dataclass(frozen=True)
class Rendered:
    """One prospect's letter, rendered and checked: everything the writers need."""

    prospect: Prospect
    letter: str
    subject: str
    paragraphs: tuple[Paragraph, ...]  # salutation .. closing, with emphasis
    body_text: str  # the email's plain-text part, signature included
    body_html: str  # the email's HTML part, same words
    date_line: str  # "November 16, 2026"
    sender_lines: tuple[str, ...]  # letterhead / return address
    recipient_lines: tuple[str, ...]  # inside address / envelope
    signature: tuple[str, ...]  # typed below the closing
    channel: str  # "email" or "post": how a send run would deliver it
    call_date: date  # the day the letter promises a call
    position: int = 1  # running number in the batch
    docx_template: Path | None = None
    return_lines: tuple[str, ...] = ()  # the envelope's return address
    enclosures: tuple[str, ...] = ()  # printed below the signature: "Enclosure: Resume"
    label_lines: tuple[str, ...] = ()  # the address label (``addresses.label_lines``)
    context: Mapping[str, Any] = field(default_factory=dict, repr=False)  # plain values

    @property
    def text(self) -> str:
        """The letter's wording without emphasis marks (for tests and previews)."""
        return "\n\n".join("".join(r.text for r in p) for p in self.paragraphs)


# -- the ledger ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A delivery a run is about to make: a new ledger row, or (``send_id``) a retry of one."""

    prospect_id: int
    letter: str
    channel: str
    send_id: int | None = None
    task_id: int | None = None  # a thank-you email: its task and the person met
    contact_id: int | None = None
    address: str = ""  # the recipient's mailbox (``people.mailbox``): one letter per mailbox
    promised_on: date | None = None  # the first call's day the letter names


@dataclass(frozen=True)
class FollowUp:
    """The first call a send scheduled (``due`` is None when one was already open)."""

    send_id: int
    prospect_id: int
    due: date | None


# -- plans: what the domain decided, handed to the store to write ------------------------------


@dataclass(frozen=True)
class NextStep:
    """What a call's outcome leads to: a next call (or none), a new status, a suggestion."""

    outcome: str
    due: date | None = None  # the next call's day; None: no more prospecting calls
    attempt: int = 1
    reason: str = ""
    suggestion: str = ""
    status: str | None = None  # the prospect's new status, when it changes
    cancel: str = ""  # a Cancel: which of the prospect's open tasks this outcome ends
    exact: bool = False  # an agreed callback: the day holds even over the daily cap
    message: str = ""
    moved: str = ""  # why the call is not on the day asked for ("Sat 12 Dec ... is a weekend")
    # The day asked for before weekends, holidays and full days moved it (an agreed
    # callback, or a cadence's calendar day); None when ``due`` was counted in business days.
    asked: date | None = None


@dataclass(frozen=True)
class ReferralPlan:
    """What a referral heard on a call writes: the contact who gave it and the prospects given."""

    referrer: dict[str, Any]  # the networking contact's fields (the hiring authority)
    prospects: list[dict[str, Any]]  # records as import makes them, without a way to reach
    first_call: date  # the new contact's first catch-up call, before the daily cap
    reason: str
    source: str  # the new prospects' source_file


@dataclass(frozen=True)
class Referred:
    """What a referral wrote: the contact who gave it, and each prospect as (id, new?)."""

    contact: Contact
    contact_is_new: bool
    prospects: list[tuple[int, bool]]


@dataclass(frozen=True)
class Logged:
    """A logged call and the step it scheduled."""

    call: CallRecord
    step: NextStep
    task: Task | None  # the follow-up call now open, if any
    referred: Referred | None = None  # what a referral wrote, if one was given
    wound_down: WoundDown | None = None  # a hire: what the campaign's wind-down wrote


@dataclass(frozen=True)
class WoundDown:
    """What a hire's wind-down wrote: prospects closed, and the tasks that end the search."""

    wind_down: WindDown
    closed: int  # prospects no longer written to or called
    withdrawals: list[Task]  # interview processes (and offers) to withdraw from politely
    news: list[Task]  # networking contacts to tell the news and thank
    cancelled: int  # open tasks the wind-down cancelled


@dataclass(frozen=True)
class Resumed:
    """What undoing a wind-down restored."""

    wind_down: WindDown
    restored: int  # prospects back to the status they had
    reopened: int  # tasks open again
    cancelled: int  # wind-down tasks not done, cancelled
    withdrawn: list[int]  # prospects you withdrew from: they stay closed


@dataclass(frozen=True)
class Person:
    """Someone met at a meeting, with what the job seeker noted about them."""

    name: str
    honorific: str = ""
    first_name: str = ""
    last_name: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    interest: str = ""
    discussed: str = ""
    gift: str = ""
    objection: str = ""  # a concern this person raised
    answer: str = ""  # the job seeker's answer to it (or to the meeting's concern)

    @property
    def display(self) -> str:
        """``Ms. Ana Ruiz, VP Sales``."""
        named = " ".join(p for p in (self.honorific, self.name) if p)
        return f"{named}, {self.title}" if self.title else named

    @property
    def salutation(self) -> str:
        """``Ms. Ruiz`` when an honorific was given, else the first name (``Ana``).

        Without an honorific there is no title to guess, and a thank-you to someone
        you have just met by name reads naturally on first names ("Dear Ana,").
        """
        if self.honorific and self.last_name:
            return f"{self.honorific} {self.last_name}"
        return self.first_name or self.name


@dataclass(frozen=True)
class PlannedTask:
    """A task to write: ``person`` indexes MeetingPlan.people (None: the whole meeting)."""

    kind: str
    due: date
    reason: str
    person: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def is_call(self) -> bool:
        """Calls are placed under the daily call cap when written."""
        return self.kind in CALL_KINDS


@dataclass(frozen=True)
class MeetingPlan:
    """Everything recording a meeting will write."""

    prospect_id: int
    company: str
    held_on: date
    people: tuple[Person, ...]
    tasks: tuple[PlannedTask, ...]
    note: str = ""
    next_steps: str = ""
    decision_by: date | None = None
    standing: str = ""
    objection: str = ""
    referred_by: int | None = None
    second_meeting: tuple[str, ...] = ()  # whose notes propose a second meeting


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting agreed for a later day: its task on the agenda (moved, if planned before)."""

    company: str
    task: Task
    moved_from: date | None = None
    moved_from_at: str = ""


@dataclass(frozen=True)
class SavedMeeting:
    """What recording a meeting wrote: the meeting, the people (as contacts), the tasks."""

    meeting: Meeting
    people: list[Contact]
    tasks: list[Task]


# -- the inbox ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where reading a folder stopped: its UIDVALIDITY and the last UID read."""

    folder: str
    uidvalidity: int
    last_uid: int
    checked_on: date | None = None


@dataclass(frozen=True)
class InboxMessage:
    """A message of the inbox matched to the campaign, and what it changed (kept for good)."""

    id: int
    key: str  # its Message-ID, else a hash of its bytes: recorded once, however often read
    kind: str  # an InboxKind
    folder: str
    uid: int
    received: datetime | None  # its Date, in UTC
    sender: str
    subject: str
    matched_by: str  # "thread", "address" or "domain"
    prospect_id: int | None = None
    contact_id: int | None = None
    send_id: int | None = None
    change: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    found_on: date | None = None
