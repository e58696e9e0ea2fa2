"""Correcting a prospect by hand (``campaign edit``), with the import's own checks.

An email is checked and stored as it is sent (``people.check_email``), a phone written as
people write it (``people.format_phone``), a priority read as import reads it. A blank is
never a value: clearing a field is asked for by name (``clear``). The email a letter is
on its way to, or in doubt at, is not changed under it: settle that send first. The old
address is remembered (who was mailed where). Supplying an email or a complete postal
address closes the prospect's research task; clearing the last one opens one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from campaign.addresses import country_code
from campaign.errors import InputError, arg
from campaign.intake.importing import IN_FLIGHT, close_research, open_research
from campaign.intake.known import Change, describe
from campaign.intake.rows import parse_priority, us_zip
from campaign.models import Channel, needs_address
from campaign.people import (
    cased,
    check_email,
    format_phone,
    hr_flag,
    identity,
    one_line,
    parse_name,
)
from campaign.store import Store

# What ``edit`` may set (also ``contact`` and ``company``), and what ``clear`` may empty.
RENAMES = ("company", "contact")
EDITABLE = (
    "email", "phone", "title", "priority", "street", "street2", "city", "region",
    "postal_code", "country", "gatekeeper", "notes", "honorific",
)  # fmt: skip
ONE_LINE = (*RENAMES, *(f for f in EDITABLE if f != "notes"))


@dataclass(frozen=True)
class Edited:
    """What an edit changed, and what followed from it."""

    prospect_id: int
    who: str
    changes: list[Change] = field(default_factory=list)
    research_closed: int = 0
    research_opened: int = 0
    flag: str = ""

    @property
    def line(self) -> str:
        """``#3 Acme (Ana Lima): phone: (312) 555-0110 -> (312) 555-0199``."""
        what = "; ".join(str(c) for c in self.changes) or "nothing changed"
        return f"#{self.prospect_id} {self.who}: {what}"


def check_values(
    values: Mapping[str, str | int | None], region: str, country: str = ""
) -> dict[str, Any]:
    """The values as import would store them; InputError naming the argument if one can't be."""
    checked: dict[str, Any] = {}
    for name, raw in values.items():
        if raw is None:
            continue
        text = str(raw)
        if name in ONE_LINE and any(c in text for c in "\r\n\x00\u2028\u2029"):
            raise InputError(f"{arg(name)} {text!r}: one line, please (no line breaks)")
        text = one_line(text) if name in ONE_LINE else text.strip()
        if not text:
            raise InputError(f"{arg(name)} is blank; to empty a field use {arg('clear')} {name}")
        if name == "email":
            email, why = check_email(text)
            if not email:
                raise InputError(f"{arg('email')} {text!r}: {why}")
            checked[name] = email
        elif name == "phone":
            origin = country_code(str(values.get("country") or country or ""))
            checked[name] = format_phone(text, region, origin)
        elif name == "priority":
            try:
                checked[name] = parse_priority(text)
            except ValueError:
                raise InputError(
                    f"{arg('priority')} {text!r}: a whole number >= 1 (1 = best) or high/medium/low"
                ) from None
        elif name == "contact":
            contact = cased(text)
            checked.update(parse_name(contact), contact=contact)
        elif name == "postal_code":
            checked[name] = us_zip(text, str(values.get("country") or country or region))
        else:
            checked[name] = text
    return checked


def edit_prospect(
    store: Store,
    prospect_id: int,
    today: date,
    *,
    values: Mapping[str, str | int | None],
    clear: Sequence[str] = (),
    region: str = "US",
) -> Edited:
    """Change a prospect's fields (``values``) and empty others (``clear``), checked first."""
    for name in clear:
        if name not in EDITABLE:
            raise InputError(
                f"{arg('clear')} {name!r}: not a field edit can empty; use one of "
                f"{', '.join(EDITABLE)}"
            )
        if values.get(name) is not None:
            raise InputError(f"{arg(name)} and {arg('clear')} {name}: choose one")
    with store.transaction() as tx:
        prospect = tx.get_prospect(prospect_id)
        old = vars(prospect)
        wanted = check_values(values, region, prospect.country)
        for name in clear:
            wanted[name] = None if name == "priority" else ""
        who = f"{prospect.company} ({prospect.contact})"
        if "contact" in wanted and not wanted.get("honorific") and prospect.honorific:
            # A name typed without its honorific keeps the one known ("Mr." stays).
            wanted["honorific"] = prospect.honorific
        changes = {k: v for k, v in wanted.items() if old.get(k) != v}
        if "email" in changes:
            _check_email_change(tx, prospect_id, prospect.email, changes["email"])
        if not changes:
            return Edited(prospect_id, who)
        after = {**old, **changes}
        tx.update_prospect(prospect_id, **changes, identity=identity(after), updated_on=today)
        if "email" in changes and prospect.email:
            tx.add_former_email(prospect_id, prospect.email, today)
        closed = opened = 0
        if prospect.needs_address and not needs_address(after):
            closed = close_research(tx, prospect_id, today, "found: campaign edit")
        elif needs_address(after) and not prospect.needs_address:
            open_research(tx, prospect_id, after, today)
            opened = 1
    return Edited(
        prospect_id,
        who,
        describe(old, changes),
        research_closed=closed,
        research_opened=opened,
        flag=hr_flag(str(after["contact"]), str(after["title"]))
        if {"title", "contact"} & set(changes)
        else "",
    )


def _check_email_change(tx: Any, prospect_id: int, current: str, new: str) -> None:
    for send in tx.sends_of(prospect_id):
        if send.channel == Channel.EMAIL and send.state in IN_FLIGHT:
            raise InputError(
                f"prospect {prospect_id}'s letter {send.letter!r} to {current} is "
                f"{send.state} (send {send.id}): its email can't change under it; settle the "
                f"send first (`campaign send {arg('settle')} {send.id} {arg('sent')}` or "
                f"`{arg('not_sent')}`)"
            )
    if new:
        for other in tx.prospect_rows().values():
            if other["id"] != prospect_id and other["email"] == new:
                raise InputError(
                    f"{arg('email')} {new}: prospect {other['id']} ({other['company']}, "
                    f"{other['contact']}) has it already"
                )
