"""The plain data the store hands out: frozen dataclasses, no SQL, no sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Prospect.status
ACTIVE = "active"  # being prospected: letters and calls
INTERVIEW = "interview"  # a meeting was agreed: interview follow-up instead of prospecting
DECLINED = "declined"  # not interested: no more letters or calls unless reopened
OFFER = "offer"  # made an offer: the follow-up is over, the hire is not (yet)
HIRED = "hired"  # the campaign did its job
CLOSED = "closed"  # stopped for another reason (e.g. an offer elsewhere)
PROSPECT_STATUSES = (ACTIVE, INTERVIEW, DECLINED, OFFER, HIRED, CLOSED)
# Nothing more is scheduled for these: their open tasks were all closed.
FINISHED_STATUSES = (DECLINED, OFFER, HIRED, CLOSED)
# `campaign reopen` is for a company that said no (or was set aside) and is in touch again.
REOPENABLE_STATUSES = (DECLINED, CLOSED)


# Send.state: an outbox. A row is claimed (committed) before its message is
# transmitted, and marked sent (with its follow-up call) after the server's 250.
CLAIMED = "claimed"  # taken by a run, not yet handed to the server: safe to deliver
TRANSMITTING = "transmitting"  # being handed to the server right now
SENT = "sent"
DEFERRED = "deferred"  # 4xx: the next run retries it
FAILED = "failed"  # 5xx: never retried automatically
UNKNOWN = "unknown"  # in doubt: may or may not have arrived; never resent automatically
SEND_STATES = (CLAIMED, TRANSMITTING, SENT, DEFERRED, FAILED, UNKNOWN)
# States that use up a slot of the weekly cap (a failed delivery does not).
CAP_STATES = (CLAIMED, TRANSMITTING, SENT, DEFERRED, UNKNOWN)

EMAIL = "email"
POST = "post"

# Task.state
OPEN = "open"
DONE = "done"
CANCELLED = "cancelled"


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
    status: str = ACTIVE
    gatekeeper: str = ""
    referred_by: int | None = None
    created_on: date | None = None
    updated_on: date | None = None

    @property
    def has_postal_address(self) -> bool:
        """Enough of an address for the post office to deliver a letter."""
        return bool(self.street and self.city and (self.postal_code or self.region))

    @property
    def address_lines(self) -> list[str]:
        """The inside-address lines below name, title and company."""
        lines = [line for line in (self.street, self.street2) if line]
        place = " ".join(p for p in (self.region, self.postal_code) if p)
        last = ", ".join(p for p in (self.city, place) if p)
        if last:
            lines.append(last)
        if self.country and self.country.upper() not in ("US", "USA", "UNITED STATES"):
            lines.append(self.country)
        return lines


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


@dataclass(frozen=True)
class Task:
    """Something the job seeker must do on a day: a call, an email, a note to write."""

    id: int
    kind: str
    due: date
    state: str = OPEN
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
    kind: str  # "interviewer" | "network"
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
