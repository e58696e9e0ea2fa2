"""Aggregate read-only queries for status and the report."""

from __future__ import annotations

from campaign.store.base import StoreBase


class ReportQueries(StoreBase):
    """Counts and figures over the whole campaign."""
