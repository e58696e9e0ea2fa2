"""Where a mail password comes from: never a file, never stored or printed by the campaign.

The environment variable first (``CAMPAIGN_SMTP_PASSWORD``, ``CAMPAIGN_IMAP_PASSWORD``),
else the system keyring (``keyring set SERVICE USER``), else a prompt when a person is at
a terminal. The SMTP and IMAP accounts look theirs up the same way, under their own names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    """One kind of mail account's password places: ``SMTP`` under ``CAMPAIGN_SMTP_PASSWORD``."""

    kind: str  # "SMTP", "IMAP": as a person reads it in a prompt or an error
    variable: str  # the environment variable
    service: str  # the keyring service

    def missing(self, user: str) -> str:
        """What to say when none of the places has ``user``'s password."""
        return (
            f"no {self.kind} password for {user}: set {self.variable}, or store it with "
            f"`keyring set {self.service} {user}`"
        )


SMTP = Account("SMTP", "CAMPAIGN_SMTP_PASSWORD", "campaign")
IMAP = Account("IMAP", "CAMPAIGN_IMAP_PASSWORD", "campaign-imap")


def find_password(
    account: Account,
    user: str,
    host: str,
    env: Mapping[str, str],
    prompt: Callable[[str], str] | None = None,
) -> str | None:
    """``user``'s password from the environment, the keyring or ``prompt``; None if nowhere."""
    if env.get(account.variable):
        return env[account.variable]
    stored = _keyring_password(account.service, user)
    if stored:
        return stored
    if prompt is not None:
        return prompt(f"{account.kind} password for {user} at {host}")
    return None


def _keyring_password(service: str, user: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(service, user)
    except Exception:  # no keyring backend on this machine, or a locked one: not there
        return None
