"""`campaign init` and the CLI's handling of setup mistakes."""

from __future__ import annotations

from pathlib import Path

from campaign.home import package_templates


def test_init_creates_the_campaign_folder(run, campaign_home: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    assert "created campaign.toml" in result.output
    for name in ("templates", "lists", "output"):
        assert (campaign_home / name).is_dir()
    assert "[sender]" in (campaign_home / "campaign.toml").read_text(encoding="utf-8")
    for template in package_templates():
        assert (campaign_home / "templates" / template.name).is_file()
    assert "Next: fill in [sender]" in result.output


def test_init_never_overwrites(run, campaign_home: Path) -> None:
    config = campaign_home / "campaign.toml"
    config.write_text("# mine\n", encoding="utf-8")
    run("init")
    edited = campaign_home / "templates" / "mine.txt"
    edited.write_text("my own letter", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 0
    assert "kept    campaign.toml" in result.output
    assert config.read_text(encoding="utf-8") == "# mine\n"
    assert edited.read_text(encoding="utf-8") == "my own letter"


def test_init_with_home_option(run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    result = run("--home", str(target), "init")
    assert result.exit_code == 0
    assert (target / "campaign.toml").is_file()


def test_home_that_is_a_file_is_an_error(run, tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x", encoding="utf-8")
    result = run("init", env={"CAMPAIGN_HOME": str(target)})
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {target}: exists and is not a folder"


def test_bad_config_is_exit_1_one_line(run, campaign_home: Path) -> None:
    (campaign_home / "campaign.toml").write_text("[schedule]\nweekly_cap = 'x'\n")
    result = run("status")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert "[schedule] weekly_cap must be a whole number" in lines[0]


def test_bad_today_is_exit_1(run, sender_config: Path) -> None:
    result = run("status", env={"CAMPAIGN_TODAY": "tomorrow"})
    assert result.exit_code == 1
    assert "CAMPAIGN_TODAY='tomorrow' is not a date; use YYYY-MM-DD" in result.output


def test_unknown_command_is_a_usage_error(run) -> None:
    result = run("sned")
    assert result.exit_code == 2


def test_init_again_with_a_real_sender_points_at_the_next_step(
    run, sender_config: Path, campaign_home: Path
) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Next: put your list in lists/, then `campaign import lists/YOUR-LIST.csv`.\n"
    )
    (campaign_home / "lists" / "mine.csv").write_text(
        "company,contact,email\nAcme Inc.,Ms. Ann Lee,ann@acme.example\n", encoding="utf-8"
    )
    assert run("import", "lists/mine.csv").exit_code == 0
    assert run("init").output.endswith(
        "Next: `campaign status` shows where the campaign stands and what to do today.\n"
    )


def test_init_again_with_the_example_sender_still_asks_to_fill_it_in(
    run, campaign_home: Path
) -> None:
    run("init")
    assert "Next: fill in [sender] in campaign.toml" in run("init").output
