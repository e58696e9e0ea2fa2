"""Every SQLAlchemy primitive of the store, by concern (the view reads are in ``reads``)."""

from __future__ import annotations

from campaign.store.meetings import MeetingQueries
from campaign.store.prospects import ProspectQueries
from campaign.store.sends import SendQueries
from campaign.store.tasks import TaskQueries


class Queries(ProspectQueries, SendQueries, TaskQueries, MeetingQueries):
    """Every primitive of the store that writes, or reads outside the views."""
