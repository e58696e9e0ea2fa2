"""The one strict Jinja2 environment every text template renders in: letters and thank-yous.

Strict: an unknown variable is an error, and so is a blank field the template prints
(``Blank``, false in ``{% if %}``). Every failure is a ``TemplateError`` that names the
template and its line: ``templates/marketing.txt:4: 'industry' is undefined``. Values
are inserted as text, never evaluated; ``period`` and ``paragraph`` are the filters
added. ``field_name`` is how a list's own column becomes a merge field.

Templates are the user's own, and people share them, so they run in Jinja2's sandbox
(no ``__class__``, no ``cycler.__init__.__globals__``) with limits: nothing a template
builds or prints may pass ``SIZE_LIMIT`` characters, no number ``NUMBER_LIMIT`` bits,
one render may take ``TIME_LIMIT`` seconds, a macro that calls itself forever stops,
and a control character (``\x01``) in a template or its output is refused. Each is a
one-line ``TemplateError`` like any other.
"""

from __future__ import annotations

import math
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from campaign.errors import TemplateError
from campaign.people import fold

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def field_name(column: str) -> str:
    """A list's own column as a merge field: an ASCII snake_case identifier.

    ``Referral Source`` -> ``referral_source``, ``Activité`` -> ``activite`` (accents
    folded, so templates can be typed on any keyboard), ``2nd Contact`` -> ``column_2nd_contact``.
    """
    key = _NOT_ALNUM.sub("_", fold(column)).strip("_")
    if not key:
        return "column"
    return f"column_{key}" if key[0].isdigit() else key


class ExtraFields(dict[str, Any]):
    """A prospect's own columns (``extra``), by the column's header or its field name.

    ``extra['Met At']``, ``extra['met_at']`` and ``extra.met_at`` are one value,
    whichever way the list's column was stored. A column the prospect's list does not
    have is blank (false in ``{% if %}``), and an error saying so when printed
    (``missing(name)`` words it).
    """

    def __init__(
        self, values: Mapping[str, Any], missing: Callable[[str], str] | None = None
    ) -> None:
        super().__init__({field_name(k): v for k, v in values.items()})
        self.update(values)
        self._missing = missing

    def __missing__(self, key: str) -> Any:
        name = field_name(str(key))
        if name != key and name in self:
            return self[name]
        if self._missing is None:
            raise KeyError(key)
        return blank_class()(hint=self._missing(str(key)), name=str(key))


def shown(path: Path) -> str:
    """How messages name a template: ``templates/marketing.txt`` or ``... (package default)``."""
    if path.is_relative_to(PACKAGE_TEMPLATES):
        return f"{path.name} (package default)"
    return f"templates/{path.name}"


_STOPS = (".", "!", "?", "\u2026")
_CLOSING_QUOTES = '"\u201d'


def period(value: Any) -> str:
    """The ``period`` filter: ``value`` ending a sentence, without a second full stop.

    ``at {{ company | period }}`` prints "at Acme." and "at Acme Inc." alike. A value
    ending in "!", "?" or a stop inside quotes keeps its own; a trailing comma, colon or
    semicolon gives way to the stop, so whatever the job seeker typed reads as a sentence.
    """
    text = str(value).rstrip().rstrip(",;:").rstrip()
    core = text.rstrip(_CLOSING_QUOTES)
    if core.rstrip(")]").endswith(_STOPS):
        return text  # 'the article "Why Lean?"' and "Acme Inc." already end a sentence
    if core != text and core == core.rstrip(")]"):
        # US style puts the stop inside the closing quote: 'the article "Lean Stores."'
        return f"{core}.{text[len(core) :]}"
    return f"{text}."


def paragraph(text: Any) -> str:
    """The ``paragraph`` filter block: its lines run together as one paragraph.

    ``{% filter paragraph %}`` lets a template keep one sentence (and one ``{% if %}``)
    per line while the reader gets prose; an empty block prints nothing.
    """
    joined = " ".join(str(text).split())
    return f"{joined}\n" if joined else ""


SIZE_LIMIT = 1_000_000  # characters a template may build or print: a letter is ~3,000
NUMBER_LIMIT = 4_096  # bits of a number a template computes (10**1200 is ~4,000)
TIME_LIMIT = 5.0  # seconds one render may take (a letter takes a millisecond)
# Not text: C0 controls but tab, line feed and carriage return; DEL and the C1 controls;
# surrogates and the two non-characters XML refuses. Word, PDF and email can't carry them.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Format widths and precisions ("%9999999s", "{:>9999999}"): seven digits or more.
_HUGE_WIDTH = re.compile(r"[%:.<>^=+\- #0,_]\d{7,}")
_GROWING = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def not_text(text: str) -> str | None:
    """The first character of ``text`` that no letter can carry, as ``U+0001``; else None."""
    found = _NOT_TEXT.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


@lru_cache(maxsize=1)
def _sandbox() -> tuple[Any, dict[str, Any]]:
    """Jinja2's sandbox with size limits on what a template computes."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    def too_large(what: str) -> SecurityError:
        return SecurityError(f"{what} would be too large (the limit is {SIZE_LIMIT:,} characters)")

    def sized(length: int, what: str = "the result") -> None:
        if length > SIZE_LIMIT:
            raise too_large(what)

    def measured(value: Any) -> int:
        return len(value) if isinstance(value, str | bytes | list | tuple) else 0

    def check_format(spec: Any) -> None:
        if isinstance(spec, str) and _HUGE_WIDTH.search(spec):
            raise too_large("a formatted value")

    class Sandbox(SandboxedEnvironment):
        """No private attributes, no unsafe calls, and nothing too large to build."""

        intercepted_binops = frozenset({"*", "**", "%", "+"})

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if measured(seq) and isinstance(times, int):
                        sized(measured(seq) * times)
            elif operator == "+":
                sized(measured(left) + measured(right))
            elif operator == "%":
                check_format(left)
            elif (
                isinstance(left, int)
                and isinstance(right, int)
                and abs(left) > 1
                and right * math.log2(abs(left)) > NUMBER_LIMIT
            ):
                raise SecurityError(f"{left}**{right} is too large a number")
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            owner = getattr(__obj, "__self__", None)
            if isinstance(owner, str):
                name = getattr(__obj, "__name__", "")
                if name in _GROWING:
                    sized(max([len(owner), *(a for a in args if isinstance(a, int))]))
                elif name == "replace" and len(args) >= 2:
                    old, new = (measured(a) for a in args[:2])
                    sized(len(owner) + owner.count(str(args[0])) * max(new - old, 0) + new)
                elif name == "join" and args:
                    sized(sum(measured(x) + len(owner) for x in list(args[0])[:SIZE_LIMIT]))
            return super().call(__context, __obj, *args, **kwargs)

        def wrap_str_format(self, value: Any) -> Any:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            check_format(value.__self__)
            return wrapped

    from jinja2 import pass_eval_context

    filters = dict(Sandbox().filters)

    def center(value: Any, width: int = 80) -> str:
        sized(max(measured(str(value)), width if isinstance(width, int) else 0))
        return str(filters["center"](value, width))

    def indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> str:
        pad = width if isinstance(width, int) else measured(width)
        sized(len(str(value)) * (1 + max(pad, 0)))
        return str(filters["indent"](value, width, *args, **kwargs))

    def format_(value: Any, *args: Any, **kwargs: Any) -> str:
        check_format(value)
        return str(filters["format"](value, *args, **kwargs))

    def batch(value: Any, linecount: int, fill_with: Any = None) -> Any:
        if fill_with is not None and isinstance(linecount, int):
            sized(linecount, "a batch")
        return filters["batch"](value, linecount, fill_with)

    @pass_eval_context
    def replace(eval_ctx: Any, value: Any, old: Any, new: Any, count: Any = None) -> Any:
        text, before, after = str(value), str(old), str(new)
        grows = text.count(before) if before else len(text) + 1
        sized(len(text) + grows * max(len(after) - len(before), 0))
        return filters["replace"](eval_ctx, value, old, new, count)

    @pass_eval_context
    def join(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> Any:
        items = list(value)
        sized(len(items) * len(str(d)), "the joined text")
        return filters["join"](eval_ctx, items, d, attribute)

    guarded = {
        "center": center,
        "indent": indent,
        "format": format_,
        "batch": batch,
        "replace": replace,
        "join": join,
    }
    return Sandbox, guarded


def _limited(**options: Any) -> Any:
    sandbox, guarded = _sandbox()
    env = sandbox(**options)
    env.filters.update(guarded)
    return env


def environment(finalize: Callable[[Any], Any] | None = None, user_dir: Path | None = None) -> Any:
    """The strict plain-text sandbox (``user_dir``: templates found by name there first)."""
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined

    loader = None
    if user_dir is not None:
        loader = ChoiceLoader(
            [FileSystemLoader(str(user_dir)), FileSystemLoader(PACKAGE_TEMPLATES)]
        )
    env = _limited(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.filters["period"] = period
    env.filters["paragraph"] = paragraph
    return env


def word_environment() -> Any:
    """The strict sandbox for the user's Word templates: every value escaped for XML."""
    from jinja2 import StrictUndefined

    return _limited(undefined=StrictUndefined, autoescape=True)


def page_environment() -> Any:
    """A strict environment for the package's own HTML pages: every value escaped."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, autoescape=True)
    return env


@lru_cache(maxsize=1)
def blank_class() -> Any:
    """The undefined type of a field left blank: false in ``{% if %}``, an error when printed."""
    from jinja2 import StrictUndefined

    class Blank(StrictUndefined):
        """An empty field: false in ``{% if %}``, an error when printed."""

        def __bool__(self) -> bool:  # type: ignore[override]
            return False

        def __len__(self) -> int:  # type: ignore[override]
            return 0

        def __iter__(self) -> Any:
            return iter(())

    return Blank


def with_blanks(values: Mapping[str, Any], what: Callable[[str], str]) -> dict[str, Any]:
    """``values`` with every blank one a ``Blank`` whose error says ``what(key)``."""
    blank = blank_class()
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            out[key] = blank(hint=what(key), name=key)
        else:
            out[key] = value
    return out


def compile_file(path: Path, env: Any) -> Any:
    """The template at ``path`` compiled; TemplateError with file and line if it can't be."""
    from jinja2 import TemplateSyntaxError

    where = shown(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{where}: can't be read: {exc}") from None
    found = _NOT_TEXT.search(source)
    if found:
        line = source.count("\n", 0, found.start()) + 1
        raise TemplateError(
            f"{where}:{line}: control character U+{ord(found.group()):04X} in the template; "
            "delete it (no letter can print it)"
        )
    try:
        return env.from_string(source, template_class=None, globals=None)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from None
    except (RecursionError, MemoryError):
        raise TemplateError(f"{where}: nested too deeply to read") from None


def find_template(env: Any, name: str) -> Any:
    """A template found by name through ``env``'s loader (the user's first, then the package's)."""
    from jinja2 import TemplateError as JinjaError
    from jinja2 import TemplateSyntaxError

    try:
        return env.get_template(name)
    except TemplateSyntaxError as exc:
        where = shown(Path(exc.filename)) if exc.filename else name
        raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from None
    except JinjaError as exc:
        raise TemplateError(f"{name}: {exc}") from None


class _Timeout(Exception):
    """A render ran past ``TIME_LIMIT``."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise ``_Timeout`` in the code run inside after ``seconds``.

    A signal timer, so it only works in the main thread (elsewhere nothing is limited);
    an alarm already set (a test runner's) is kept and re-armed afterwards.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    started = time.monotonic()

    def expire(signum: int, frame: Any) -> None:
        if outer and outer <= seconds and callable(previous):
            previous(signum, frame)  # the outer alarm was due first: it is its turn
            return
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)[0]
    if outer and outer < seconds:
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def render(
    template: Any, where: str, context: Mapping[str, Any], who: str = "", xml: bool = False
) -> str:
    """Render strictly, within the limits; TemplateError names ``where``, the line, ``who``.

    ``xml``: a Word template's part, whose lines count XML rather than what the user
    typed (so none is named) and whose output still holds docxtpl's markers (checked
    for control characters once they are resolved).
    """
    from jinja2 import TemplateError as JinjaError

    at = (lambda exc: where) if xml else (lambda exc: _at(where, exc))
    limit = SIZE_LIMIT * (10 if xml else 1)  # a Word part's markup is many times its text
    try:
        with _deadline(TIME_LIMIT):
            parts: list[str] = []
            size = 0
            for part in template.generate(context):
                size += len(part)
                if size > limit:
                    raise MemoryError
                parts.append(part)
    except JinjaError as exc:
        raise TemplateError(f"{at(exc)}: {exc.message or exc}{who}") from None
    except _Timeout as exc:
        raise TemplateError(
            f"{at(exc)}: still rendering after {TIME_LIMIT:g} s (a loop that never ends?){who}"
        ) from None
    except RecursionError as exc:
        raise TemplateError(
            f"{at(exc)}: calls itself too deeply (a macro that never stops?){who}"
        ) from None
    except MemoryError as exc:
        raise TemplateError(
            f"{at(exc)}: prints too much (the limit is {limit:,} characters){who}"
        ) from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"{at(exc)}: {exc}{who}") from None
    out = "".join(parts)
    if not xml:
        check_text(out, where, who)
    return out


def check_text(text: str, where: str, who: str = "") -> None:
    """TemplateError if ``text`` holds a character no letter can carry."""
    bad = not_text(text)
    if bad is not None:
        raise TemplateError(
            f"{where}: prints the control character {bad}{who}; no letter can carry it"
        )


def where_of(template: Any, name: str) -> str:
    """How messages name a template found by name (its file when it has one)."""
    filename = getattr(template, "filename", None)
    return shown(Path(filename)) if filename else name


def _at(where: str, exc: BaseException) -> str:
    line = _template_line(exc)
    return f"{where}:{line}" if line else where


def _template_line(exc: BaseException) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's own line numbers.
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in (
            "<template>",
        ) or tb.tb_frame.f_code.co_filename.endswith((".txt", ".j2")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
