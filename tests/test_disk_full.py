"""A full or read-only output/: one line, no 0-byte or truncated file, no claim left standing.

output/ is a small tmpfs (``tests.small_disk``: root only; skipped elsewhere, a failure
under CI=true), filled until a few KB are free, so the writers run out of space for real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign.store import Store
from tests.callfactory import send_letters
from tests.factories import TODAY, add_prospects
from tests.small_disk import every_file, fill, small_disk
from tests.smtp_server import SmtpServer
from tests.test_cli_send import configure


@pytest.fixture
def full_output(campaign_home: Path) -> Iterator[Path]:
    """output/ on a 256 KB tmpfs with about 8 KB left."""
    with small_disk(campaign_home / "output", "256k") as disk:
        fill(disk, 8_000)
        yield disk


def assert_one_line_and_nothing_left(stderr: str, output: Path) -> None:
    assert stderr.count("\n") == 1 and stderr.startswith("Error: "), stderr
    assert stderr.rstrip().endswith("No space left on device; nothing was left there"), stderr
    assert every_file(output) == []
    assert [p.name for p in output.iterdir() if p.name != ".filler"] == []


def test_send_with_a_full_disk_claims_nothing_and_sends_nothing(
    run, sender_config: Path, store: Store, full_output: Path
) -> None:
    add_prospects(store, 2)
    add_prospects(store, 2, email="")  # these two are printed
    with SmtpServer() as server:
        configure(sender_config, server.port)
        result = run("send")
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"Error: {full_output}/print-pack-2026-W47-2026-11-16-1: can't write: "
        )
        assert_one_line_and_nothing_left(result.stderr, full_output)
        assert store.list_sends() == []  # the pack failed: no claim of the run stands
        assert server.received == []  # the print pack comes first: no email went either
        (full_output / ".filler").unlink()
        again = run("send")
        assert again.exit_code == 0, again.output
    assert len(server.received) == 2
    assert len(list(full_output.glob("print-pack-*/letters.pdf"))) == 1


def test_merge_with_a_full_disk(run, sender_config: Path, store: Store, full_output: Path) -> None:
    add_prospects(store, 3)
    result = run("merge")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {full_output}/merge-2026-11-16-1: can't write: ")
    assert_one_line_and_nothing_left(result.stderr, full_output)


def test_a_call_sheet_pdf_with_a_full_disk(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    send_letters(store, add_prospects(store, 40), TODAY)
    with small_disk(campaign_home / "output", "256k") as disk:
        fill(disk, 4_000)
        result = run("calls", "--due", "all", "--format", "pdf")
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {disk}: can't write call-sheet-2026-11-16.pdf: No space left on device\n"
        )
        assert every_file(disk) == []


def test_a_read_only_output_claims_nothing(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    add_prospects(store, 1)
    add_prospects(store, 1, email="")
    with SmtpServer() as server:
        configure(sender_config, server.port)
        with small_disk(campaign_home / "output", read_only=True) as output:
            result = run("send")
        assert server.handler.ehlo_count == 0  # refused before connecting
    assert result.exit_code == 1
    assert result.stderr == f"Error: {output}: can't write here: Read-only file system\n"
    assert store.list_sends() == []


def test_a_report_with_a_full_disk(
    run, sender_config: Path, store: Store, campaign_home: Path
) -> None:
    send_letters(store, add_prospects(store, 3), TODAY)
    with small_disk(campaign_home / "output", "256k") as disk:
        fill(disk, 2_000)
        result = run("report")
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {disk}: can't write report-2026-11-16.html: No space left on device\n"
        )
        assert every_file(disk) == []
