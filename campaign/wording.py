"""Words in messages: counted nouns ("1 call", never "1 calls"), task ids, due days."""

from __future__ import annotations

from datetime import date


def noun(count: int, word: str, plural: str | None = None) -> str:
    """``word`` for one, its plural (``word + "s"`` unless given) for any other count."""
    return word if count == 1 else (plural or word + "s")


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``count`` and the noun that agrees with it: ``counted(1, "call") == "1 call"``."""
    return f"{count} {noun(count, word, plural)}"


def task_ref(task_id: int) -> str:
    """How a task is named wherever a person reads it: ``T12`` (a prospect is a bare 12)."""
    return f"T{task_id}"


def listed(items: list[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def due_word(due: date, today: date) -> str:
    """A due day in a few letters, for a table row: ``today``, ``3d late``, ``Fri 27 Nov``."""
    if due == today:
        return "today"
    if due < today:
        return f"{(today - due).days}d late"
    return f"{due:%a %d %b}" if due.year == today.year else f"{due:%d %b %Y}"
