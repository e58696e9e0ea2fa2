"""What every command gets: the campaign folder, its settings, today, and the store."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from campaign.config import Settings, load_settings, resolve_home, resolve_today

if TYPE_CHECKING:
    from campaign.store import Store

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """Resolved once per invocation and handed to the command that runs."""

    home: Path
    env: Mapping[str, str]
    _on_close: Callable[[Callable[[], Any]], Any] = field(repr=False)

    @classmethod
    def from_context(cls, ctx: click.Context, home: str | None) -> App:
        """Build from the group's options and the environment."""
        env = dict(os.environ)
        return cls(home=resolve_home(home, env), env=env, _on_close=ctx.call_on_close)

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
        """The database, opened and migrated on first use, closed when the command ends."""
        from campaign.store import open_store

        store = open_store(self.settings.db_url)
        self._on_close(store.close)
        return store


pass_app = click.make_pass_decorator(App)
