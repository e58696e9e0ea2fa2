"""``campaign merge``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from campaign.batches import BATCHES, why_unreachable
from campaign.cli.app import App, pass_app
from campaign.cli.output import progress
from campaign.config import Settings
from campaign.letters import review_notes
from campaign.merge import MergeResult, format_problem, merge_batch, parse_formats
from campaign.models import MARKETING
from campaign.wording import counted, noun


class FormatsParam(click.ParamType):
    """``docx,pdf,email`` -> ("docx", "pdf", "email"): the letter formats ``merge`` writes.

    (Here rather than in ``params``: it needs ``campaign.merge``, which the morning
    commands, importing ``params``, must not load.)
    """

    name = "FORMATS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        problem = format_problem(str(value))
        if problem is not None:
            self.fail(f"{value!r}: {problem}", param, ctx)
        return parse_formats(str(value))


FORMATS = FormatsParam()


@click.command()
@click.option(
    "--batch",
    type=click.Choice(BATCHES),
    default="top20",
    show_default=True,
    help="top20 (this week's wave) or all.",
)
@click.option(
    "--letter", default=MARKETING, show_default=True, help="The letter: templates/NAME.txt."
)
@click.option(
    "--to",
    "formats",
    type=FORMATS,
    default="docx,pdf,email",
    show_default=True,
    help="Formats to write, comma-separated.",
)
@pass_app
def merge(app: App, batch: str, letter: str, formats: tuple[str, ...]) -> None:
    """Write the batch's letters into output/ for review; records no send.

    Every letter is rendered and checked first; nothing is written if one fails.
    Each run gets its own folder, output/merge-DATE-N/, holding docx/ and pdf/ (every
    letter), email/ (an .eml for each prospect with an email address) and print-pack/
    (the letters a send run would print, their #10 envelopes, labels and a manifest).

    \b
    Example:
      campaign merge --batch top20 --letter marketing --to docx,pdf
    """
    result = merge_batch(app.store, app.settings, app.today, batch, letter, formats, progress)
    _report(result, app.home, app.settings)
    for note in review_notes(app.settings, letter):
        click.echo(f"Note: {note}", err=True)


def _report(result: MergeResult, home: Path, settings: Settings) -> None:
    where = result.folder.relative_to(home)
    if not result.count:
        click.echo(_nothing_to_merge(result))
        return
    count = result.count
    click.echo(f"Merged the {result.letter} letter for {counted(count, 'prospect')} into {where}/")
    for label, files in (("Word", result.docx), ("PDF", result.pdf), ("email", result.eml)):
        if files:
            click.echo(f"  {len(files):>4} {label:<6} {files[0].parent.relative_to(home)}/")
    if result.no_email:
        ids = ", ".join(str(p.id) for p in result.no_email[:10])
        more = " ..." if len(result.no_email) > 10 else ""
        click.echo(
            f"       no email address (printed only): {noun(len(result.no_email), 'prospect')} "
            f"{ids}{more}"
        )
    if result.unreachable:
        ids = ", ".join(str(p.id) for p in result.unreachable[:10])
        more = " ..." if len(result.unreachable) > 10 else ""
        cause, fix = why_unreachable(settings)
        click.echo(
            f"       left out ({cause}): {noun(len(result.unreachable), 'prospect')} {ids}{more}; "
            f"{fix}"
        )
    if result.pack is not None:
        pack = result.pack
        click.echo(
            f"  print pack {pack.letters_pdf.parent.relative_to(home)}/: "
            f"{counted(pack.pages, 'page')} of letters, envelopes, labels, manifest.csv"
        )
    click.echo(
        f"Next: read them over; edit templates/{result.letter}.txt and merge again if needed, "
        f"then `campaign send --batch {result.batch} --letter {result.letter}`."
    )


def _nothing_to_merge(result: MergeResult) -> str:
    chosen = result.selection
    if chosen is not None and chosen.waiting and result.batch == "top20":
        return (
            f"Nothing to merge: this week's cap is used ({chosen.cap_used} of {chosen.cap} in "
            f"{chosen.week}); {chosen.waiting} waiting for the {result.letter} letter from "
            f"{chosen.next_wave:%a %d %b %Y} (`--batch all` merges them all for review)."
        )
    return (
        f"Nothing to merge: no active prospect is waiting for the {result.letter} letter "
        f"(`campaign import` a list, or choose another --letter)."
    )
