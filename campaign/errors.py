"""One exception hierarchy, caught by its base class in one place (``cli.CampaignGroup``).

Every user mistake or setup problem is a ``CampaignError`` whose message says what
and where (file, row, column, key) in one line. Foreign errors (pandas, TOML, Jinja2,
docx, SMTP, SQLAlchemy) are wrapped where they happen into one of these.

The core names no command-line flag: a message that is about an argument the caller
passed names it with ``arg("callback")``, and whoever shows the message spells it. The
CLI spells it as its option (``--callback``); ``str(error)`` as the plain name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ARGUMENT = re.compile("\u27e8([A-Za-z_][A-Za-z0-9_]*)\u27e9")


def arg(name: str) -> str:
    """A placeholder for the argument ``name`` in a message (spelled by ``worded``)."""
    return f"\u27e8{name}\u27e9"


def plain(name: str) -> str:
    """An argument as the core calls it: ``referred_by`` -> ``referred by``."""
    return name.replace("_", " ")


def worded(text: str, spell: Callable[[str], str] = plain) -> str:
    """``text`` with each ``arg`` placeholder named by ``spell`` (the CLI passes its flags)."""
    return _ARGUMENT.sub(lambda m: spell(m[1]), text)


class CampaignError(Exception):
    """The user's input or setup is wrong; nothing was changed. Exit code 1."""

    exit_code = 1

    def worded(self, spell: Callable[[str], str] = plain) -> str:
        """The message, each argument named by ``spell`` (the CLI passes its flag spellings)."""
        return worded(super().__str__(), spell)

    def __str__(self) -> str:
        return self.worded()


class ConfigError(CampaignError):
    """campaign.toml or an environment variable is wrong."""


class InputError(CampaignError):
    """A file or argument the user gave can't be used."""


class TemplateError(CampaignError):
    """A letter template does not render."""


class StoreError(CampaignError):
    """The database can't be opened or written."""


class NoCampaign(CampaignError):
    """There is no campaign database here yet, and this command does not start one."""


class NotFound(CampaignError):
    """A prospect, send or task named by the user does not exist."""


class RunInProgress(CampaignError):
    """Another send run holds the lock."""


class LedgerConflict(CampaignError):
    """A ledger row is not in the state an operation needs (another run got there first)."""


class DeliveryError(CampaignError):
    """SMTP setup is wrong before anything was sent (connection, login)."""


class MailboxError(CampaignError):
    """IMAP setup is wrong, or the server can't be reached or refused the login."""


class PartialDelivery(CampaignError):
    """Some deliveries failed and are recorded as such; a re-run retries only those."""

    exit_code = 3
