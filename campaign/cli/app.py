"""What every command gets: the campaign folder, its settings, today, and the store."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, update_wrapper
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from campaign.config import CONFIG_NAME, Settings, load_settings, resolve_home, resolve_today
from campaign.errors import NoCampaign
from campaign.store import Store, open_store, store_exists

F = TypeVar("F", bound=Callable[..., Any])
EMPTY = "sqlite://"  # what a campaign that has imported nothing yet reads from


@dataclass
class App:
    """Resolved once per invocation and handed to the command that runs."""

    home: Path
    env: Mapping[str, str]
    _on_close: Callable[[Callable[[], Any]], Any] = field(repr=False)
    _may_create: bool = field(default=False, repr=False)
    chosen: str = ""  # how the folder was named: "--home", "CAMPAIGN_HOME", or "" (cwd)

    @classmethod
    def of(cls, ctx: click.Context) -> App:
        """The invocation's App, built once from the root's ``--home`` and the environment.

        A folder named by ``--home`` or ``CAMPAIGN_HOME`` must exist (a typo must not read
        as an empty campaign), except for ``campaign init``, which creates it.
        """
        root = ctx.find_root()
        if not isinstance(root.obj, App):
            env = dict(os.environ)
            option = root.params.get("home")
            home = resolve_home(option, env)
            chosen = "--home" if option else "CAMPAIGN_HOME" if env.get("CAMPAIGN_HOME") else ""
            if chosen and root.invoked_subcommand != "init" and not home.is_dir():
                raise NoCampaign(
                    f"{home}: no such folder (named by {chosen}); "
                    f"`campaign --home {home} init` starts a campaign there"
                )
            root.obj = cls(home=home, env=env, _on_close=root.call_on_close, chosen=chosen)
        return root.obj

    def require_campaign_folder(self) -> None:
        """Refuse to start a campaign in a folder that is not one (``import``, ``contact add``).

        A folder is a campaign when it has campaign.toml, or when ``--home`` or
        ``CAMPAIGN_HOME`` names it: ``cd lists && campaign import x.csv`` must not start a
        second campaign in ``lists/``.
        """
        if self.chosen or (self.home / CONFIG_NAME).is_file():
            return
        if store_exists(self.settings.db_url) and (self.home / "campaign.db").exists():
            return  # a campaign started before campaign.toml was required
        raise NoCampaign(
            f"no campaign in {self.home} (no {CONFIG_NAME}): `campaign init` makes this "
            "folder a campaign, or give yours with --home DIR (or CAMPAIGN_HOME)"
        )

    @cached_property
    def settings(self) -> Settings:
        """campaign.toml, loaded and checked."""
        return load_settings(self.home, self.env)

    @cached_property
    def today(self) -> date:
        """The one place the clock is read; everything below gets this date."""
        return resolve_today(self.env, date.today())  # noqa: DTZ011 - local date is the user's day

    @cached_property
    def store(self) -> Store:
        """The database, opened and migrated on first use, closed when the command ends.

        It must exist already: a command finding none stops with ``NoCampaign``, so
        reading (or a command that fails) leaves no empty campaign.db in a stray folder.
        Only the commands that add a campaign's first rows call ``start_store`` first.
        For a server database, see ``campaign.store.store_exists``: it is opened as before,
        at the campaign ``[store] campaign`` names (on PostgreSQL, that campaign's schema).
        """
        url = self.settings.db_url
        if not self._may_create and not store_exists(url):
            missing = f"no {_database_name(url, self.home)}"
            if self.settings.config_path is not None:
                # `campaign init` has been run, nothing imported yet: an empty campaign,
                # read from an empty database in memory (no file is created).
                empty = open_store(EMPTY)
                self._on_close(empty.close)
                return empty
            raise NoCampaign(
                f"no campaign in {self.home} yet ({missing}): "
                "start one with `campaign init`, then `campaign import FILE`"
            )
        settings = self.settings
        store = open_store(url, settings.campaign, weekly_cap=settings.schedule.weekly_cap)
        self._on_close(store.close)
        return store

    def start_store(self) -> Store:
        """The store, created if there is none yet (import and contact add start a campaign)."""
        self._may_create = True
        return self.store

    @property
    def store_if_any(self) -> Store | None:
        """The store when the database exists, None when nothing is imported yet.

        Never creates one. In the current folder when it is no campaign at all (no
        campaign.toml, no database, not named by ``--home`` or ``CAMPAIGN_HOME``) it is
        NoCampaign: a stray folder must not show an empty campaign as if the data were
        gone (a mistyped ``--home`` is refused in ``App.of``).
        """
        if store_exists(self.settings.db_url):
            return self.store
        if self.settings.config_path is None and not self.chosen:
            return self.store  # raises NoCampaign, saying how to start one
        return None

    @property
    def is_campaign(self) -> bool:
        """Whether the folder is a campaign: initialised, or with a database."""
        return self.settings.config_path is not None or store_exists(self.settings.db_url)


def _database_name(url: str, home: Path) -> str:
    path = url.removeprefix("sqlite:///")
    try:
        return str(Path(path).relative_to(home))
    except ValueError:
        return path


def pass_app(command: F) -> F:
    """Hand the command the invocation's ``App`` as its first argument."""

    def run(*args: Any, **kwargs: Any) -> Any:
        return command(App.of(click.get_current_context()), *args, **kwargs)

    return cast(F, update_wrapper(run, command))
