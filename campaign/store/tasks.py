"""Tasks (follow-up calls and other to-dos) and the call log."""

from __future__ import annotations

from campaign.store.base import StoreBase


class TaskQueries(StoreBase):
    """Reading and writing tasks and logged calls."""
