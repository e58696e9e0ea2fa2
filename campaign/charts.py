"""The report's charts: matplotlib (Agg), drawn to SVG and embedded as data URIs.

Every chart must read on a black-and-white printout and for a reader who can't tell
colours apart: series differ by hatching and grey level, lines carry markers, and bars
carry their numbers. Each function takes plain data and returns a ``data:`` URI that an
``<img>`` shows with no network and no clash between the SVGs' internal ids.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from campaign.models import Rate
from campaign.wording import counted

# Grey levels and hatches that stay apart in print, in series order.
GREYS = ("#f2f2f2", "#bdbdbd", "#8c8c8c", "#5e5e5e", "#d9d9d9", "#a6a6a6", "#404040")
HATCHES = ("", "///", "\\\\\\", "xxx", "...", "ooo", "+++")
INK = "#1a1a1a"
WIDTH = 9.0  # inches: fills a laptop column and an A4/Letter page


@contextlib.contextmanager
def cache_in(folder: Path) -> Iterator[None]:
    """While the block runs, matplotlib finds its config and font cache in ``folder`` (under
    the campaign's output/), never the user's ~/.cache or ~/.config. matplotlib reads the
    place once, when first imported, so the block is where it must be first imported; the
    environment is as it was afterwards. A ``MPLCONFIGDIR`` the user set stays theirs."""
    before = os.environ.get("MPLCONFIGDIR")
    if before is None:
        with contextlib.suppress(OSError):  # else matplotlib makes a temporary one itself
            folder.mkdir(parents=True, exist_ok=True)
            os.environ["MPLCONFIGDIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MPLCONFIGDIR", None)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "campaign",  # same data, same file
            "font.size": 10,
            "axes.edgecolor": INK,
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "hatch.color": INK,
            "hatch.linewidth": 0.6,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def _data_uri(fig: Any) -> str:
    plt = _pyplot()
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _whole_numbers(ax: Any) -> None:
    # Calls and letters come whole: no 2.5 on the axis.
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def _style(i: int) -> tuple[str, str]:
    """The i-th series' grey and hatching; past seven series the pairs shift, never repeat."""
    return GREYS[i % len(GREYS)], HATCHES[(i + i // len(GREYS)) % len(HATCHES)]


def _empty(ax: Any, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])


def _week_ticks(ax: Any, weeks: Sequence[str]) -> None:
    # At least eight slots, so the first weeks' bars are bars and not walls.
    ax.set_xlim(-0.6, max(len(weeks), 8) - 0.4)
    step = max(1, len(weeks) // 16)
    ax.set_xticks(range(0, len(weeks), step))
    ax.set_xticklabels([w.replace("-W", "\nW") for w in weeks[::step]], fontsize=8)


def sends_per_week(rows: Sequence[tuple[str, int, int]], cap: int) -> str:
    """Letters sent per ISO week (solid) and not delivered (hatched), against the cap line."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    if not any(sent or missed for _, sent, missed in rows):
        _empty(ax, "No letters sent yet")
        return _data_uri(fig)
    x = range(len(rows))
    sent = [r[1] for r in rows]
    missed = [r[2] for r in rows]
    ax.bar(x, sent, color=GREYS[2], edgecolor=INK, label="sent")
    ax.bar(x, missed, bottom=sent, color="white", edgecolor=INK, hatch="///", label="not delivered")
    for xi, (s, m) in enumerate(zip(sent, missed, strict=True)):
        if s or m:
            ax.text(
                xi, s + m, f"{s}" + (f" (+{m})" if m else ""), ha="center", va="bottom", fontsize=8
            )
    ax.axhline(cap, color=INK, linestyle="--", linewidth=1.2)
    ax.text(max(len(rows), 8) - 0.5, cap, f"weekly cap {cap}", va="bottom", ha="right", fontsize=9)
    ax.set_ylim(0, max([cap, *(s + m for s, m in zip(sent, missed, strict=True))]) * 1.2)
    ax.set_ylabel("letters")
    _whole_numbers(ax)
    _week_ticks(ax, [r[0] for r in rows])
    ax.legend(loc="upper left", frameon=False, ncols=2)
    return _data_uri(fig)


def calls_per_week(rows: Sequence[tuple[str, dict[str, int]]], outcomes: Sequence[str]) -> str:
    """Calls per ISO week, stacked by outcome: each outcome its own grey and hatching.

    ``outcomes`` names the series in order; every outcome in ``rows`` should be among
    them (``Report.outcomes``), so the bars add up to the calls made.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    if not any(sum(by.values()) for _, by in rows):
        _empty(ax, "No calls logged yet")
        return _data_uri(fig)
    x = list(range(len(rows)))
    bottom = [0] * len(rows)
    drawn = 0
    for outcome in outcomes:
        values = [by.get(outcome, 0) for _, by in rows]
        if not any(values):
            continue
        grey, hatch = _style(drawn)
        drawn += 1
        ax.bar(
            x,
            values,
            bottom=bottom,
            color=grey,
            hatch=hatch,
            edgecolor=INK,
            linewidth=0.6,
            label=outcome,
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for xi, total in zip(x, bottom, strict=True):
        if total:
            ax.text(xi, total, str(total), ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, max(bottom) * 1.25)
    ax.set_ylabel("calls")
    _whole_numbers(ax)
    _week_ticks(ax, [r[0] for r in rows])
    ax.legend(loc="upper left", frameon=False, ncols=4, fontsize=8)
    return _data_uri(fig)


def funnel(stages: Sequence[tuple[str, int]]) -> str:
    """The funnel as horizontal bars, each labelled with its count."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    labels = [s[0] for s in stages][::-1]
    values = [s[1] for s in stages][::-1]
    bars = ax.barh(labels, values, color=GREYS[1], edgecolor=INK, hatch="..")
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3)
    ax.set_xlim(0, max([*values, 1]) * 1.12)
    ax.set_xlabel("prospects (letters and calls: items)")
    return _data_uri(fig)


def response_rates(by_band: Sequence[Rate], by_letter: Sequence[Rate]) -> str:
    """Share of prospects written to who were then spoken with, by priority band and letter."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.8))
    for ax, rates, title in (
        (axes[0], by_band, "by priority band"),
        (axes[1], by_letter, "by letter"),
    ):
        ax.set_title(title, fontsize=10)
        if not rates:
            _empty(ax, "No letters sent yet")
            continue
        labels = [r.label for r in rates][::-1]
        values = [r.percent for r in rates][::-1]
        bars = ax.barh(labels, values, color=GREYS[0], edgecolor=INK, hatch="\\\\")
        ax.bar_label(
            bars,
            labels=[f"{r.responded}/{r.sent} ({r.percent:.0f}%)" for r in rates][::-1],
            padding=3,
            fontsize=8,
        )
        ax.set_xlim(0, 130)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("% spoken with")
    return _data_uri(fig)


def call_load(
    days: Sequence[tuple[date, int]], per_day: int, holidays: Mapping[date, str] | None = None
) -> str:
    """Open calls on each weekday of the next four weeks, against the daily cap.

    A public holiday (``holidays``: day -> name) is shaded and labelled "holiday": no
    call is scheduled then, so it must not read as a free business day.
    """
    holidays = holidays or {}
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(WIDTH, 3.0))
    if not days:
        _empty(ax, "No business days ahead")
        return _data_uri(fig)
    x = range(len(days))
    for xi, (day, _) in enumerate(days):
        if day in holidays:
            ax.axvspan(xi - 0.45, xi + 0.45, color=GREYS[4], hatch="...", linewidth=0, zorder=0)
    values = [n for _, n in days]
    full = [n >= per_day for n in values]
    bars = ax.bar(
        x,
        values,
        color=[GREYS[3] if f else GREYS[1] for f in full],
        hatch=None,
        edgecolor=INK,
    )
    for bar, is_full in zip(bars, full, strict=True):
        if is_full:
            bar.set_hatch("xxx")  # a full day reads as crossed out, in any colour
    ax.bar_label(bars, labels=[str(v) if v else "" for v in values], fontsize=8, padding=2)
    ax.axhline(per_day, color=INK, linestyle=":", linewidth=1.2, marker="")
    ax.text(len(days) - 0.5, per_day, f" {counted(per_day, 'call')} a day", va="bottom", ha="right")
    ax.set_ylim(0, max([per_day, *values]) * 1.25)
    ax.set_xticks(list(x))
    ax.set_xticklabels(
        [f"{d:%a}\n{d.day} {d:%b}" + ("\nholiday" if d in holidays else "") for d, _ in days],
        fontsize=7,
    )
    ax.set_ylabel("calls")
    _whole_numbers(ax)
    return _data_uri(fig)
