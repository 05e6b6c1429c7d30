"""Charts drawn on the server as accessible SVG geometry: bars and columns, each with the table of its numbers.

Only shapes here: the numbers and labels arrive formatted (figures.py), so this module knows no language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 400  # SVG user units; the charts scale to the page width (text stays legible at 320 px)
LABEL_CHARACTERS = 44  # what fits on one line of WIDTH at 15 units a letter-em
ROOM_FOR_VALUE = 130


@dataclass
class Mark:
    """One bar and its texts, in SVG user units."""

    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float
    lines: list[str] = field(default_factory=list)


@dataclass
class Chart:
    """A chart and its table: what the template draws."""

    id: str
    title: str
    summary: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    kind: str = "bars"  # bars (horizontal, label above) or columns (weeks)
    width: float = WIDTH
    height: float = 0
    marks: list[Mark] = field(default_factory=list)
    axis: tuple[float, float, float, float] | None = None  # x1, y1, x2, y2


@dataclass(frozen=True)
class Bar:
    """One bar to draw: its label, its length as a share of the longest (0-1), its value as written, its table row."""

    label: str
    share: float
    value_text: str
    row: tuple[str, ...]


def bar_chart(chart_id: str, title: str, summary: str, columns: tuple[str, ...], bars: list[Bar]) -> Chart:
    """Horizontal bars, each with its label above it: readable on a narrow screen."""
    chart = Chart(chart_id, title, summary, columns, [bar.row for bar in bars])
    line_height, bar_height = 18, 16
    y = 0.0
    for bar in bars:
        lines = wrap(bar.label, LABEL_CHARACTERS)
        bar_y = y + len(lines) * line_height + 4
        length = max((WIDTH - ROOM_FOR_VALUE) * bar.share, 1)
        chart.marks.append(Mark(bar.label, bar.value_text, 0, bar_y, length, bar_height, 0, y + 14, length + 6, bar_y + 13, lines=lines))
        y = bar_y + bar_height + 10
    chart.height = max(y, 1)
    return chart


def wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of at most `width` characters (SVG text does not wrap by itself)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class Column:
    """One week: its label under the axis ('' for none), its count (None: a gap), its count as written."""

    label: str
    count: int | None
    count_text: str


def column_chart(chart_id: str, title: str, summary: str, columns: tuple[str, ...], rows: list[tuple[str, ...]], weeks: list[Column]) -> Chart:
    """One column per week, a gap where a week is hidden."""
    chart = Chart(chart_id, title, summary, columns, rows, kind="columns")
    plot_top, plot_bottom = 8, 160
    top = max((week.count for week in weeks if week.count is not None), default=0) or 1
    step = WIDTH / max(len(weeks), 1)
    for index, week in enumerate(weeks):
        x = index * step
        height = (plot_bottom - plot_top) * (week.count or 0) / top
        width = step * 0.8 if week.count is not None else 0
        chart.marks.append(Mark(week.label, week.count_text, x + step * 0.1, plot_bottom - height, width, height, x, plot_bottom + 18, x + step / 2, plot_bottom - height - 4))
    chart.axis = (0, plot_bottom, WIDTH, plot_bottom)
    chart.height = plot_bottom + 22
    return chart
