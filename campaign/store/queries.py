"""Every SQLAlchemy primitive of the store, by concern (the view reads are in ``reads``)."""

from __future__ import annotations

from campaign.store.inbox import InboxQueries
from campaign.store.meetings import MeetingQueries
from campaign.store.prospects import ProspectQueries
from campaign.store.sends import SendQueries
from campaign.store.tasks import TaskQueries
from campaign.store.winddowns import WindDownQueries


class Queries(
    ProspectQueries,
    SendQueries,
    TaskQueries,
    MeetingQueries,
    InboxQueries,
    WindDownQueries,
):
    """Every primitive of the store that writes, or reads outside the views."""
