"""Which prospects a run takes: the weekly wave (``top20``) or everyone left (``all``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from campaign.clock import iso_week, next_week_start
from campaign.config import Settings
from campaign.errors import InputError, arg
from campaign.models import Channel, Prospect, ProspectStatus
from campaign.people import mailbox
from campaign.store import Store

BATCHES = ("top20", "all")


@dataclass(frozen=True)
class Batch:
    """The prospects a run would take, and why that many."""

    name: str
    letter: str
    prospects: list[Prospect]
    week: str
    cap: int
    cap_used: int
    waiting: int  # active prospects not yet sent this letter, in all
    next_wave: date  # when the cap opens again
    # Left out because no letter can reach them (see ``why_unreachable``).
    unreachable: list[Prospect] = field(default_factory=list)
    # Left out because their address already had this letter: (prospect, as prospect id).
    mailed: list[tuple[Prospect, int]] = field(default_factory=list)

    @property
    def cap_left(self) -> int:
        """Slots of this week's cap still free."""
        return max(self.cap - self.cap_used, 0)


def delivery_channel(prospect: Prospect, settings: Settings) -> str | None:
    """Email when SMTP is set up and they have an address, else the post; None if neither."""
    if prospect.can_email and settings.smtp is not None:  # not an address that bounced
        return Channel.EMAIL
    if prospect.has_postal_address:
        return Channel.POST
    return None


def why_unreachable(settings: Settings | None) -> tuple[str, str]:
    """Why no letter can reach a prospect ``select_batch`` sets aside, and the fix.

    Every place that explains them words it from here. With [smtp] set up they have
    neither an email nor a postal address; without it, an email alone is no use, so a
    postal address (or [smtp]) is what they lack.
    """
    if settings is not None and settings.smtp is not None:
        return (
            "no email and no postal address",
            "add one to your list and `campaign import` it",
        )
    return (
        "no postal address, and no [smtp] to email them",
        "add their street, city and zip to the list and `campaign import` it again "
        "(or set up [smtp] in campaign.toml for those with an email)",
    )


def select_batch(
    store: Store,
    name: str,
    letter: str,
    today: date,
    weekly_cap: int,
    limit: int | None = None,
    settings: Settings | None = None,
) -> Batch:
    """The batch ``name`` for ``letter`` as of ``today``, highest priority first.

    ``top20`` takes as many as this ISO week's cap still allows; ``all`` takes every
    active prospect not yet sent this letter. ``limit`` takes fewer still. With
    ``settings``, prospects no letter can reach are set aside (``unreachable``) rather
    than taking a slot of the cap every week.
    """
    if name not in BATCHES:
        raise InputError(
            f"{arg('batch')}: unknown batch {name!r}; use one of: {', '.join(BATCHES)}"
        )
    week = iso_week(today)
    used = store.cap_used(week)
    already = store.prospects_with_letter(letter)
    waiting = [p for p in store.list_prospects([ProspectStatus.ACTIVE]) if p.id not in already]
    waiting, mailed = _one_per_mailbox(waiting, store.mailed_addresses(letter))
    unreachable: list[Prospect] = []
    if settings is not None:
        unreachable = [p for p in waiting if delivery_channel(p, settings) is None]
        waiting = [p for p in waiting if delivery_channel(p, settings) is not None]
    chosen = waiting if name == "all" else waiting[: max(weekly_cap - used, 0)]
    if limit is not None:
        chosen = chosen[: max(limit, 0)]
    return Batch(
        name=name,
        letter=letter,
        prospects=chosen,
        week=week,
        cap=weekly_cap,
        cap_used=used,
        waiting=len(waiting),
        next_wave=next_week_start(today),
        unreachable=unreachable,
        mailed=mailed,
    )


def _one_per_mailbox(
    waiting: list[Prospect], mailed: dict[str, int]
) -> tuple[list[Prospect], list[tuple[Prospect, int]]]:
    """Nobody's mailbox gets a letter twice: a prospect whose email already had it (as
    another prospect), or shares it with one earlier in the wave, is set aside."""
    taken = dict(mailed)
    fresh: list[Prospect] = []
    aside: list[tuple[Prospect, int]] = []
    for prospect in waiting:
        box = mailbox(prospect.email) if prospect.email else ""
        if box and box in taken:
            aside.append((prospect, taken[box]))
            continue
        if box:
            taken[box] = prospect.id
        fresh.append(prospect)
    return fresh, aside
