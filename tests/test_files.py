"""Files under output/: published whole or not at all, and CSV cells a spreadsheet won't run."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.documents.files import (
    atomic_file,
    ensure_writable,
    free_run_folder,
    partial_twin,
    spreadsheet_safe,
    staged_folder,
    write_new,
)
from campaign.errors import CampaignError
from tests.conftest import TODAY
from tests.small_disk import every_file, small_disk


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x.test","click")', '\'=HYPERLINK("http://x.test","click")'),
        ("=cmd|'/C calc'!A0", "'=cmd|'/C calc'!A0"),
        ("+1 217 555 0100", "'+1 217 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = good", "Acme = good"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_a_spreadsheet_would_evaluate_gets_a_quote(value: object, safe: object) -> None:
    assert spreadsheet_safe(value) == safe


def test_write_new_never_overwrites_and_leaves_no_temporary(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    first = write_new(tmp_path, "report", ".html", lambda p: p.write_text("one"))
    second = write_new(tmp_path, "report", ".html", lambda p: p.write_text("two"))
    assert (first.name, second.name) == ("report.html", "report-2.html")
    assert first.read_text() == "one" and second.read_text() == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report-2.html", "report.html"]


def test_a_writer_that_fails_leaves_nothing(tmp_path: Path) -> None:
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()

    def broken(path: Path) -> None:
        path.write_text("half")
        raise ValueError("the writer broke")

    with pytest.raises(ValueError, match="the writer broke"):
        write_new(tmp_path, "sheet", ".pdf", broken)
    with pytest.raises(ValueError), atomic_file(tmp_path / "x.csv") as temporary:
        temporary.write_text("half")
        raise ValueError("broke")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    with small_disk(tmp_path / "output") as disk:
        with pytest.raises(CampaignError) as err:
            write_new(disk, "big", ".pdf", lambda p: p.write_bytes(b"x" * 200_000))
        assert str(err.value) == f"{disk}: can't write big.pdf: No space left on device"
        assert every_file(disk) == []


def test_a_staged_folder_appears_only_when_complete(tmp_path: Path) -> None:
    final = free_run_folder(tmp_path, "print-pack-2026-W47", TODAY)
    assert final.name == "print-pack-2026-W47-2026-11-16-1" and not final.exists()
    with staged_folder(final) as building:
        assert building == partial_twin(final) == tmp_path / f".{final.name}.partial"
        (building / "letters.pdf").write_bytes(b"%PDF")
        assert not final.exists()
    assert [p.name for p in final.iterdir()] == ["letters.pdf"]
    assert not partial_twin(final).exists()
    assert free_run_folder(tmp_path, "print-pack-2026-W47", TODAY).name.endswith("-2")


def test_in_a_folder_being_built_files_are_written_under_their_own_names(tmp_path: Path) -> None:
    # The folder is the unit there: no temporary name, flush and rename a file.
    final = tmp_path / "merge-2026-11-16-1"
    with staged_folder(final) as building:
        with atomic_file(building / "pdf" / "letter.pdf") as path:
            assert path == building / "pdf" / "letter.pdf"
            path.parent.mkdir()
            path.write_bytes(b"%PDF")
        with pytest.raises(OSError), atomic_file(building / "half.docx") as path:
            path.write_bytes(b"half")
            raise OSError(28, "No space left on device")
        assert sorted(p.name for p in building.rglob("*")) == ["letter.pdf", "pdf"]
    assert (final / "pdf" / "letter.pdf").read_bytes() == b"%PDF"
    # Elsewhere a file is still written under a hidden temporary name first.
    with atomic_file(tmp_path / "calls.pdf") as path:
        assert path.parent == tmp_path and path.name.startswith(".calls.pdf.")
        path.write_bytes(b"%PDF")
    assert (tmp_path / "calls.pdf").read_bytes() == b"%PDF"


def test_a_staged_folder_that_fails_is_removed(tmp_path: Path) -> None:
    final = tmp_path / "out" / "merge-2026-11-16-1"
    with pytest.raises(CampaignError) as err, staged_folder(final) as building:
        (building / "a.docx").write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert str(err.value) == (
        f"{final}: can't write: No space left on device; nothing was left there"
    )
    assert list(final.parent.iterdir()) == []


def test_ensure_writable_says_why_not(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "output"
    ensure_writable(folder)
    assert list(folder.iterdir()) == []
    with small_disk(folder, read_only=True), pytest.raises(CampaignError) as err:
        ensure_writable(folder)
    assert str(err.value) == f"{folder}: can't write here: Read-only file system"
