"""The email policy of the letters: the standard one, each distinct header parsed once.

A send run builds and serialises one message per letter with ``email.policy.default``,
which parses every header as it is set and refolds it as it is written: about a third
of a message's cost, and most of those headers are the same in every message of the
run (From, Date, MIME-Version, each part's Content-Type and Content-Transfer-Encoding).
``REUSED_HEADERS`` is that same policy, but a header set again with the same name and
value gets the header object parsed the first time (they are immutable), and a header
folded again under the same settings gets the bytes folded the first time. The
messages are byte for byte those of the default policy (a test compares them).
"""

from __future__ import annotations

from email.headerregistry import Address
from email.policy import EmailPolicy
from typing import Any

_LIMIT = 512  # entries per cache: the run's repeated headers stay; one-offs come and go
_parsed: dict[tuple[Any, ...], Any] = {}
_folded: dict[tuple[Any, ...], bytes] = {}


def _value_key(value: Any) -> tuple[Any, ...] | None:
    if isinstance(value, Address):
        return ("address", value.display_name, value.username, value.domain)
    if type(value) is str and len(value.splitlines()) <= 1:
        return ("text", value)
    return None  # anything else (a header object, a group, several lines) as usual


def _remember(cache: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> Any:
    if len(cache) >= _LIMIT:
        cache.clear()
    cache[key] = value
    return value


class ReusedHeaders(EmailPolicy):
    """``email.policy.default``, parsing and folding each distinct header once."""

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        """As the default policy: the name, and the header object parsed from ``value``."""
        key = _value_key(value)
        if key is None:
            return super().header_store_parse(name, value)
        key = (name, *key)
        found = _parsed.get(key)
        if found is None:
            found = _remember(_parsed, key, super().header_store_parse(name, value)[1])
        return (name, found)

    def fold_binary(self, name: str, value: Any) -> bytes:
        """As the default policy: the header as it goes on the wire."""
        if not hasattr(value, "name"):  # a header read from a source, not one we set
            return super().fold_binary(name, value)
        key: tuple[Any, ...] = (name, str(value), type(value), self.linesep)
        key += (self.max_line_length, self.utf8, self.cte_type, self.refold_source)
        found = _folded.get(key)
        if found is None:
            found = _remember(_folded, key, super().fold_binary(name, value))
        return found


REUSED_HEADERS = ReusedHeaders()
