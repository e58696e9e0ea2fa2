"""The merge run: a batch's letters rendered and written under output/ for review.

Every letter goes to docx/ and pdf/; prospects with an email address get an .eml; the
print pack holds the letters a send run would print. A merge records no send.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from campaign.batches import Batch, select_batch
from campaign.config import Sender, Settings
from campaign.documents.docx import DocxWriter
from campaign.documents.email import check_addresses, email_message, write_eml
from campaign.documents.files import file_name, free_run_folder, staged_folder
from campaign.documents.pdf import (
    lay_out,
    letter_chars,
    pdf_author,
    pdf_title,
    typefaces_for,
    write_pages,
)
from campaign.documents.pdfpages import Page
from campaign.documents.printpack import (
    LaidOut,
    draw_envelope,
    envelope_canvas,
    pack_chars,
    write_print_pack,
)
from campaign.errors import InputError, arg
from campaign.followup import scheduled_calls
from campaign.letters import (
    Letter,
    Track,
    check_printable,
    check_resume,
    letter_renderer,
    load_letter,
)
from campaign.models import Channel, Prospect, Rendered
from campaign.store import Store

FORMATS = ("docx", "pdf", "email")


@dataclass
class MergeResult:
    """What a merge wrote where."""

    folder: Path
    letter: str
    batch: str
    count: int = 0  # letters merged
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
        raise InputError(f"{arg('formats')}: {problem}")
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
    settings.require_sender()
    letter = load_letter(settings, letter_name)
    chosen = select_batch(
        store, batch, letter.name, today, settings.schedule.weekly_cap, settings=settings
    )
    promised = scheduled_calls(chosen.prospects, settings, today, store)
    result = merge_letters(
        letter, chosen.prospects, settings, today, formats, batch, promised, track
    )
    result.unreachable = chosen.unreachable
    result.selection = chosen
    return result


def merge_letters(
    letter: Letter,
    prospects: Sequence[Prospect],
    settings: Settings,
    today: date,
    formats: Sequence[str] = FORMATS,
    batch: str = "all",
    call_dates: Mapping[int, date] | None = None,
    track: Track | None = None,
) -> MergeResult:
    """Check every letter, then write them all into a fresh run folder (see ``merge_batch``).

    Render strictly and render first: every letter (and its Word template, and its email
    addresses) is checked before the folder is made. Nothing of a letter is kept but what
    its envelope needs; the letters are rendered again as they are written, a part at a
    time, over the machine's cores when the batch is large enough to pay for them, so a
    batch of any size needs the memory of a few letters.
    """
    sender = settings.require_sender()
    if not prospects:  # no empty folder for an empty batch
        return MergeResult(settings.output_dir, letter.name, batch)
    if call_dates is None:
        call_dates = scheduled_calls(prospects, settings, today)
    resume = check_resume(settings, letter.name)
    job = _Job(letter, prospects, settings, today, call_dates, tuple(formats), sender, resume)
    result = MergeResult(settings.output_dir, letter.name, batch, count=len(prospects))
    printed, chars = job.check(result, track)
    if "pdf" in formats:
        job.typefaces = typefaces_for((), *chars)
        job.typefaces.prepare()
    if "docx" in formats:
        job.docx.prepare(letter.docx_template)  # before the workers fork: they share it
    # The folder is built hidden and renamed into place when complete: a full disk (one
    # line) or a crash leaves no folder of half-written letters.
    final = free_run_folder(settings.output_dir, "merge", today)
    with staged_folder(final) as folder:
        result.folder = job.folder = folder
        for name in formats:
            (folder / name).mkdir()
        written = _written(job, result, track)
        try:
            if printed and "pdf" in formats:
                (folder / "print-pack").mkdir()
                laid_out = LaidOut(job.typefaces, written, envelopes=True)
                result.pack = write_print_pack(
                    printed, folder / "print-pack", resume, pages=laid_out
                )
            for _ in written:  # the letters after the last printed one
                pass
        finally:
            written.close()
    return _moved(result, folder, final)


def _moved(result: MergeResult, built: Path, final: Path) -> MergeResult:
    """``result`` with every path in the folder ``built`` as it is now, under ``final``."""

    def at(path: Path) -> Path:
        return final / path.relative_to(built)

    pack = result.pack
    if pack is not None:
        pack = replace(
            pack,
            **{f.name: at(v) for f in fields(pack) if isinstance(v := getattr(pack, f.name), Path)},
        )
    return replace(
        result,
        folder=final,
        docx=[at(p) for p in result.docx],
        pdf=[at(p) for p in result.pdf],
        eml=[at(p) for p in result.eml],
        pack=pack,
    )


POOL_FROM = 48  # letters: below this, starting worker processes costs more than it saves
CHUNK = 16  # letters a worker takes at a time


@dataclass
class _Job:
    """What rendering and writing the batch needs; a worker process inherits it."""

    letter: Letter
    prospects: Sequence[Prospect]
    settings: Settings
    today: date
    call_dates: Mapping[int, date]
    formats: tuple[str, ...]
    sender: Sender
    resume: Path | None
    folder: Path = Path()
    typefaces: Any = None
    docx: DocxWriter = field(default_factory=DocxWriter)
    _render: Any = None

    def render(self, position: int) -> Rendered:
        """The letter at ``position`` (1-based), rendered as the check rendered it."""
        if self._render is None:
            self._render = letter_renderer(
                self.letter, len(self.prospects), self.settings, self.today, self.call_dates
            )
        return self._render(position, self.prospects[position - 1])

    def check(self, result: MergeResult, track: Track | None) -> tuple[list[Rendered], list[str]]:
        """Render and check every letter; keep what the print pack needs, and the characters."""
        printed: list[Rendered] = []
        chars: set[str] = set()
        positions: Iterable[int] = range(1, len(self.prospects) + 1)
        if track is not None:
            positions = track(list(positions), f"Rendering {self.letter.name} letters")
        pdf = "pdf" in self.formats
        for position in positions:
            one = self.render(position)
            if "docx" in self.formats:
                self.docx.check(one)
            if "email" in self.formats:
                if one.prospect.email:
                    check_addresses(one, self.sender)
                else:
                    result.no_email.append(one.prospect)
            if pdf:
                check_printable([one])  # no PDF prints boxes for a name or an address
                chars.update(*letter_chars(one))
            if pdf and one.channel == Channel.POST:
                chars.update(*pack_chars(one))
                printed.append(for_the_pack(one))
        return printed, ["".join(sorted(chars))]

    def write(self, start: int, stop: int) -> list[_Written]:
        """Write the letters at positions ``start`` to ``stop`` - 1; what the pack needs back."""
        attachments = (self.resume,) if self.resume else ()
        letters = [self.render(position) for position in range(start, stop)]
        # One layout for the part: platypus' set-up is paid once, not for every letter.
        laid_out = lay_out(letters, self.typefaces) if "pdf" in self.formats else []
        envelopes = envelope_canvas(self.typefaces) if "pdf" in self.formats else None
        done = []
        for index, one in enumerate(letters):
            written = _Written(one.prospect.id)
            if "docx" in self.formats:
                written.docx = self.docx.write(one, self.folder / "docx" / file_name(one, ".docx"))
            if "pdf" in self.formats:
                pages = laid_out[index]
                written.pdf = write_pages(
                    pages,
                    self.folder / "pdf" / file_name(one, ".pdf"),
                    self.typefaces,
                    pdf_title(one),
                    pdf_author(one),
                )
                if one.channel == Channel.POST and envelopes is not None:
                    written.pages = pages
                    draw_envelope(envelopes, one)
                    written.envelope = envelopes.pages.pop()
            if "email" in self.formats and one.prospect.email:
                message = email_message(one, self.sender, self.today, attachments)
                written.eml = write_eml(message, self.folder / "email" / file_name(one, ".eml"))
            done.append(written)
        if envelopes is not None:
            envelopes.save()
        return done


@dataclass
class _Written:
    """What a worker wrote for one letter, and the pages the print pack takes from it."""

    prospect_id: int
    docx: Path | None = None
    pdf: Path | None = None
    eml: Path | None = None
    pages: list[Page] | None = None
    envelope: Page | None = None


def for_the_pack(rendered: Rendered) -> Rendered:
    """What the print pack needs of a letter (addresses, names), without its wording."""
    return replace(rendered, paragraphs=(), body_text="", body_html="", context={})


_JOB: _Job | None = None  # the batch a worker process writes (inherited when it forks)


def _write_part(bounds: tuple[int, int]) -> list[_Written]:
    assert _JOB is not None
    return _JOB.write(*bounds)


def _workers(count: int) -> int:
    """How many processes to write ``count`` letters with: the cores, when worth it.

    Linux only: there, fork is safe and cheap, and the workers inherit the checked batch.
    """
    if count < POOL_FROM or not sys.platform.startswith("linux"):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _chunks(count: int) -> list[tuple[int, int]]:
    return [(start, min(start + CHUNK, count + 1)) for start in range(1, count + 1, CHUNK)]


def _written(
    job: _Job, result: MergeResult, track: Track | None
) -> Generator[tuple[int, list[Page], Page | None], None, None]:
    """Write the letters, in order; yield each printed letter's pages for the pack.

    With more than one core, worker processes (forked: they inherit the checked batch)
    write the parts while this process writes the print pack's envelopes and labels.
    """
    global _JOB
    count = len(job.prospects)
    workers = _workers(count)
    chunks = _chunks(count)
    if workers == 1:
        parts: Iterator[list[_Written]] = (job.write(*bounds) for bounds in chunks)
    else:
        _JOB = job
        # What the workers inherit stays out of their garbage collector's walks (and so
        # unshared pages stay unshared): they only add to it.
        gc.freeze()
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        parts = pool.map(_write_part, chunks)
    positions: Iterable[int] = range(1, count + 1)
    if track is not None:
        positions = track(list(positions), f"Writing {job.letter.name} letters")
    try:
        part: list[_Written] = []
        for _ in positions:
            if not part:
                part = list(reversed(next(parts)))
            one = part.pop()
            for path, files in (
                (one.docx, result.docx),
                (one.pdf, result.pdf),
                (one.eml, result.eml),
            ):
                if path is not None:
                    files.append(path)
            if one.pages is not None:
                yield one.prospect_id, one.pages, one.envelope
    finally:
        if workers > 1:
            pool.shutdown(cancel_futures=True)
            gc.unfreeze()
            _JOB = None
