"""A counselling firm's view: every job seeker's campaign in one shared database, and its pace.

``campaign_paces`` lists the campaigns of the database with each one's pace this week
(one query per campaign, on one connection); ``add_campaign`` creates one (its schema,
its seeker's role and grants: see ``campaign.store.registry``); ``write_firm_report``
writes one page over all seekers: who is behind on calls, who has not sent this week,
who has an interview coming. On SQLite the database is this folder's one campaign.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.clock import iso_week
from campaign.config import Settings
from campaign.documents.files import new_file
from campaign.errors import CampaignError, InputError
from campaign.models import MARKETING, PaceFigures
from campaign.store import display_url, open_firm
from campaign.templating import page_environment

if TYPE_CHECKING:  # SQLAlchemy's side: `campaign report` (this module's caller) must not load it
    from campaign.store.registry import Added
    from campaign.store.sql import Firm


@dataclass(frozen=True)
class CampaignPace:
    """One seeker's campaign and its pace this week."""

    name: str
    role: str
    weekly_cap: int | None  # None until the seeker's own commands have noted it
    figures: PaceFigures
    created_at: datetime | None = None

    @property
    def behind_on_calls(self) -> bool:
        """Follow-up calls are waiting from before today."""
        return bool(self.figures.calls_overdue)

    @property
    def not_sent_this_week(self) -> bool:
        """Nothing went out this week while prospects still wait for a letter."""
        return not self.figures.sent_this_week and bool(self.figures.waiting)

    def as_json(self) -> dict[str, Any]:
        """The ``campaign campaigns --format json`` object (the contract's keys first)."""
        f = self.figures
        return {
            "name": self.name,
            "prospects": f.prospects,
            "sent_this_week": f.sent_this_week,
            "weekly_cap": self.weekly_cap,
            "calls_due": f.calls_due,
            "calls_overdue": f.calls_overdue,
            "meetings": f.meetings,
            "offers": f.offers,
            "last_activity": f.last_activity,
            "interviews_to_come": f.interviews_agreed,
            "oldest_call_due": f.oldest_call_due,
            "waiting": f.waiting,
            "role": self.role,
            "created_at": self.created_at,
        }


@dataclass(frozen=True)
class Paces:
    """The campaigns this role may read, with their pace, and how many more it may not."""

    campaigns: list[CampaignPace]
    unreadable: int = 0


def campaign_paces(settings: Settings, today: date) -> Paces:
    """Every campaign in the database of ``settings``, with its pace as of ``today``.

    Those the connecting role may not read are counted, not named: a seeker running this
    sees their own campaign, that others exist, and nothing of them.
    """
    firm = open_firm(settings.db_url, settings.campaign)
    try:
        paces, _, unreadable = _paces(firm, settings, today)
        return Paces(paces, unreadable)
    finally:
        firm.close()


def _paces(
    firm: Firm, settings: Settings, today: date, interviews: bool = False
) -> tuple[list[CampaignPace], list[InterviewsToCome], int]:
    """Each readable campaign's pace (and, asked, its interviews to come); the unreadable count."""
    week = iso_week(today)
    entries = firm.campaigns()
    paces, coming = [], []
    with firm.reading() as at:
        for entry in (e for e in entries if e.readable):
            queries = at(entry)
            figures = (
                queries.pace_figures(today, week, MARKETING) if entry.has_tables else PaceFigures()
            )
            # A SQLite file is this folder's campaign: its cap is this campaign.toml's.
            cap = entry.weekly_cap if firm.dialect == "postgresql" else settings.schedule.weekly_cap
            paces.append(CampaignPace(entry.name, entry.role, cap, figures, entry.created_at))
            if interviews and figures.interviews_agreed:
                companies = [p.company for p in queries.interviews_to_come()]
                coming.append(InterviewsToCome(entry.name, companies))
    return paces, coming, sum(1 for e in entries if not e.readable)


def add_campaign(settings: Settings, name: str, role: str | None) -> Added:
    """Create the campaign ``name`` in the shared database, worked by ``role``.

    ``role`` defaults to the campaign's schema name (``zoe-mueller`` -> ``zoe_mueller``).
    """
    firm = open_firm(settings.db_url, settings.campaign)
    try:
        return firm.add(name, role or name.replace("-", "_"))
    finally:
        firm.close()


# -- the page over all seekers ---------------------------------------------------------


@dataclass(frozen=True)
class InterviewsToCome:
    """A seeker's interviews agreed and not yet held: the companies."""

    name: str
    companies: list[str]


@dataclass(frozen=True)
class FirmReport:
    """What the page over all seekers shows."""

    today: date
    week: str
    paces: list[CampaignPace]
    interviews: list[InterviewsToCome] = field(default_factory=list)
    unreadable: int = 0  # campaigns in the database this role may not read

    @property
    def behind(self) -> list[CampaignPace]:
        """Seekers with calls overdue, the longest-waiting call first."""

        def oldest(pace: CampaignPace) -> tuple[date, str]:
            return (pace.figures.oldest_call_due or self.today, pace.name)

        return sorted((p for p in self.paces if p.behind_on_calls), key=oldest)

    @property
    def not_sent(self) -> list[CampaignPace]:
        """Seekers who sent nothing this week while prospects wait."""
        return [p for p in self.paces if p.not_sent_this_week]


def firm_report(settings: Settings, today: date) -> FirmReport:
    """Read every campaign's pace, and the interviews to come of those that have any."""
    firm = open_firm(settings.db_url, settings.campaign)
    try:
        paces, interviews, unreadable = _paces(firm, settings, today, interviews=True)
    finally:
        firm.close()
    return FirmReport(today, iso_week(today), paces, interviews, unreadable)


def render_firm_report(report: FirmReport) -> str:
    """The page: self-contained HTML, printable, no network needed."""
    source = files("campaign").joinpath("data", "firm-report.html.j2").read_text(encoding="utf-8")
    return page_environment().from_string(source).render(r=report)


def write_firm_report(settings: Settings, today: date) -> Path:
    """Build, render and write the page under output/ (a new file each run); returns its path."""
    report = firm_report(settings, today)
    if not report.paces:
        raise InputError(f"no campaigns in {display_url(settings.db_url)} yet")
    page = render_firm_report(report)
    path = new_file(settings.output_dir, f"firm-report-{today.isoformat()}", ".html")
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CampaignError(f"{path}: can't write the report: {exc}") from None
    return path
