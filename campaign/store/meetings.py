"""Meetings, the people met, and networking contacts."""

from __future__ import annotations

from campaign.store.base import StoreBase


class MeetingQueries(StoreBase):
    """Reading and writing meetings and contacts."""
