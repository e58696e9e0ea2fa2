"""The same store code on PostgreSQL: migrations, the ledger's unique key, batches."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from campaign.batches import select_batch
from campaign.errors import StoreError
from campaign.store import open_store
from campaign.store.schema import metadata, sends
from tests.factories import TODAY, add_prospect

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_store(postgres_url: str):
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    store = open_store(postgres_url)
    yield store
    store.close()


def test_blank_postgres_migrates_to_the_schema(pg_store, postgres_url: str) -> None:
    inspector = inspect(create_engine(postgres_url))
    for table in metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        assert columns == set(table.columns.keys()), table.name
    open_store(postgres_url).close()  # a second open applies nothing


def test_ledger_and_batches_on_postgres(pg_store) -> None:
    first = add_prospect(pg_store, priority=1)
    add_prospect(pg_store, priority=2)
    row = {
        "prospect_id": first.id,
        "letter": "marketing",
        "channel": "post",
        "state": "sent",
        "week": "2026-W47",
        "claimed_on": TODAY,
    }
    with pg_store.write() as conn:
        conn.execute(sends.insert().values(**row))
    with pytest.raises(StoreError, match="uq_sends_prospect_letter"), pg_store.write() as conn:
        conn.execute(sends.insert().values(**row))
    batch = select_batch(pg_store, "top20", "marketing", TODAY, weekly_cap=2)
    assert batch.cap_used == 1
    assert [p.priority for p in batch.prospects] == [2]
