"""Where a campaign lives and how it is set up, loaded once into frozen dataclasses.

Precedence, highest first:

* the campaign folder: ``--home DIR``, else ``CAMPAIGN_HOME``, else the current directory;
* the database: ``CAMPAIGN_DB``, else ``[store] url`` in ``campaign.toml``, else
  ``sqlite:///<home>/campaign.db``;
* the campaign within it: ``[store] campaign``, else ``CAMPAIGN_NAME``, else ``default``.
  The folder's own file wins here (unlike the URL): a campaign folder is one job
  seeker's, so a ``CAMPAIGN_NAME`` left in a counsellor's shell can't turn a command in
  Zoe's folder onto someone else's campaign. In a SQLite file the name is only a label;
  on a shared PostgreSQL database it picks the seeker's schema (``campaign.store``);
* "today": ``CAMPAIGN_TODAY`` (YYYY-MM-DD), else the system clock (read by the CLI only);
* the SMTP password: ``CAMPAIGN_SMTP_PASSWORD``, else the system keyring; never a file;
* the IMAP password (``[imap]``): ``CAMPAIGN_IMAP_PASSWORD``, else the keyring; never a file;
* the moment of sending (an email's Date): the system clock, on ``CAMPAIGN_TODAY``'s day
  when that is set (the day is kept, the hour is never invented).

A missing ``campaign.toml`` means all defaults (so ``campaign import`` works in a bare
folder); a missing ``[sender]`` only matters to commands that render letters, which
call ``Settings.require_sender``. Unknown keys and wrong types are errors naming the
key and the file.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from campaign.clock import DAY_RANGE, in_range
from campaign.errors import ConfigError
from campaign.people import format_phone

CONFIG_NAME = "campaign.toml"
SECURITY_MODES = ("starttls", "ssl", "none")
IMAP_SECURITY_MODES = ("ssl", "starttls")
IMAP_PORTS = {"ssl": 993, "starttls": 143}
DEFAULT_CAMPAIGN = "default"
# A campaign name becomes a PostgreSQL schema name ("-" as "_"), so it is kept to what
# needs no quoting anywhere: in SQL, in `pg_dump --schema`, in a shell.
CAMPAIGN_NAME_RULE = (
    "lowercase letters a-z, digits, '-' and '_', starting with a letter, "
    'at most 40 characters (e.g. "zoe-mueller")'
)
_CAMPAIGN_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")
# Names a campaign can't take: the schemas PostgreSQL and the firm's registry use.
RESERVED_CAMPAIGNS = ("public", "information_schema", "campaign_registry")


@dataclass(frozen=True)
class Sender:
    """Who signs the letters."""

    name: str = ""
    street: str = ""
    street2: str = ""
    city: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = "US"
    phone: str = ""
    email: str = ""
    resume: str = ""

    def as_written(self) -> Sender:
        """The sender as a letter shows them: the phone as people write it at home."""
        return replace(self, phone=format_phone(self.phone, self.country) if self.phone else "")

    @property
    def lines(self) -> tuple[str, ...]:
        """The return address: name, street, city line."""
        place = " ".join(p for p in (self.region, self.postal_code) if p)
        city = ", ".join(p for p in (self.city, place) if p)
        return tuple(line for line in (self.name, self.street, self.street2, city) if line)

    def placeholders(self) -> list[str]:
        """The keys still holding the example values `campaign init` wrote."""
        return [key for key, value in INIT_EXAMPLE.items() if getattr(self, key) == value]

    def still_example(self) -> str:
        """``[sender] name 'Your Name' ... is still the example ...``, or "" once filled in."""
        left = self.placeholders()
        if not left:
            return ""
        shown = " and ".join(f"{key} {getattr(self, key)!r}" for key in left)
        verb = "are" if len(left) > 1 else "is"
        return f"[sender] {shown} {verb} still the example from `campaign init`"


# What `campaign init` writes under [sender] for the user to replace (data/campaign.toml).
INIT_EXAMPLE = {"name": "Your Name", "email": "you@example.com"}


@dataclass(frozen=True)
class Smtp:
    """How email leaves: one connection per send run."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    timeout: int = 30


@dataclass(frozen=True)
class Imap:
    """Where replies, bounces and auto-replies arrive (``campaign inbox``), read-only.

    ``folders`` are read (INBOX unless given), and ``junk_folder`` too when named (a
    reply filed as spam is still a reply). ``sent_folder``, when named, gets a copy of
    every email the campaign sends (leave it empty where the provider files sent mail
    itself, as Gmail does). The password is never read from this file.
    """

    host: str = ""
    port: int = 993
    security: str = "ssl"
    user: str = ""
    folders: tuple[str, ...] = ("INBOX",)
    junk_folder: str = ""
    sent_folder: str = ""
    timeout: int = 30

    @property
    def read_folders(self) -> tuple[str, ...]:
        """The folders ``campaign inbox`` reads, each once."""
        named = (*self.folders, self.junk_folder) if self.junk_folder else self.folders
        return tuple(dict.fromkeys(named))


@dataclass(frozen=True)
class Schedule:
    """The pace of the campaign: sends per week and the follow-up cadence."""

    weekly_cap: int = 20
    first_call_after_days: int = 7
    postal_days: int = 3
    calls_per_day: int = 16
    call_every_days: int = 30
    retry_after_days: int = 2
    max_unanswered: int = 4
    contact_every_days: int = 42


@dataclass(frozen=True)
class Interview:
    """Follow-up after a meeting: thank-you email, handwritten note, status call."""

    thank_you_email_days: int = 0
    note_days: int = 1
    status_call_days: int = 7


@dataclass(frozen=True)
class StoreSettings:
    """Where the state lives, when not the default SQLite file, and which campaign in it."""

    url: str = ""
    campaign: str = ""


SECTIONS: dict[str, type] = {
    "sender": Sender,
    "smtp": Smtp,
    "imap": Imap,
    "schedule": Schedule,
    "interview": Interview,
    "store": StoreSettings,
}

# Every number has a range: below it is a typo, above it a value no campaign means (and
# one that would overflow a date or a socket timeout). A key not named here gets DEFAULT_RANGE.
RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("schedule", "weekly_cap"): (1, 10_000),
    ("schedule", "first_call_after_days"): (0, 365),
    ("schedule", "postal_days"): (0, 60),
    ("schedule", "calls_per_day"): (1, 1_000),
    ("schedule", "call_every_days"): (1, 3_650),
    ("schedule", "retry_after_days"): (1, 365),
    ("schedule", "max_unanswered"): (1, 100),
    ("schedule", "contact_every_days"): (1, 3_650),
    ("interview", "thank_you_email_days"): (0, 365),
    ("interview", "note_days"): (0, 365),
    ("interview", "status_call_days"): (0, 365),
    ("smtp", "port"): (1, 65_535),
    ("smtp", "timeout"): (1, 3_600),
    ("imap", "port"): (1, 65_535),
    ("imap", "timeout"): (1, 3_600),
}
DEFAULT_RANGE = (0, 100_000)
# Keys naming a host: a name or an address, nothing that could start a second line.
HOST_KEYS = {("smtp", "host")}
# Control characters, line and paragraph separators: no setting is more than one line, and
# none of them prints in a letter (a NUL breaks a DOCX, a CR/LF starts a new header).
_CONTROLS = {"Cc", "Zl", "Zp"}
_HOST = re.compile(r"[A-Za-z0-9._:\[\]-]+")


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about the campaign it runs in."""

    home: Path
    db_url: str
    sender: Sender | None = None
    smtp: Smtp | None = None
    imap: Imap | None = None
    schedule: Schedule = field(default_factory=Schedule)
    interview: Interview = field(default_factory=Interview)
    config_path: Path | None = None
    campaign: str = DEFAULT_CAMPAIGN

    @property
    def output_dir(self) -> Path:
        """The one folder every generated file goes under."""
        return self.home / "output"

    @property
    def templates_dir(self) -> Path:
        """The user's own templates, which win over the package's."""
        return self.home / "templates"

    @property
    def country(self) -> str:
        """ISO country whose public holidays calls avoid."""
        return self.sender.country if self.sender else "US"

    def require_sender(self, to_send: bool = False) -> Sender:
        """The sender profile, or a ConfigError that says how to add one.

        ``to_send``: letters are about to go out, so init's example name and email
        ("Your Name", you@example.com) are refused too.
        """
        where = self.config_path or (self.home / CONFIG_NAME)
        if self.sender is None:
            raise ConfigError(
                f"{where}: no [sender] section; add one with your name, address, phone "
                f"and email (`campaign init` writes a commented example)"
            )
        for key in ("name", "street", "city"):
            if not getattr(self.sender, key).strip():
                raise ConfigError(f"{where}: [sender] {key} is empty; letters need it")
        example = self.sender.still_example()
        if to_send and example:
            raise ConfigError(f"{where}: {example}; put your own before sending")
        return self.sender


def resolve_home(home: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Path:
    """The campaign folder: ``--home``, else ``CAMPAIGN_HOME``, else the current directory."""
    chosen = home or env.get("CAMPAIGN_HOME") or os.getcwd()
    return Path(chosen).expanduser().resolve()


def resolve_today(env: Mapping[str, str], clock_today: date) -> date:
    """``CAMPAIGN_TODAY`` when set (YYYY-MM-DD), else the clock's date."""
    raw = env.get("CAMPAIGN_TODAY", "").strip()
    if not raw:
        return clock_today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"CAMPAIGN_TODAY={raw!r} is not a date; use YYYY-MM-DD") from None
    if not in_range(day):
        raise ConfigError(f"CAMPAIGN_TODAY={raw!r} is out of range: use {DAY_RANGE}")
    return day


def load_settings(home: Path, env: Mapping[str, str]) -> Settings:
    """Read ``campaign.toml`` (if any) under ``home`` and apply the precedence above."""
    path = home / CONFIG_NAME
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: can't be read: {exc}") from None
    elif path.exists():
        raise ConfigError(f"{path}: is not a file")
    sections = _parse_sections(data, path)
    store = sections.get("store") or StoreSettings()
    db_url = env.get("CAMPAIGN_DB", "").strip() or store.url or f"sqlite:///{home / 'campaign.db'}"
    campaign = store.campaign or env.get("CAMPAIGN_NAME", "").strip() or DEFAULT_CAMPAIGN
    problem = campaign_name_problem(campaign)
    if problem:
        where = f"{path}: [store] campaign" if store.campaign else "CAMPAIGN_NAME"
        raise ConfigError(f"{where} {campaign!r} {problem}")
    return Settings(
        home=home,
        db_url=db_url,
        sender=sections.get("sender"),
        smtp=sections.get("smtp"),
        imap=sections.get("imap"),
        schedule=sections.get("schedule") or Schedule(),
        interview=sections.get("interview") or Interview(),
        config_path=path if path.is_file() else None,
        campaign=campaign,
    )


def campaign_name_problem(name: str) -> str:
    """What is wrong with ``name`` as a campaign name ("" when nothing is)."""
    if not _CAMPAIGN_NAME.fullmatch(name):
        return f"is not a campaign name: use {CAMPAIGN_NAME_RULE}"
    schema = name.replace("-", "_")
    if schema in RESERVED_CAMPAIGNS or schema.startswith("pg_"):
        return "is a name PostgreSQL or campaign keeps for itself; choose another"
    return ""


def _parse_sections(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Turn the TOML tables into dataclasses, rejecting unknown keys by name."""
    parsed: dict[str, Any] = {}
    for name, table in data.items():
        if name not in SECTIONS:
            known = ", ".join(f"[{s}]" for s in SECTIONS)
            raise ConfigError(f"{path}: unknown section [{name}] (known: {known})")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {name} must be a [{name}] table")
        parsed[name] = _build(SECTIONS[name], name, table, path)
    smtp = parsed.get("smtp")
    if smtp is not None and not smtp.host:
        # An [smtp] table without a host is the commented template: treat it as absent.
        parsed.pop("smtp")
    imap = parsed.get("imap")
    if imap is not None and not imap.host:
        parsed.pop("imap")
    return parsed


def _text_list(value: Any, section: str, key: str, path: Path) -> tuple[str, ...]:
    """A list of names (``folders = ["INBOX", "Junk"]``; one name alone is a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
        raise ConfigError(
            f'{path}: [{section}] {key} must be a list of names, e.g. ["INBOX"], got {value!r}'
        )
    if not items:
        raise ConfigError(f"{path}: [{section}] {key} is empty; name at least one")
    return tuple(i.strip() for i in items)


def _build(cls: type, section: str, table: dict[str, Any], path: Path) -> Any:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if section in ("smtp", "imap") and key == "password":
            raise ConfigError(
                f"{path}: [{section}] password is never read from a file; set "
                f"CAMPAIGN_{section.upper()}_PASSWORD or store it in the system keyring"
            )
        if key not in fields:
            known = ", ".join(fields)
            raise ConfigError(f"{path}: unknown key [{section}] {key} (known: {known})")
        want = type(fields[key].default)
        if want is tuple:
            values[key] = _text_list(value, section, key, path)
            continue
        if want is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise ConfigError(f"{path}: [{section}] {key} must be a whole number, got {value!r}")
        if want is str:
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)  # postal_code = 62701 is a reasonable thing to type
            elif not isinstance(value, str):
                raise ConfigError(f"{path}: [{section}] {key} must be text, got {value!r}")
            value = value.strip()
        if want is int:
            low, high = RANGES.get((section, key), DEFAULT_RANGE)
            if not low <= value <= high:
                raise ConfigError(
                    f"{path}: [{section}] {key} must be from {low} to {high}, got {value}"
                )
        if (section, key) in HOST_KEYS and value and not _HOST.fullmatch(value):
            raise ConfigError(f"{path}: [{section}] {key} {value!r} is not a host name")
        if isinstance(value, str):
            control = next((c for c in value if unicodedata.category(c) in _CONTROLS), None)
            if control is not None:
                raise ConfigError(
                    f"{path}: [{section}] {key} holds a control character "
                    f"(U+{ord(control):04X}); a value here is one line of text"
                )
        values[key] = value
    if section == "smtp" and values.get("security", "starttls") not in SECURITY_MODES:
        raise ConfigError(
            f"{path}: [smtp] security must be one of {', '.join(SECURITY_MODES)}, "
            f"got {values['security']!r}"
        )
    if section == "imap":
        security = values.get("security", "ssl")
        if security not in IMAP_SECURITY_MODES:
            raise ConfigError(
                f"{path}: [imap] security must be one of {', '.join(IMAP_SECURITY_MODES)}, "
                f"got {security!r}"
            )
        values.setdefault("port", IMAP_PORTS[security])
    if section == "sender" and "country" in values:
        values["country"] = values["country"].upper() or "US"
    return cls(**values)


def moment(today: date, clock_now: datetime) -> datetime:
    """The moment of sending: the clock's time of day (its zone) on ``today``'s date.

    ``CAMPAIGN_TODAY`` moves the day, never the hour: a message "sent" on a planned day is
    dated at the real time of day, in the sender's own time zone.
    """
    now = clock_now if clock_now.tzinfo is not None else clock_now.astimezone()
    return now.replace(year=today.year, month=today.month, day=today.day)
