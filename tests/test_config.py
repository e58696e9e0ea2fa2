"""campaign.toml into frozen dataclasses: precedence, unknown keys, wrong types."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from campaign.config import Schedule, load_settings, moment, resolve_home, resolve_today
from campaign.errors import ConfigError


def write(home: Path, text: str) -> Path:
    path = home / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {})
    assert settings.sender is None
    assert settings.smtp is None
    assert settings.schedule == Schedule()
    assert settings.db_url == f"sqlite:///{tmp_path / 'campaign.db'}"


def test_shipped_skeleton_loads(tmp_path: Path) -> None:
    skeleton = Path(__file__).parent.parent / "campaign" / "data" / "campaign.toml"
    write(tmp_path, skeleton.read_text(encoding="utf-8"))
    settings = load_settings(tmp_path, {})
    assert settings.require_sender().name == "Your Name"
    assert settings.smtp is None  # commented out: every letter is printed
    assert settings.schedule.weekly_cap == 20


def test_settings_are_frozen(tmp_path: Path) -> None:
    write(tmp_path, "[schedule]\nweekly_cap = 12\n")
    settings = load_settings(tmp_path, {})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.schedule.weekly_cap = 30  # type: ignore[misc]


def test_unknown_key_is_named_with_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[schedule]\nweekly_cpa = 12\n")
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path, {})
    assert str(err.value).startswith(f"{path}: unknown key [schedule] weekly_cpa")


def test_unknown_section_is_named(tmp_path: Path) -> None:
    write(tmp_path, "[sendr]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"unknown section \[sendr\]"):
        load_settings(tmp_path, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[schedule]\nweekly_cap = "twenty"\n', "weekly_cap must be a whole number, got 'twenty'"),
        ("[schedule]\nweekly_cap = true\n", "weekly_cap must be a whole number"),
        ("[schedule]\nweekly_cap = 0\n", "weekly_cap must be from 1 to 10000, got 0"),
        ("[sender]\nname = [1]\n", "[sender] name must be text"),
        ('[smtp]\nhost = "h"\nsecurity = "tls"\n', "security must be one of starttls, ssl, none"),
        ('[smtp]\nhost = "h"\npassword = "hunter2"\n', "never read from a file"),
        ("[schedule\n", "not valid TOML"),
    ],
)
def test_bad_values_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(tmp_path, {})
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert "hunter2" not in str(err.value)


def test_numeric_postal_code_becomes_text(tmp_path: Path) -> None:
    write(tmp_path, '[sender]\nname = "P"\nstreet = "s"\ncity = "c"\npostal_code = 62701\n')
    assert load_settings(tmp_path, {}).require_sender().postal_code == "62701"


def test_missing_sender_says_how_to_fix(tmp_path: Path) -> None:
    write(tmp_path, "[schedule]\nweekly_cap = 5\n")
    with pytest.raises(ConfigError, match=r"no \[sender\] section.*campaign init"):
        load_settings(tmp_path, {}).require_sender()


def test_database_precedence(tmp_path: Path) -> None:
    write(tmp_path, '[store]\nurl = "sqlite:///from-file.db"\n')
    assert load_settings(tmp_path, {}).db_url == "sqlite:///from-file.db"
    env = {"CAMPAIGN_DB": "sqlite:///from-env.db"}
    assert load_settings(tmp_path, env).db_url == "sqlite:///from-env.db"


def test_campaign_precedence_the_folders_own_file_first(tmp_path: Path) -> None:
    assert load_settings(tmp_path, {}).campaign == "default"
    assert load_settings(tmp_path, {"CAMPAIGN_NAME": "ben"}).campaign == "ben"
    write(tmp_path, '[store]\ncampaign = "zoe-mueller"\n')
    assert load_settings(tmp_path, {"CAMPAIGN_NAME": "ben"}).campaign == "zoe-mueller"


@pytest.mark.parametrize("name", ["Zoe", "zoe mueller", "1zoe", "zoé", "z" * 41, "a;drop"])
def test_a_campaign_name_is_checked_against_the_rule_it_says(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f'[store]\ncampaign = "{name}"\n')
    rule = (
        "is not a campaign name: use lowercase letters a-z, digits, '-' and '_', starting "
        'with a letter, at most 40 characters (e.g. "zoe-mueller")'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, {})
    assert str(caught.value) == f"{path}: [store] campaign {name!r} {rule}"
    with pytest.raises(ConfigError, match=r"^CAMPAIGN_NAME 'Ben' is not a campaign name"):
        load_settings(tmp_path / "x", {"CAMPAIGN_NAME": "Ben"})


def test_names_postgresql_keeps_are_refused(tmp_path: Path) -> None:
    for name in ("public", "pg_toast", "campaign-registry", "information_schema"):
        with pytest.raises(ConfigError, match="a name PostgreSQL or campaign keeps for itself"):
            load_settings(tmp_path, {"CAMPAIGN_NAME": name})


def test_home_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_home(None, {}) == tmp_path.resolve()
    assert resolve_home(None, {"CAMPAIGN_HOME": "/srv/c"}) == Path("/srv/c")
    assert resolve_home("/opt/x", {"CAMPAIGN_HOME": "/srv/c"}) == Path("/opt/x")


def test_today_from_environment() -> None:
    clock = date(2030, 1, 1)
    assert resolve_today({}, clock) == clock
    assert resolve_today({"CAMPAIGN_TODAY": "2026-11-26"}, clock) == date(2026, 11, 26)
    with pytest.raises(ConfigError, match=r"CAMPAIGN_TODAY='26/11/2026' is not a date"):
        resolve_today({"CAMPAIGN_TODAY": "26/11/2026"}, clock)


def test_imap_defaults_folders_and_the_port_of_its_security(tmp_path: Path) -> None:
    write(tmp_path, '[imap]\nhost = "imap.example.com"\nuser = "pat@example.com"\n')
    imap = load_settings(tmp_path, {}).imap
    assert imap is not None
    assert (imap.port, imap.security, imap.read_folders, imap.sent_folder, imap.timeout) == (
        993, "ssl", ("INBOX",), "", 30,
    )  # fmt: skip
    write(
        tmp_path,
        '[imap]\nhost = "h"\nsecurity = "starttls"\nfolders = ["INBOX", "Replies"]\n'
        'junk_folder = "Junk"\n',
    )
    imap = load_settings(tmp_path, {}).imap
    assert imap is not None
    assert (imap.port, imap.read_folders) == (143, ("INBOX", "Replies", "Junk"))
    write(tmp_path, '[imap]\nhost = ""\n')  # the commented template: no [imap]
    assert load_settings(tmp_path, {}).imap is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[imap]\nhost = "h"\npassword = "x"\n', "[imap] password is never read from a file; "
         "set CAMPAIGN_IMAP_PASSWORD or store it in the system keyring"),
        ('[imap]\nhost = "h"\nsecurity = "none"\n', "[imap] security must be one of ssl, starttls"),
        ('[imap]\nhost = "h"\nfolders = "INBOX"\nfolder = 1\n', "unknown key [imap] folder"),
        ('[imap]\nhost = "h"\nfolders = [1]\n', "[imap] folders must be a list of names"),
        ('[imap]\nhost = "h"\nfolders = []\n', "[imap] folders is empty"),
        ('[imap]\nhost = "h"\ntimeout = 0\n', "[imap] timeout must be from 1 to 3600, got 0"),
    ],
)  # fmt: skip
def test_bad_imap_values_are_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(tmp_path, {})


def test_the_moment_of_sending_keeps_the_clock_hour_on_the_campaign_day() -> None:
    zone = timezone(timedelta(hours=-5))
    now = datetime(2026, 12, 1, 18, 47, 5, tzinfo=zone)
    assert moment(date(2026, 11, 16), now) == datetime(2026, 11, 16, 18, 47, 5, tzinfo=zone)
