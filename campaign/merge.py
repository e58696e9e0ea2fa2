"""Letters: find a letter's templates, render a whole batch strictly, then write the files.

A letter is one Jinja2 text file, ``templates/NAME.txt`` (the campaign folder's copy wins
over the package's). Its first line is ``Subject: ...`` (the email subject); the rest is
the letter from the salutation to the closing, in plain paragraphs separated by blank
lines, with ``*italic*`` and ``**bold**``. The layout around it (letterhead, date, inside
address, typed signature) comes from the DOCX/PDF/email writers in ``campaign.documents``,
or from an optional ``templates/NAME.docx`` (docxtpl) for the Word look.

Rendering is strict and comes first: an unknown variable, a syntax error or a blank field
the template prints stops the whole batch before any file is written, with
``templates/NAME.txt:LINE: ...``. Values from the data are inserted as text, never
evaluated, and their ``*`` never turn into emphasis.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from campaign.batches import Batch, delivery_channel
from campaign.config import Sender, Settings
from campaign.errors import InputError, TemplateError
from campaign.models import POST, Prospect

if TYPE_CHECKING:
    from campaign.store import Store

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
TEXT_SUFFIX = ".txt"
FORMATS = ("docx", "pdf", "email")
Track = Callable[[Sequence[Any], str], Iterable[Any]]

# A data value's "*" travels through rendering as this private-use character, so that
# only the template's own asterisks become emphasis; it is turned back at the end.
_STAR = "\ue000"
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*", re.DOTALL)


class Run(NamedTuple):
    """A stretch of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


Paragraph = tuple[Run, ...]


@dataclass(frozen=True)
class Letter:
    """A letter's templates, compiled once and reused for every prospect."""

    name: str
    path: Path  # the text template: subject and wording
    template: Any  # the compiled jinja2.Template
    docx_template: Path | None = None  # optional templates/NAME.docx (docxtpl)

    @property
    def shown(self) -> str:
        """How error messages name the template file."""
        return _shown(self.path)


@dataclass(frozen=True)
class Rendered:
    """One prospect's letter, rendered and checked: everything the writers need."""

    prospect: Prospect
    letter: str
    subject: str
    paragraphs: tuple[Paragraph, ...]  # salutation .. closing, with emphasis
    body_text: str  # the email's plain-text part, signature included
    body_html: str  # the email's HTML part, same words
    date_line: str  # "November 16, 2026"
    sender_lines: tuple[str, ...]  # letterhead / return address
    recipient_lines: tuple[str, ...]  # inside address / envelope
    signature: tuple[str, ...]  # typed below the closing
    channel: str  # "email" or "post": how a send run would deliver it
    call_date: date  # the day the letter promises a call
    position: int = 1  # running number in the batch
    docx_template: Path | None = None
    return_lines: tuple[str, ...] = ()  # the envelope's return address
    enclosures: tuple[str, ...] = ()  # printed below the signature: "Enclosure: Resume"
    context: Mapping[str, Any] = field(default_factory=dict, repr=False)  # plain values

    @property
    def text(self) -> str:
        """The letter's wording without emphasis marks (for tests and previews)."""
        return "\n\n".join("".join(r.text for r in p) for p in self.paragraphs)


# -- templates -------------------------------------------------------------------------


def _shown(path: Path) -> str:
    if path.is_relative_to(PACKAGE_TEMPLATES):
        return f"{path.name} (package default)"
    return f"templates/{path.name}"


def _finalize(value: Any) -> Any:
    # Data may hold "*" or line breaks; neither may change the letter's structure.
    if isinstance(value, str):
        return value.replace("*", _STAR).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return value


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


def jinja_environment(loader: Any = None, finalize: Any = None) -> Any:
    """The strict plain-text Jinja2 environment every template of the campaign renders in.

    Values are inserted as they are, never evaluated; ``period`` and ``paragraph`` are
    the filters added.
    """
    from jinja2 import Environment, StrictUndefined

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


def _environment() -> Any:
    return jinja_environment(finalize=_finalize)


def _blank_class() -> Any:
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


def _compile(path: Path, env: Any) -> Any:
    from jinja2 import TemplateSyntaxError

    shown = _shown(path)
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{shown}: can't be read: {exc}") from None
    try:
        return env.from_string(source, template_class=None, globals=None)
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{shown}:{exc.lineno}: {exc.message}") from None


def _find(settings: Settings, name: str, suffix: str) -> Path | None:
    for folder in (settings.templates_dir, PACKAGE_TEMPLATES):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def letter_names(settings: Settings) -> list[str]:
    """Every letter the campaign knows: the user's templates/ and the package's."""
    names: set[str] = set()
    for folder in (settings.templates_dir, PACKAGE_TEMPLATES):
        if folder.is_dir():
            names.update(p.stem for p in folder.glob(f"*{TEXT_SUFFIX}"))
    return sorted(n for n in names if not n.startswith(("thank_you", "_", ".")))


def load_letter(settings: Settings, name: str) -> Letter:
    """The letter ``name``, its text template compiled; TemplateError if there is none."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
        raise TemplateError(f"letter name {name!r} must be letters, digits, - or _")
    path = _find(settings, name, TEXT_SUFFIX)
    if path is None:
        known = ", ".join(letter_names(settings)) or "none"
        raise TemplateError(
            f"no letter {name!r}: add templates/{name}{TEXT_SUFFIX} (known letters: {known})"
        )
    template = _compile(path, _environment())
    # A Word template only counts next to the text it lays out (same folder wins).
    docx = path.with_suffix(".docx")
    return Letter(name, path, template, docx if docx.is_file() else None)


def render_text(template_path: Path, context: Mapping[str, Any]) -> str:
    """Render one text template strictly; TemplateError names file, line and variable."""
    template = _compile(template_path, _environment())
    return _render(template, _shown(template_path), context).replace(_STAR, "*")


def _render(template: Any, shown: str, context: Mapping[str, Any], who: str = "") -> str:
    from jinja2 import TemplateError as JinjaError

    try:
        return str(template.render(context))
    except JinjaError as exc:
        line = _template_line(exc)
        where = f"{shown}:{line}" if line else shown
        raise TemplateError(f"{where}: {exc.message or exc}{who}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError) as exc:
        line = _template_line(exc)
        where = f"{shown}:{line}" if line else shown
        raise TemplateError(f"{where}: {exc}{who}") from None


def _template_line(exc: BaseException) -> int | None:
    # Jinja rewrites tracebacks so template frames carry the template's own line numbers.
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# -- the merge context -----------------------------------------------------------------


def letter_date(day: date) -> str:
    """A date as a letter gives it: ``November 16, 2026``."""
    return f"{day:%B} {day.day}, {day.year}"


def call_day(day: date) -> str:
    """A promised call day as the letter says it: ``Tuesday, November 24``."""
    return f"{day:%A}, {day:%B} {day.day}"


def salutation(prospect: Prospect) -> str:
    """``Dear Ms. Baptiste:``, ``Dear Dr. Okafor:``, or ``Dear Jordan Lee:`` without honorific."""
    honorific = prospect.honorific.strip()
    if honorific and not honorific.endswith(".") and honorific.lower() in _ABBREVIATED:
        honorific += "."
    first, last = prospect.first_name.strip(), prospect.last_name.strip()
    if honorific.lower() in _BY_FIRST_NAME and first:
        return f"Dear {honorific} {first}:"  # Sir Elton, Dame Judi
    if honorific and last:
        return f"Dear {honorific} {last}:"
    # An initial alone reads oddly ("Dear J. Smith:"): keep the middle one with it.
    middle = prospect.middle_name.strip() if re.fullmatch(r"\w\.?", first) else ""
    name = " ".join(p for p in (first, middle, last) if p)
    return f"Dear {name or prospect.contact.strip()}:"


_ABBREVIATED = {"mr", "ms", "mrs", "dr", "prof", "mx"}
_BY_FIRST_NAME = {"sir", "dame"}


def scheduled_calls(
    prospects: Sequence[Prospect], settings: Settings, today: date, store: Store | None = None
) -> dict[int, date]:
    """The call day each letter sent today promises, on top of the calls already in ``store``.

    A prospect whose follow-up call is already on the books (a second letter) is promised
    that call when it falls late enough for the letter to have arrived; otherwise the
    letter promises a new day and the send moves the call there.
    """
    from datetime import timedelta

    from campaign.clock import BusinessCalendar
    from campaign.followup import first_call_earliest, promised_calls

    load: dict[date, int] = {}
    booked: dict[int, date] = {}
    if store is not None:
        load = store.call_load(today, today + timedelta(days=400))[0]
        booked = store.open_call_dues([p.id for p in prospects])
    promised: dict[int, date] = {}
    sends: list[tuple[int, str]] = []
    for p in prospects:
        channel = delivery_channel(p, settings) or POST
        due = booked.get(p.id)
        if due is not None and due >= first_call_earliest(channel, today, settings.schedule):
            promised[p.id] = due
        else:
            sends.append((p.id, channel))
    calendar = BusinessCalendar(settings.country)
    promised.update(promised_calls(sends, today, settings.schedule, calendar, load))
    return promised


def _with_blanks(values: Mapping[str, Any], blank: Any, what: Callable[[str], str]) -> dict:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            out[key] = blank(hint=what(key), name=key)
        else:
            out[key] = value
    return out


def _context(
    prospect: Prospect,
    sender: Sender,
    settings: Settings,
    today: date,
    call_date: date,
    channel: str,
    position: int,
    total: int,
    blank: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The strict context (blanks fail when printed) and the plain one (for docxtpl)."""
    from campaign.clock import iso_week

    label = f"prospect {prospect.id} ({prospect.company})"
    fields = asdict(prospect)
    extra = fields.pop("extra") or {}
    plain: dict[str, Any] = {}
    for key, value in extra.items():
        plain[_identifier(key)] = value
    plain.update(fields)
    plain.update(
        extra=dict(extra),
        name=" ".join(p for p in (prospect.first_name, prospect.last_name) if p)
        or prospect.contact,
        salutation=salutation(prospect),
        address_lines=prospect.address_lines,
        date=letter_date(today),
        today=today,
        call_date=call_day(call_date),
        call_weekday=f"{call_date:%A}",
        call_on=call_date,
        channel=channel,
        week=iso_week(today),
        letter_number=position,
        batch_size=total,
    )
    sender_plain = asdict(sender)
    where = settings.config_path or settings.home / "campaign.toml"
    strict = _with_blanks(plain, blank, lambda k: f"{k!r} is blank for {label}")
    strict["extra"] = _with_blanks(extra, blank, lambda k: f"{k!r} is blank for {label}")
    strict["sender"] = _with_blanks(
        sender_plain, blank, lambda k: f"[sender] {k} is empty in {where}"
    )
    plain["sender"] = sender_plain
    return strict, plain


def _identifier(column: str) -> str:
    """An extra column's merge-field name: ``Referral Source`` -> ``referral_source``."""
    name = re.sub(r"\W+", "_", column.strip().lower()).strip("_")
    return name if name and not name[0].isdigit() else f"x_{name}"


# -- turning the rendered text into paragraphs -----------------------------------------


def _split(text: str, shown: str) -> tuple[str, list[str]]:
    lines = text.lstrip("\n").split("\n")
    first = lines[0].strip() if lines else ""
    if not first.lower().startswith("subject:"):
        raise TemplateError(f"{shown}:1: the first line must be 'Subject: ...' (the email subject)")
    subject = " ".join(first[len("subject:") :].split())
    paragraphs, current = [], []
    for line in lines[1:]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return subject.replace(_STAR, "*"), paragraphs


def _runs(paragraph: str) -> Paragraph:
    runs: list[Run] = []
    at = 0
    for match in _EMPHASIS.finditer(paragraph):
        if match.start() > at:
            runs.append(Run(paragraph[at : match.start()]))
        if match.group(1) is not None:
            runs.append(Run(match.group(1), bold=True))
        else:
            runs.append(Run(match.group(2), italic=True))
        at = match.end()
    if at < len(paragraph):
        runs.append(Run(paragraph[at:]))
    return tuple(Run(r.text.replace(_STAR, "*"), r.bold, r.italic) for r in runs if r.text)


def _html(paragraphs: Sequence[Paragraph], signature: Sequence[str]) -> str:
    from html import escape

    def run(r: Run) -> str:
        text = escape(r.text, quote=True)
        if r.bold:
            text = f"<strong>{text}</strong>"
        if r.italic:
            text = f"<em>{text}</em>"
        return text

    body = "\n".join(f"<p>{''.join(run(r) for r in p)}</p>" for p in paragraphs)
    sig = "<br>\n".join(escape(line, quote=True) for line in signature)
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
        '<body style="font-family: Georgia, serif; font-size: 15px; line-height: 1.45">\n'
        f"{body}\n<p>{sig}</p>\n</body></html>\n"
    )


def as_written(sender: Sender) -> Sender:
    """The sender as a letter shows them: the phone as people write it at home."""
    from dataclasses import replace

    from campaign.intake import format_phone

    return replace(sender, phone=format_phone(sender.phone, sender.country) if sender.phone else "")


def _sender_lines(sender: Sender) -> tuple[str, ...]:
    place = " ".join(p for p in (sender.region, sender.postal_code) if p)
    city = ", ".join(p for p in (sender.city, place) if p)
    return tuple(line for line in (sender.name, sender.street, sender.street2, city) if line)


def _recipient_lines(prospect: Prospect) -> tuple[str, ...]:
    lines = [prospect.contact.strip(), prospect.title.strip(), prospect.company.strip()]
    return tuple(line for line in [*lines, *prospect.address_lines] if line)


# -- rendering a batch -----------------------------------------------------------------


def render_batch(
    letter: Letter,
    prospects: Sequence[Prospect],
    settings: Settings,
    today: date,
    track: Track | None = None,
    call_dates: Mapping[int, date] | None = None,
) -> list[Rendered]:
    """Render and check every prospect's letter; nothing is written; TemplateError on a fault.

    ``call_dates`` (prospect id -> day) are the follow-up calls each letter promises,
    placed by ``followup.promised_calls`` on top of the calls already scheduled; without
    them the batch's calls are placed as if none were.
    """
    sender = as_written(settings.require_sender())
    if call_dates is None:
        call_dates = scheduled_calls(prospects, settings, today)
    enclosures = ("Resume",) if check_resume(settings, letter.name) else ()
    blank = _blank_class()
    sender_lines = _sender_lines(sender)
    contact_line = " · ".join(p for p in (sender.phone, sender.email) if p)
    signature = (sender.name,)
    email_signature = tuple(p for p in (sender.name, sender.phone, sender.email) if p)
    done: list[Rendered] = []
    items: Iterable[Any] = list(enumerate(prospects, start=1))
    if track is not None:
        items = track(list(items), f"Rendering {letter.name} letters")
    for position, prospect in items:
        channel = delivery_channel(prospect, settings) or POST
        call_date = call_dates[prospect.id]
        strict, plain = _context(
            prospect, sender, settings, today, call_date, channel, position, len(prospects), blank
        )
        text = _render(letter.template, letter.shown, strict)
        subject, texts = _split(text, letter.shown)
        if not subject:
            raise TemplateError(
                f"{letter.shown}:1: the subject is empty for prospect {prospect.id}"
            )
        paragraphs = tuple(p for p in (_runs(t) for t in texts) if p)
        if not paragraphs:
            raise TemplateError(f"{letter.shown}: the letter has no text after the subject line")
        plain_paragraphs = ["".join(r.text for r in p) for p in paragraphs]
        body_text = "\n\n".join([*plain_paragraphs, "\n".join(email_signature)]) + "\n"
        done.append(
            Rendered(
                prospect=prospect,
                letter=letter.name,
                subject=subject,
                paragraphs=paragraphs,
                body_text=body_text,
                body_html=_html(paragraphs, email_signature),
                date_line=letter_date(today),
                sender_lines=(*sender_lines, contact_line) if contact_line else sender_lines,
                recipient_lines=_recipient_lines(prospect),
                signature=signature,
                channel=channel,
                call_date=call_date,
                position=position,
                docx_template=letter.docx_template,
                return_lines=sender_lines,
                enclosures=enclosures,
                context={**plain, "subject": subject, "paragraphs": plain_paragraphs},
            )
        )
    return done


COVER = "cover"  # the letter that goes with the resume


def require_resume(settings: Settings) -> Path:
    """The resume a cover letter promises; InputError when ``[sender] resume`` is unset."""
    resume = check_resume(settings, COVER)
    if resume is None:
        where = settings.config_path or settings.home / "campaign.toml"
        raise InputError(
            f"{where}: the cover letter says your resume is attached (or enclosed), but "
            f'[sender] resume is not set; add resume = "lists/resume.pdf" (a PDF of it)'
        )
    return resume


def review_notes(settings: Settings, letter: str) -> list[str]:
    """What a preview should point out that a real send would refuse."""
    notes = []
    sender = settings.sender
    example = sender.still_example() if sender is not None else ""
    if example:
        notes.append(f"{example}: put your own in campaign.toml before sending.")
    if letter == COVER and (sender is None or not sender.resume):
        notes.append(
            "the cover letter says your resume is attached, but [sender] resume is not set: "
            'add resume = "lists/resume.pdf" before sending.'
        )
    return notes


def check_resume(settings: Settings, letter: str) -> Path | None:
    """The resume that goes with ``cover`` letters, or None; InputError if it is missing."""
    sender = settings.sender
    if letter != COVER or sender is None or not sender.resume:
        return None
    path = settings.home / sender.resume
    if not path.is_file():
        where = settings.config_path or settings.home / "campaign.toml"
        raise InputError(f"{where}: [sender] resume {sender.resume!r}: no such file {path}")
    return path


# -- the merge run ---------------------------------------------------------------------


@dataclass
class MergeResult:
    """What a merge wrote where."""

    folder: Path
    letter: str
    batch: str
    rendered: list[Rendered] = field(default_factory=list)
    docx: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    eml: list[Path] = field(default_factory=list)
    no_email: list[Prospect] = field(default_factory=list)
    # No postal address and no [smtp] to email them: left out of every wave.
    unreachable: list[Prospect] = field(default_factory=list)
    pack: Any = None  # documents.printpack.PrintPack when letters would be printed
    selection: Batch | None = None  # the batch as chosen: what waits, the week's cap


def format_problem(value: str) -> str | None:
    """What is wrong with a ``--to`` value such as ``docx,fax``, or None when it is fine."""
    chosen = [p.strip().lower() for p in value.split(",") if p.strip()]
    for name in chosen:
        if name not in FORMATS:
            return f"unknown format {name!r}; use any of {','.join(FORMATS)}"
    if not chosen:
        return f"name at least one of {','.join(FORMATS)}"
    return None


def parse_formats(value: str) -> tuple[str, ...]:
    """``docx,pdf,email`` -> ("docx", "pdf", "email"); InputError naming an unknown one."""
    problem = format_problem(value)
    if problem is not None:
        raise InputError(f"--to: {problem}")
    return tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))


def merge_batch(
    store: Store,
    settings: Settings,
    today: date,
    batch: str,
    letter_name: str,
    formats: Sequence[str] = FORMATS,
    track: Track | None = None,
) -> MergeResult:
    """Render the batch's letters and write them under a new output/merge-DATE-N/ folder.

    Every letter goes to docx/ and pdf/ for review; prospects with an email address get
    an .eml; the print pack holds the letters a send run would print. Records no send.
    """
    from campaign.batches import select_batch

    sender = settings.require_sender()
    letter = load_letter(settings, letter_name)
    chosen = select_batch(
        store, batch, letter.name, today, settings.schedule.weekly_cap, settings=settings
    )
    promised = scheduled_calls(chosen.prospects, settings, today, store)
    rendered = render_batch(letter, chosen.prospects, settings, today, track, promised)
    resume = check_resume(settings, letter.name)
    result = write_merge(rendered, settings, sender, today, formats, batch, letter.name, resume)
    result.unreachable = chosen.unreachable
    result.selection = chosen
    return result


def write_merge(
    rendered: Sequence[Rendered],
    settings: Settings,
    sender: Sender,
    today: date,
    formats: Sequence[str],
    batch: str,
    letter: str,
    resume: Path | None = None,
) -> MergeResult:
    """Write already-rendered letters into a fresh run folder (see ``merge_batch``)."""
    from campaign.documents.files import file_name, new_run_folder

    if not rendered:  # no empty folder for an empty batch
        return MergeResult(settings.output_dir, letter, batch)
    word: list[Any] = []
    if "docx" in formats and rendered[0].docx_template is not None:
        from campaign.documents.docx import templated_docx

        # The user's Word template is checked for every letter before anything is written.
        word = [templated_docx(r, rendered[0].docx_template) for r in rendered]
    folder = new_run_folder(settings.output_dir, "merge", today)
    result = MergeResult(folder, letter, batch, list(rendered))
    if "docx" in formats:
        from campaign.documents.docx import DocxWriter

        (folder / "docx").mkdir()
        writer = DocxWriter()
        for index, r in enumerate(rendered):
            path = folder / "docx" / file_name(r, ".docx")
            if word:
                word[index].save(str(path))
                result.docx.append(path)
            else:
                result.docx.append(writer.write(r, path))
    pages: dict[int, list[Any]] = {}
    if "pdf" in formats:
        from campaign.documents.pdf import write_letter_pdfs

        (folder / "pdf").mkdir()
        # Laid out once for the whole batch; the print pack reuses the pages.
        paths = [folder / "pdf" / file_name(r, ".pdf") for r in rendered]
        pages = write_letter_pdfs(rendered, paths)
        result.pdf.extend(paths)
    if "email" in formats:
        from campaign.documents.email import email_message, write_eml

        (folder / "email").mkdir()
        attachments = (resume,) if resume else ()
        for r in rendered:
            if not r.prospect.email:
                result.no_email.append(r.prospect)
                continue
            message = email_message(r, sender, today, attachments)
            result.eml.append(write_eml(message, folder / "email" / file_name(r, ".eml")))
    printed = [r for r in rendered if r.channel == POST]
    if printed and "pdf" in formats:
        from campaign.documents.printpack import write_print_pack

        (folder / "print-pack").mkdir()
        result.pack = write_print_pack(printed, settings, folder / "print-pack", pages=pages)
    return result
