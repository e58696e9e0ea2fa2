"""Letters: a letter's templates found and compiled, and a batch rendered strictly.

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
from dataclasses import asdict, dataclass
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from campaign.addresses import address_lines, label_lines, recipient_lines
from campaign.batches import delivery_channel
from campaign.clock import iso_week
from campaign.config import Sender, Settings
from campaign.errors import InputError, TemplateError, arg
from campaign.followup import scheduled_calls
from campaign.glyphs import unprintable
from campaign.models import COVER, Channel, Paragraph, Prospect, Rendered, Run
from campaign.people import salutation
from campaign.templating import (
    PACKAGE_TEMPLATES,
    ExtraFields,
    compile_file,
    environment,
    field_name,
    render,
    shown,
    with_blanks,
)

TEXT_SUFFIX = ".txt"
# Templates that are not letters to prospects: thank-yous, and the notes that end a search.
NOT_LETTERS = ("thank_you", "withdraw", "share_news", "_", ".")
Track = Callable[[Sequence[Any], str], Iterable[Any]]

# A data value's "*" travels through rendering as this private-use character, so that
# only the template's own asterisks become emphasis; it is turned back at the end.
_STAR = "\ue000"
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*", re.DOTALL)


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
        return shown(self.path)


def _finalize(value: Any) -> Any:
    # Data may hold "*" or line breaks; neither may change the letter's structure.
    if isinstance(value, str):
        return value.replace("*", _STAR).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return value


def _environment() -> Any:
    return environment(finalize=_finalize)


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
    return sorted(n for n in names if not n.startswith(NOT_LETTERS))


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
    template = compile_file(path, _environment())
    # A Word template only counts next to the text it lays out (same folder wins).
    docx = path.with_suffix(".docx")
    return Letter(name, path, template, docx if docx.is_file() else None)


# -- the merge context -----------------------------------------------------------------


def letter_date(day: date) -> str:
    """A date as a letter gives it: ``November 16, 2026``."""
    return f"{day:%B} {day.day}, {day.year}"


def call_day(day: date) -> str:
    """A promised call day as the letter says it: ``Tuesday, November 24``."""
    return f"{day:%A}, {day:%B} {day.day}"


def _context(
    prospect: Prospect,
    sender: Sender,
    settings: Settings,
    today: date,
    call_date: date,
    channel: str,
    position: int,
    total: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The strict context (blanks fail when printed) and the plain one (for docxtpl)."""
    label = f"prospect {prospect.id} ({prospect.company})"
    fields = asdict(prospect)
    extra = fields.pop("extra") or {}
    plain: dict[str, Any] = {}
    for key, value in extra.items():
        plain[field_name(key)] = value
    plain.update(fields)
    plain.update(
        extra=ExtraFields(extra),
        name=" ".join(p for p in (prospect.first_name, prospect.last_name) if p)
        or prospect.contact,
        salutation=salutation(prospect),
        address_lines=address_lines(prospect, settings.country),
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
    strict = with_blanks(plain, lambda k: f"{k!r} is blank for {label}")
    strict["extra"] = ExtraFields(
        with_blanks(extra, lambda k: f"{k!r} is blank for {label}"),
        lambda k: f"{k!r} is not a column of the list {label} came from",
    )
    strict["sender"] = with_blanks(sender_plain, lambda k: f"[sender] {k} is empty in {where}")
    plain["sender"] = sender_plain
    return strict, plain


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
    placed by ``followup.scheduled_calls`` on top of the calls already scheduled; without
    them the batch's calls are placed as if none were.
    """
    sender = settings.require_sender().as_written()
    if call_dates is None:
        call_dates = scheduled_calls(prospects, settings, today)
    enclosures = ("Resume",) if check_resume(settings, letter.name) else ()
    sender_lines = sender.lines
    contact_line = " · ".join(p for p in (sender.phone, sender.email) if p)
    signature = (sender.name,)
    email_signature = tuple(p for p in (sender.name, sender.phone, sender.email) if p)
    done: list[Rendered] = []
    items: Iterable[Any] = list(enumerate(prospects, start=1))
    if track is not None:
        items = track(list(items), f"Rendering {letter.name} letters")
    for position, prospect in items:
        channel = delivery_channel(prospect, settings) or Channel.POST
        call_date = call_dates[prospect.id]
        strict, plain = _context(
            prospect, sender, settings, today, call_date, channel, position, len(prospects)
        )
        text = render(letter.template, letter.shown, strict)
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
                recipient_lines=tuple(recipient_lines(prospect, settings.country)),
                label_lines=tuple(label_lines(prospect, settings.country)),
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


# "?ukasz ?ó?w": letters an export's encoding lost (Outlook's Windows-1252) inside a word.
_LOST = re.compile(r"(?:^|\s|\w)\?\w")
# What the PDF letter, envelope and label print of a prospect: every one must be drawable.
PRINTED_FIELDS = ("contact", "title", "company", "street", "street2", "city", "region")


def check_printable(rendered: Sequence[Rendered]) -> None:
    """InputError, before any file is written, when a PDF would print boxes for a prospect.

    The letter font (``glyphs``) draws Latin, Greek and Cyrillic; a name or address in
    another script (Japanese, say) is named here with its prospect, rather than printed
    as empty boxes. DOCX and email keep every character. A name whose letters an export
    lost to "?" is named too: no letter goes to "Mr. ?ó?w".
    """
    problems = []
    for one in rendered:
        p = one.prospect
        for name in PRINTED_FIELDS:
            value = str(getattr(p, name))
            missing = unprintable(value)
            if not missing and _LOST.search(value):
                missing = "letters an export lost to '?'"
            if missing:
                problems.append(
                    f"prospect {p.id} ({p.company}): {name} {getattr(p, name)!r} ({missing})"
                )
                break
    if problems:
        more = f" and {len(problems) - 3} more" if len(problems) > 3 else ""
        raise InputError(
            "the PDF letter font can't print "
            + "; ".join(problems[:3])
            + more
            + "; correct them with `campaign edit` or the list (in Latin letters for a PDF), or "
            f"leave the PDF out ({arg('formats')} docx,email)"
        )


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
