"""The merge run: a batch's letters rendered and written under output/ for review.

Every letter goes to docx/ and pdf/; prospects with an email address get an .eml; the
print pack holds the letters a send run would print. A merge records no send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from campaign.batches import Batch, select_batch
from campaign.config import Sender, Settings
from campaign.documents.docx import DocxWriter, templated_docx
from campaign.documents.email import email_message, write_eml
from campaign.documents.files import file_name, free_run_folder, staged_folder
from campaign.documents.pdf import write_letter_pdfs
from campaign.documents.printpack import write_print_pack
from campaign.errors import InputError, arg
from campaign.followup import scheduled_calls
from campaign.letters import Track, check_printable, check_resume, load_letter, render_batch
from campaign.models import Channel, Prospect, Rendered
from campaign.store import Store

FORMATS = ("docx", "pdf", "email")


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
    sender = settings.require_sender()
    letter = load_letter(settings, letter_name)
    chosen = select_batch(
        store, batch, letter.name, today, settings.schedule.weekly_cap, settings=settings
    )
    promised = scheduled_calls(chosen.prospects, settings, today, store)
    rendered = render_batch(letter, chosen.prospects, settings, today, track, promised)
    if "pdf" in formats:
        check_printable(rendered)
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
    """Write already-rendered letters into a fresh run folder (see ``merge_batch``).

    The folder is built hidden and renamed into place when complete: a full disk (one
    line) or a crash leaves no folder of half-written letters.
    """
    if not rendered:  # no empty folder for an empty batch
        return MergeResult(settings.output_dir, letter, batch)
    word: list[Any] = []
    if "docx" in formats and rendered[0].docx_template is not None:
        # The user's Word template is checked for every letter before anything is written.
        word = [templated_docx(r, rendered[0].docx_template) for r in rendered]
    final = free_run_folder(settings.output_dir, "merge", today)
    with staged_folder(final) as folder:
        result = _write_into(folder, rendered, word, sender, today, formats, batch, letter, resume)
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


def _write_into(
    folder: Path,
    rendered: Sequence[Rendered],
    word: Sequence[Any],
    sender: Sender,
    today: date,
    formats: Sequence[str],
    batch: str,
    letter: str,
    resume: Path | None,
) -> MergeResult:
    result = MergeResult(folder, letter, batch, list(rendered))
    if "docx" in formats:
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
        (folder / "pdf").mkdir()
        # Laid out once for the whole batch; the print pack reuses the pages.
        paths = [folder / "pdf" / file_name(r, ".pdf") for r in rendered]
        pages = write_letter_pdfs(rendered, paths)
        result.pdf.extend(paths)
    if "email" in formats:
        (folder / "email").mkdir()
        attachments = (resume,) if resume else ()
        for r in rendered:
            if not r.prospect.email:
                result.no_email.append(r.prospect)
                continue
            message = email_message(r, sender, today, attachments)
            result.eml.append(write_eml(message, folder / "email" / file_name(r, ".eml")))
    printed = [r for r in rendered if r.channel == Channel.POST]
    if printed and "pdf" in formats:
        (folder / "print-pack").mkdir()
        result.pack = write_print_pack(printed, folder / "print-pack", resume, pages=pages)
    return result
