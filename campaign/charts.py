"""The report's charts, written as SVG directly and embedded as data URIs.

No plotting library: the five charts are bars, lines and words, and writing their SVG
takes about a millisecond each, where importing matplotlib took about a second on
every `campaign report`. Every chart must read on a black-and-white printout and for a
reader who can't tell colours apart: series differ by grey level *and* hatching, lines
differ by dash pattern and carry their value in words, and bars carry their numbers.
Each function takes plain data and returns a ``data:`` URI that an ``<img>`` shows with
no network; inside one SVG every id is its own, and an ``<img>`` keeps each SVG's ids
apart from the page's. The same data always gives the same bytes.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape

from campaign.models import Rate
from campaign.wording import counted

# Grey levels and hatches that stay apart in print, in series order.
GREYS = ("#f2f2f2", "#bdbdbd", "#8c8c8c", "#5e5e5e", "#d9d9d9", "#a6a6a6", "#404040")
HATCHES = ("", "///", "\\\\\\", "xxx", "...", "ooo", "+++")
INK = "#1a1a1a"
WIDTH = 900  # px: fills a laptop column and an A4/Letter page
FONT = "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"
CHAR = 0.6  # a character's width in ems, near enough for laying out labels


def _style(i: int) -> tuple[str, str]:
    """The i-th series' grey and hatching; past seven series the pairs shift, never repeat."""
    return GREYS[i % len(GREYS)], HATCHES[(i + i // len(GREYS)) % len(HATCHES)]


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR


@dataclass
class _Svg:
    """One SVG document being written: its parts, and the fill patterns it defines."""

    width: int
    height: int
    parts: list[str] = field(default_factory=list)
    patterns: dict[tuple[str, str], str] = field(default_factory=dict)

    def fill(self, grey: str, hatch: str = "") -> str:
        """A fill attribute value: the plain grey, or a pattern of the grey under hatching."""
        if not hatch:
            return grey
        key = (grey, hatch)
        if key not in self.patterns:
            self.patterns[key] = f"p{len(self.patterns)}"
        return f"url(#{self.patterns[key]})"

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **attrs: str) -> None:
        """A rectangle outlined in ink (``stroke="none"`` for a shade)."""
        extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
        stroke = "" if "stroke" in attrs else f' stroke="{INK}" stroke-width="0.8"'
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'fill="{fill}"{stroke}{extra}/>'
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, width: float = 1, dash: str = ""
    ) -> None:
        """An ink line, dashed when ``dash`` is an SVG dash array."""
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{INK}" '
            f'stroke-width="{width}"{dashed}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        words: str,
        size: float = 11,
        anchor: str = "middle",
        weight: str = "",
    ) -> None:
        """Words at (x, y): ``y`` is the baseline; ``anchor`` start, middle or end."""
        bold = f' font-weight="{weight}"' if weight else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}"{bold}>'
            f"{escape(words)}</text>"
        )

    def lines(self, x: float, y: float, words: Sequence[str], size: float = 10) -> None:
        """Centred lines from baseline ``y`` down, each its own text element."""
        for i, line in enumerate(words):
            self.text(x, y + i * size * 1.2, line, size)

    def uri(self) -> str:
        """The finished document as a ``data:image/svg+xml;base64,`` URI."""
        defs = "".join(_pattern(pid, grey, hatch) for (grey, hatch), pid in self.patterns.items())
        document = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" '
            f'height="{self.height}" viewBox="0 0 {self.width} {self.height}" '
            f'font-family="{FONT}" fill="{INK}">'
            f'<rect width="{self.width}" height="{self.height}" fill="#ffffff"/>'
            + (f"<defs>{defs}</defs>" if defs else "")
            + "".join(self.parts)
            + "</svg>"
        )
        return "data:image/svg+xml;base64," + base64.b64encode(document.encode()).decode("ascii")


def _pattern(pid: str, grey: str, hatch: str) -> str:
    """A fill pattern: the grey, and over it the hatch (in white on the darkest greys)."""
    size = 8
    ink = INK if int(grey[1:3], 16) > 0x70 else "#ffffff"
    marks = {
        "/": f"M0,{size} L{size},0 M-2,2 L2,-2 M{size - 2},{size + 2} L{size + 2},{size - 2}",
        "\\": f"M0,0 L{size},{size} M-2,{size - 2} L2,{size + 2} M{size - 2},-2 L{size + 2},2",
        "x": f"M0,{size} L{size},0 M0,0 L{size},{size}",
        "+": f"M{size / 2},1 L{size / 2},{size - 1} M1,{size / 2} L{size - 1},{size / 2}",
    }
    kind = hatch[0]
    if kind in marks:
        mark = f'<path d="{marks[kind]}" stroke="{ink}" stroke-width="0.7" fill="none"/>'
    elif kind == ".":
        mark = f'<circle cx="{size / 2}" cy="{size / 2}" r="1" fill="{ink}"/>'
    else:  # "o"
        mark = (
            f'<circle cx="{size / 2}" cy="{size / 2}" r="2" stroke="{ink}" '
            f'stroke-width="0.6" fill="none"/>'
        )
    return (
        f'<pattern id="{pid}" width="{size}" height="{size}" patternUnits="userSpaceOnUse">'
        f'<rect width="{size}" height="{size}" fill="{grey}"/>{mark}</pattern>'
    )


def _nice_ticks(top: float) -> list[int]:
    """Whole ticks 0, s, 2s ... covering ``top``: s is the least of 1, 2, 5, 10, 20 ... giving 6."""
    step = 1
    multipliers = (2, 2.5, 2)  # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
    i = 0
    while top / step > 6:
        step = int(step * multipliers[i % 3])
        i += 1
    count = max(1, -(-int(top) // step))
    return [k * step for k in range(count + 1)]


@dataclass(frozen=True)
class _Plot:
    """A plotting area inside an SVG: its box in pixels and its value range upwards."""

    left: float
    top: float
    width: float
    height: float
    ymax: float

    def y(self, value: float) -> float:
        """The pixel row of ``value``."""
        return self.top + self.height * (1 - value / self.ymax)

    @property
    def bottom(self) -> float:
        """The pixel row of zero."""
        return self.top + self.height


def _axes(svg: _Svg, plot: _Plot, ticks: Sequence[int], label: str) -> None:
    """The value axis at the left with whole-number ticks, and the baseline."""
    svg.line(plot.left, plot.top, plot.left, plot.bottom)
    svg.line(plot.left, plot.bottom, plot.left + plot.width, plot.bottom)
    for value in ticks:
        y = plot.y(value)
        svg.line(plot.left - 4, y, plot.left, y)
        svg.text(plot.left - 7, y + 3.5, str(value), 10, "end")
    middle = plot.top + plot.height / 2
    svg.parts.append(
        f'<text x="14" y="{middle:.1f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{escape(label)}</text>'
    )


def _legend(svg: _Svg, x: float, y: float, entries: Sequence[tuple[str, str, str]]) -> None:
    """Swatches (grey, hatch) with their names in one row from (x, y)."""
    for grey, hatch, name in entries:
        svg.rect(x, y - 10, 18, 12, svg.fill(grey, hatch))
        svg.text(x + 23, y, name, 10.5, "start")
        x += 23 + _text_width(name, 10.5) + 18


def _empty(svg: _Svg, text: str) -> str:
    svg.text(svg.width / 2, svg.height / 2, text, 14)
    return svg.uri()


def _week_labels(weeks: Sequence[str]) -> tuple[list[list[str]], int]:
    """Each week as two lines ("2026", "W47"); every n-th labelled so at most 16 show."""
    step = max(1, len(weeks) // 16)
    return [w.split("-") if i % step == 0 else [] for i, w in enumerate(weeks)], step


def _slots(plot: _Plot, count: int) -> tuple[float, float]:
    """Slot width and bar width for ``count`` columns (at least eight slots: bars, not walls)."""
    slot = plot.width / max(count, 8)
    return slot, slot * 0.7


def sends_per_week(rows: Sequence[tuple[str, int, int]], cap: int) -> str:
    """Letters sent per ISO week (solid) and not delivered (hatched), against the cap line."""
    svg = _Svg(WIDTH, 320)
    if not any(sent or missed for _, sent, missed in rows):
        return _empty(svg, "No letters sent yet")
    totals = [s + m for _, s, m in rows]
    ticks = _nice_ticks(max([cap, *totals]) * 1.15)
    plot = _Plot(56, 34, WIDTH - 72, 320 - 34 - 46, ticks[-1])
    _axes(svg, plot, ticks, "letters")
    slot, bar = _slots(plot, len(rows))
    labels, _ = _week_labels([r[0] for r in rows])
    for i, (_, sent, missed) in enumerate(rows):
        x = plot.left + slot * i + (slot - bar) / 2
        centre = x + bar / 2
        if sent:
            svg.rect(x, plot.y(sent), bar, plot.y(0) - plot.y(sent), GREYS[3])
        if missed:
            top = plot.y(sent + missed)
            svg.rect(x, top, bar, plot.y(sent) - top, svg.fill("#ffffff", "///"))
        if sent or missed:
            number = f"{sent}" + (f" (+{missed})" if missed else "")
            svg.text(centre, plot.y(sent + missed) - 4, number, 9.5)
        svg.lines(centre, plot.bottom + 14, labels[i], 9)
    y = plot.y(cap)
    svg.line(plot.left, y, plot.left + plot.width, y, 1.4, "7 4")
    svg.text(plot.left + plot.width, y - 5, f"weekly cap {cap}", 10.5, "end")
    _legend(svg, plot.left + 6, 20, [(GREYS[3], "", "sent"), ("#ffffff", "///", "not delivered")])
    return svg.uri()


def calls_per_week(rows: Sequence[tuple[str, dict[str, int]]], outcomes: Sequence[str]) -> str:
    """Calls per ISO week, stacked by outcome: each outcome its own grey and hatching.

    ``outcomes`` names the series in order; every outcome in ``rows`` should be among
    them (``Report.outcomes``), so the bars add up to the calls made.
    """
    svg = _Svg(WIDTH, 340)
    totals = [sum(by.values()) for _, by in rows]
    if not any(totals):
        return _empty(svg, "No calls logged yet")
    drawn = [o for o in outcomes if any(by.get(o, 0) for _, by in rows)]
    styles = {o: _style(i) for i, o in enumerate(drawn)}
    ticks = _nice_ticks(max(totals) * 1.15)
    plot = _Plot(56, 40, WIDTH - 72, 340 - 40 - 46, ticks[-1])
    _axes(svg, plot, ticks, "calls")
    slot, bar = _slots(plot, len(rows))
    labels, _ = _week_labels([r[0] for r in rows])
    for i, (_, by) in enumerate(rows):
        x = plot.left + slot * i + (slot - bar) / 2
        below = 0
        for outcome in drawn:
            n = by.get(outcome, 0)
            if n:
                grey, hatch = styles[outcome]
                top = plot.y(below + n)
                svg.rect(x, top, bar, plot.y(below) - top, svg.fill(grey, hatch))
                below += n
        if totals[i]:
            svg.text(x + bar / 2, plot.y(totals[i]) - 4, str(totals[i]), 9.5)
        svg.lines(x + bar / 2, plot.bottom + 14, labels[i], 9)
    _legend(svg, plot.left + 6, 20, [(*styles[o], o) for o in drawn])
    return svg.uri()


def _hbars(
    svg: _Svg,
    top: float,
    left: float,
    width: float,
    rows: Sequence[tuple[str, float, str]],
    scale: float,
    fill: str,
    title: str,
    axis: str,
    ticks: Sequence[int] = (),
) -> None:
    """Horizontal bars, one per (label, value, words shown at its end), under ``title``."""
    label_width = max([_text_width(label, 10.5) for label, _, _ in rows] + [40]) + 10
    x0 = left + label_width
    span = width - label_width - 10
    svg.text(left + width / 2, top, title, 12, weight="bold")
    row_height = 24
    y = top + 12
    for label, value, words in rows:
        svg.text(x0 - 6, y + 15, label, 10.5, "end")
        length = span * (value / scale if scale else 0)
        if value:
            svg.rect(x0, y + 3, length, row_height - 7, fill)
        svg.text(x0 + length + 5, y + 15, words, 10, "start")
        y += row_height
    svg.line(x0, top + 12, x0, y)
    for value in ticks:
        x = x0 + span * value / scale
        svg.line(x, y, x, y + 4)
        svg.text(x, y + 15, str(value), 9.5)
    if axis:
        svg.text(x0 + span / 2, y + 30, axis, 10.5)


def funnel(stages: Sequence[tuple[str, int]], activity: Sequence[tuple[str, int]] = ()) -> str:
    """The funnel of prospects, and apart from it (on its own scale) the work that drove it.

    ``stages`` count prospects (how many were written to, spoken with ...), so each bar
    is at most the one above it; ``activity`` counts items (letters sent, calls made),
    which may outnumber the prospects and so never share their bars' scale.
    """
    height = 40 + 24 * max(len(stages), len(activity), 1)
    svg = _Svg(WIDTH, height)
    panel = WIDTH * 0.62 if activity else WIDTH - 20
    top_stage = max([n for _, n in stages] + [1])
    _hbars(
        svg,
        20,
        10,
        panel - 20,
        [(label, n, str(n)) for label, n in stages],
        top_stage * 1.12,
        svg.fill(GREYS[1], "..."),
        "prospects at each stage",
        "",
    )
    if activity:
        top_item = max([n for _, n in activity] + [1])
        _hbars(
            svg,
            20,
            panel + 10,
            WIDTH - panel - 20,
            [(label, n, str(n)) for label, n in activity],
            top_item * 1.25,
            svg.fill(GREYS[2], "///"),
            "letters and calls made (items, not prospects)",
            "",
        )
    return svg.uri()


def response_rates(by_band: Sequence[Rate], by_letter: Sequence[Rate]) -> str:
    """Share of prospects written to who were then spoken with, by priority band and letter."""
    height = 80 + 24 * max(len(by_band), len(by_letter), 1)
    svg = _Svg(WIDTH, height)
    half = WIDTH / 2
    for i, (rates, title) in enumerate(((by_band, "by priority band"), (by_letter, "by letter"))):
        left = 10 + i * half
        if not rates:
            svg.text(left + half / 2, 20, title, 12, weight="bold")
            svg.text(left + half / 2, height / 2, "No letters sent yet", 13)
            continue
        _hbars(
            svg,
            20,
            left,
            half - 20,
            [(r.label, r.percent, f"{r.responded}/{r.sent} ({r.percent:.0f}%)") for r in rates],
            130,
            svg.fill(GREYS[0], "\\\\"),
            title,
            "% spoken with",
            (0, 25, 50, 75, 100),
        )
    return svg.uri()


def call_load(
    days: Sequence[tuple[date, int]], per_day: int, holidays: Mapping[date, str] | None = None
) -> str:
    """Open calls on each weekday of the next four weeks, against the daily cap.

    A public holiday (``holidays``: day -> name) is shaded and labelled "holiday": no
    call is scheduled then, so it must not read as a free business day. A full day is
    crossed out, in any colour.
    """
    holidays = holidays or {}
    svg = _Svg(WIDTH, 320)
    if not days:
        return _empty(svg, "No business days ahead")
    values = [n for _, n in days]
    ticks = _nice_ticks(max([per_day, *values]) * 1.2)
    plot = _Plot(56, 30, WIDTH - 72, 320 - 30 - 58, ticks[-1])
    slot = plot.width / len(days)
    bar = slot * 0.7
    for i, (day, _) in enumerate(days):
        if day in holidays:
            x = plot.left + slot * i + slot * 0.05
            svg.rect(x, plot.top, slot * 0.9, plot.height, svg.fill(GREYS[4], "..."), stroke="none")
    _axes(svg, plot, ticks, "calls")
    for i, (day, n) in enumerate(days):
        x = plot.left + slot * i + (slot - bar) / 2
        full = n >= per_day
        if n:
            fill = svg.fill(GREYS[3], "xxx") if full else GREYS[1]
            svg.rect(x, plot.y(n), bar, plot.y(0) - plot.y(n), fill)
            svg.text(x + bar / 2, plot.y(n) - 4, str(n), 9.5)
        label = [f"{day:%a}", f"{day.day} {day:%b}"] + (["holiday"] if day in holidays else [])
        svg.lines(x + bar / 2, plot.bottom + 13, label, 8.5)
    y = plot.y(per_day)
    svg.line(plot.left, y, plot.left + plot.width, y, 1.4, "2 3")
    svg.text(plot.left + plot.width, y - 5, f"{counted(per_day, 'call')} a day", 10.5, "end")
    return svg.uri()
