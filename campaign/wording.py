"""Counted nouns in messages: "1 call", "2 calls", never "1 calls" or "call(s)"."""

from __future__ import annotations


def noun(count: int, word: str, plural: str | None = None) -> str:
    """``word`` for one, its plural (``word + "s"`` unless given) for any other count."""
    return word if count == 1 else (plural or word + "s")


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``count`` and the noun that agrees with it: ``counted(1, "call") == "1 call"``."""
    return f"{count} {noun(count, word, plural)}"
