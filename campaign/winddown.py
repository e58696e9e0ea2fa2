"""Hired: the campaign winds down, so nothing more goes out, and the search ends well.

A hire (``campaign log ID --outcome hired``, an offer accepted) closes every other live
prospect (no more letters or prospecting calls) and cancels every open task, leaving
only what ends a search well: a drafted note to withdraw politely from each interview
process still open (or to decline an offer), and one to tell each networking contact
the news and thank them. The wind-down records what it closed and cancelled, so
``followup.resume`` can undo it if the job falls through.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from campaign.config import Settings
from campaign.models import (
    ContactKind,
    Meeting,
    Prospect,
    ProspectStatus,
    TaskKind,
    WoundDown,
)
from campaign.people import one_line, salutation
from campaign.store import Transaction
from campaign.templating import environment, find_template, render, where_of
from campaign.wording import listed

WITHDRAW_TEMPLATE = "withdraw.txt"
NEWS_TEMPLATE = "share_news.txt"
# Still being followed up when the hire came: each is closed, and told if it was talking to you.
WOUND_DOWN_STATUSES = (ProspectStatus.ACTIVE, ProspectStatus.INTERVIEW, ProspectStatus.OFFER)
# An interview process (or an offer) under way: it hears from you before it closes.
IN_PROCESS = (ProspectStatus.INTERVIEW, ProspectStatus.OFFER)
WIND_DOWN_KINDS = (TaskKind.WITHDRAW, TaskKind.SHARE_NEWS)


def hired_words(company: str, day: date) -> str:
    """``Hired at Acme on 14 Jan 2027``: how status, the report and every caption say it."""
    return f"Hired at {company} on {day.day} {day:%b %Y}"


def wind_down(
    tx: Transaction, settings: Settings, hired: Prospect, today: date
) -> WoundDown | None:
    """Close the campaign after the hire at ``hired`` (in the caller's unit of work).

    None when the campaign is wound down already (a second hire changes nothing more).
    """
    if tx.current_wind_down() is not None:
        return None
    live = [p for p in tx.list_prospects(WOUND_DOWN_STATUSES) if p.id != hired.id]
    cancelled = [t.id for t in tx.open_tasks()]
    why = f"wound down: {hired_words(hired.company, today).lower()}"
    tx.cancel_tasks(cancelled, today, why)
    for prospect in live:
        tx.update_prospect(prospect.id, status=str(ProspectStatus.CLOSED), updated_on=today)
    drafts = Drafts(settings, hired.company)
    withdrawals = [
        tx.insert_task(
            kind=TaskKind.WITHDRAW,
            due=today,
            today=today,
            prospect_id=p.id,
            reason=f"hired elsewhere: withdraw politely from {p.company}"
            + ("'s offer" if p.status == ProspectStatus.OFFER else ""),
            detail=drafts.withdrawal(p, tx.list_meetings(p.id)),
        )
        for p in live
        if p.status in IN_PROCESS
    ]
    news = []
    for contact in tx.list_contacts(ContactKind.NETWORK):
        given, people = tx.referrals(contact.id)
        referrals = [p.company for p in given] + [c.display_name for c in people]
        news.append(
            tx.insert_task(
                kind=TaskKind.SHARE_NEWS,
                due=today,
                today=today,
                contact_id=contact.id,
                reason=f"tell them the news ({hired.company}) and thank them",
                detail=drafts.news(contact.display_name, contact.first_name, referrals),
            )
        )
    statuses = {p.id: p.status for p in live}
    made = [t.id for t in withdrawals + news]
    record = tx.insert_wind_down(hired.id, today, today, statuses, cancelled, made)
    return WoundDown(record, len(live), withdrawals, news, len(cancelled))


class Drafts:
    """The wind-down's notes, from templates (the user's ``templates/`` first)."""

    def __init__(self, settings: Settings, hired_company: str) -> None:
        env = environment(user_dir=settings.templates_dir)
        self.withdraw = find_template(env, WITHDRAW_TEMPLATE)
        self.share = find_template(env, NEWS_TEMPLATE)
        sender = settings.sender.as_written() if settings.sender else None
        self.base = {
            "hired_company": hired_company,
            "sender_name": sender.name if sender else "",
            "sender_phone": sender.phone if sender else "",
            "sender_email": sender.email if sender else "",
        }

    def withdrawal(self, prospect: Prospect, meetings: list[Meeting]) -> dict[str, Any]:
        """To the hiring authority of an interview process (or an offer): a gracious exit."""
        held = [m.held_on for m in meetings]
        context = {
            **self.base,
            "company": prospect.company,
            "salutation": salutation(prospect),
            "offer": prospect.status == ProspectStatus.OFFER,
            "meeting_day": f"{max(held):%B} {max(held).day}" if held else "",
        }
        subject, text = _drafted(self.withdraw, WITHDRAW_TEMPLATE, context)
        return {"person": prospect.contact, "to": prospect.email, "subject": subject, "draft": text}

    def news(self, name: str, first_name: str, referrals: list[str]) -> dict[str, Any]:
        """To a networking contact: the news first, then thanks (for each referral they gave)."""
        context = {
            **self.base,
            "name": name,
            "greeting": first_name or name,
            "referrals": listed(referrals),
        }
        subject, text = _drafted(self.share, NEWS_TEMPLATE, context)
        return {"person": name, "subject": subject, "draft": text}


def _drafted(template: Any, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
    text = render(template, where_of(template, name), context)
    first, _, rest = text.lstrip().partition("\n")
    if first.lower().startswith("subject:"):
        return one_line(first[len("subject:") :]), rest.strip() + "\n"
    return "", text.strip() + "\n"
