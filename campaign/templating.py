"""The one strict Jinja2 environment every text template renders in: letters and thank-yous.

Strict: an unknown variable is an error, and so is a blank field the template prints
(``Blank``, false in ``{% if %}``). Every failure is a ``TemplateError`` that names the
template and its line: ``templates/marketing.txt:4: 'industry' is undefined``. Values
are inserted as text, never evaluated; ``period`` and ``paragraph`` are the filters
added. ``field_name`` is how a list's own column becomes a merge field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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


def environment(finalize: Callable[[Any], Any] | None = None, user_dir: Path | None = None) -> Any:
    """The strict plain-text environment (``user_dir``: templates found by name there first)."""
    from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

    loader = None
    if user_dir is not None:
        loader = ChoiceLoader(
            [FileSystemLoader(str(user_dir)), FileSystemLoader(PACKAGE_TEMPLATES)]
        )
    env = Environment(
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


def page_environment() -> Any:
    """A strict environment for HTML and Word templates: every value escaped as it is inserted."""
    from jinja2 import Environment, StrictUndefined

    return Environment(undefined=StrictUndefined, autoescape=True)


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
    try:
        return env.from_string(source, template_class=None, globals=None)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{where}:{exc.lineno}: {exc.message}") from None


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


def render(template: Any, where: str, context: Mapping[str, Any], who: str = "") -> str:
    """Render strictly; TemplateError names ``where``, the template's line, and ``who``."""
    from jinja2 import TemplateError as JinjaError

    try:
        return str(template.render(context))
    except JinjaError as exc:
        raise TemplateError(f"{_at(where, exc)}: {exc.message or exc}{who}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise TemplateError(f"{_at(where, exc)}: {exc}{who}") from None


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
