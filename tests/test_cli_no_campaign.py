"""A folder with no campaign yet: reading (or a command that fails) creates no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import store_at

NO_CAMPAIGN = (
    "Error: no campaign in {home} yet (no campaign.db): start one with `campaign init`, "
    "then `campaign import FILE`\n"
)

READERS = [
    ["calls"],
    ["calls", "--format", "json"],
    ["calls", "--plan"],
    ["agenda"],
    ["notes"],
    ["contact", "list"],
    ["prospects"],
    ["log", "1"],
    ["log", "1", "--outcome", "reached"],
    ["done", "1"],
    ["reopen", "1"],
    ["merge"],
    ["send", "--dry-run"],
]


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_no_database_is_created_by_reading_or_failing(
    run, campaign_home: Path, tmp_path: Path, args: list[str]
) -> None:
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = run(*args)
    assert (result.exit_code, result.stderr) == (1, NO_CAMPAIGN.format(home=campaign_home))
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # no campaign.db, no output/


def test_status_in_a_stray_folder_says_so_and_creates_nothing(run, tmp_path: Path) -> None:
    stray = tmp_path / "stray"
    stray.mkdir()
    import os

    os.chdir(stray)
    result = run("status", env={"CAMPAIGN_HOME": ""})
    assert (result.exit_code, result.stderr) == (1, NO_CAMPAIGN.format(home=stray))
    assert list(stray.iterdir()) == []


def test_status_in_a_named_folder_before_anything_shows_an_empty_campaign(
    run, campaign_home: Path
) -> None:
    result = run("status")
    assert result.exit_code == 0
    assert "`campaign import lists/FILE.csv` to load your prospect list" in result.output
    assert list(campaign_home.iterdir()) == []


def test_an_initialised_campaign_with_nothing_imported_shows_empty_results(
    run, campaign_home: Path
) -> None:
    assert run("init").exit_code == 0
    status = run("status")
    assert status.exit_code == 0
    assert "`campaign import lists/FILE.csv` to load your prospect list" in status.output
    listed = run("prospects", "--format", "json")
    assert (listed.exit_code, listed.stdout) == (0, "[]\n")
    assert "No calls due." in run("calls").stdout
    assert not (campaign_home / "campaign.db").exists()


def test_report_with_nothing_in_the_store_writes_no_page(run, campaign_home: Path) -> None:
    store_at(campaign_home).close()  # a database, but nothing imported
    result = run("report")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: nothing to report yet: `campaign import lists/FILE.csv` first\n",
    )
    assert not (campaign_home / "output").exists()


def test_import_and_contact_add_start_a_campaign(run, campaign_home: Path) -> None:
    added = run("contact", "add", "Dana Lee", "--company", "Lee & Co")
    assert added.exit_code == 0, added.output
    assert (campaign_home / "campaign.db").exists()
    assert run("contact", "list").exit_code == 0
    assert "No calls due." in run("calls").output


def test_a_failed_import_leaves_no_database(run, campaign_home: Path) -> None:
    result = run("import", "missing.csv")
    assert result.exit_code == 1
    assert not (campaign_home / "campaign.db").exists()


def test_another_database_path_is_named(run, campaign_home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    result = run("calls", env={"CAMPAIGN_DB": f"sqlite:///{elsewhere}"})
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: no campaign in {campaign_home} yet (no {elsewhere}): start one with "
        "`campaign init`, then `campaign import FILE`\n",
    )
    assert not elsewhere.exists()


def test_store_exists_only_doubts_a_sqlite_file(tmp_path: Path) -> None:
    from campaign.store import store_exists

    assert not store_exists(f"sqlite:///{tmp_path / 'campaign.db'}")
    store_at(tmp_path).close()
    assert store_exists(f"sqlite:///{tmp_path / 'campaign.db'}")
    # A server database can't be told missing from empty: it is opened (and migrated).
    assert store_exists("postgresql+psycopg://user@localhost/campaign")
    assert store_exists("sqlite://")  # in memory


def test_home_naming_a_missing_folder_is_an_error_except_for_init(run, tmp_path: Path) -> None:
    missing = tmp_path / "typo"
    for args in (["status"], ["prospects"], ["import", "x.csv"]):
        result = run("--home", str(missing), *args)
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {missing}: no such folder (named by --home); "
            f"`campaign --home {missing} init` starts a campaign there\n",
        )
    assert not missing.exists()
    assert run("--home", str(missing), "init").exit_code == 0
    assert (missing / "campaign.toml").is_file()


def test_import_in_a_folder_that_is_no_campaign_refuses(run, tmp_path: Path) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "x.csv").write_text("Company,Name,Email\nAcme,Ada Okafor,a@acme.test\n")
    import os

    os.chdir(tmp_path / "lists")
    result = run("import", "x.csv", env={"CAMPAIGN_HOME": ""})
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: no campaign in {tmp_path / 'lists'} (no campaign.toml): `campaign init` makes "
        "this folder a campaign, or give yours with --home DIR (or CAMPAIGN_HOME)\n",
    )
    assert sorted(p.name for p in (tmp_path / "lists").iterdir()) == ["x.csv"]
