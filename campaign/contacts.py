"""Networking contacts: people who are not hiring authorities, called every six weeks.

One contact per person (``people.same_contact``: the same email, or the same name at the
same company); each gets a catch-up call at ``contact_every_days``, placed under the
daily call cap, and hears on it what became of every referral they gave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from campaign.config import Settings
from campaign.errors import InputError, arg
from campaign.followup import CATCH_UP, call_load
from campaign.models import Contact, ContactKind, Task, TaskKind, TaskState
from campaign.people import contact_card, one_line, parse_person, same_contact
from campaign.store import Store


def add_contact(
    store: Store, settings: Settings, today: date, name: str, **fields: Any
) -> tuple[Contact, Task]:
    """A networking contact, with a catch-up call every ``contact_every_days``."""
    flat = one_line(name)
    if not flat:
        raise InputError("contact add: give the contact's name")
    values: dict[str, Any] = {
        "name": flat,
        **{k: one_line(v) for k, v in fields.items() if isinstance(v, str)},
    }
    values["referred_by"] = fields.get("referred_by")
    values["email"], values["phone"] = contact_card(
        values.get("email", ""),
        values.get("phone", ""),
        settings.country,
        lambda bad, why: f"contact add {arg('email')} {bad!r}: {why}",
    )
    twin = next(
        (
            c
            for c in store.list_contacts(ContactKind.NETWORK)
            if same_contact({"name": c.name, "company": c.company, "email": c.email}, values)
        ),
        None,
    )
    if twin is not None:
        raise InputError(
            f"{twin.name}{f' ({twin.company})' if twin.company else ''} is contact {twin.id} "
            "already; `campaign contact list` shows them"
        )
    first = today + timedelta(days=settings.schedule.contact_every_days)
    with store.transaction() as tx:
        if values["referred_by"] is not None:
            tx.get_contact(int(values["referred_by"]))
        contact = tx.insert_contact(ContactKind.NETWORK, today, **values)
        task = tx.insert_task(
            kind=TaskKind.CONTACT_CALL,
            due=call_load(tx, settings, first).book(first),
            today=today,
            contact_id=contact.id,
            reason=CATCH_UP,
        )
    return contact, task


# What ``contact edit`` may empty (a contact keeps its name).
CONTACT_CLEARABLE = ("title", "company", "email", "phone", "interest", "notes")


def edit_contact(
    store: Store,
    contact_id: int,
    *,
    values: Mapping[str, str | None],
    clear: Sequence[str] = (),
    region: str = "US",
) -> str:
    """Correct a contact with import's checks; one line saying what changed.

    A new email also goes to the contact's open thank-you emails.
    """
    wanted: dict[str, Any] = {}
    for name, raw in values.items():
        if raw is None:
            continue
        text = one_line(raw) if name != "notes" else raw.strip()
        if not text:
            raise InputError(f"{arg(name)} is blank; to empty a field use {arg('clear')} {name}")
        wanted[name] = text
    for name in clear:
        if name in wanted:
            raise InputError(f"{arg(name)} and {arg('clear')} {name}: choose one")
        wanted[name] = ""
    if wanted.get("email") or wanted.get("phone"):
        email, phone = contact_card(
            str(wanted.get("email", "")),
            str(wanted.get("phone", "")),
            region,
            lambda bad, why: f"contact edit {arg('email')} {bad!r}: {why}",
        )
        if wanted.get("email"):
            wanted["email"] = email
        if wanted.get("phone"):
            wanted["phone"] = phone
    with store.transaction() as tx:
        before = tx.get_contact(contact_id)
        if "name" in wanted:
            person = parse_person(wanted["name"])
            wanted.update(
                name=person.name,
                honorific=person.honorific or before.honorific,
                first_name=person.first_name,
                last_name=person.last_name,
            )
        changes = {k: v for k, v in wanted.items() if getattr(before, k) != v}
        if changes:
            tx.update_contact(contact_id, **changes)
        if "email" in changes:
            for task in tx.contact_tasks(contact_id):
                if task.kind == TaskKind.THANK_YOU_EMAIL and task.state == TaskState.OPEN:
                    tx.move_task(task.id, task.due, detail={**task.detail, "to": changes["email"]})
    shown = [
        f"{k}: {getattr(before, k) or '(blank)'} -> {changes[k] or '(blank)'}"
        for k in ("name", "title", "company", "email", "phone", "interest", "notes")
        if k in changes
    ]
    return f"contact {contact_id} ({before.display_name}): {'; '.join(shown) or 'nothing changed'}"


def refer_prospect(store: Store, contact_id: int, prospect_id: int, today: date) -> None:
    """Record that networking contact ``contact_id`` gave prospect ``prospect_id``."""
    with store.transaction() as tx:
        tx.get_contact(contact_id)
        tx.update_prospect(prospect_id, referred_by=contact_id, updated_on=today)


def referral_news(store: Store, contact_id: int) -> list[str]:
    """What became of each referral a contact gave: ``Acme (interview)``, ``Eli (contact)``."""
    given, people = store.referrals(contact_id)
    return [f"{p.company} ({p.status})" for p in given] + [
        f"{c.display_name} (contact)" for c in people
    ]
