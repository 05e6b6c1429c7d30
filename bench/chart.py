"""A hand-written SVG chart of in-process cost against catalogue size (log-log), so the bench needs no plotting library."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 720, 440
LEFT, RIGHT, TOP, BOTTOM = 80, 190, 50, 60
SERIES = (  # key in the scaling results, label, colour, dashed
    ("recommend.p99_us", "whole recommend, p99", "#b2182b", False),
    ("recommend.mean_us", "whole recommend, mean", "#ef8a62", False),
    ("rules.mean_us", "rules alone, mean", "#2166ac", False),
    ("ranking.mean_us", "ranking alone, mean", "#1b7837", False),
    ("json.mean_us", "JSON encoding, mean", "#762a83", True),
)
TARGET_US = 50_000


def _value(row: dict, key: str) -> float | None:
    stage, field = key.split(".")
    return row.get(stage, {}).get(field)


def render(scaling: list[dict], machine: str) -> str:
    """The SVG document."""
    sizes = [row["services"] for row in scaling]
    values = [v for row in scaling for key, *_ in SERIES if (v := _value(row, key))] + [TARGET_US]
    x_low, x_high = math.log10(min(sizes)) - 0.1, math.log10(max(sizes)) + 0.1
    y_low, y_high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(size: float) -> float:
        return LEFT + (math.log10(size) - x_low) / (x_high - x_low) * plot_w

    def y(us: float) -> float:
        return TOP + plot_h - (math.log10(us) - y_low) / (y_high - y_low) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="title desc" font-family="sans-serif" font-size="12">',
             '<title id="title">In-process cost per call against catalogue size</title>',
             f'<desc id="desc">{escape(_description(scaling))}</desc>',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">Cost per call against catalogue size (log-log)</text>',
             f'<text x="{LEFT}" y="38" fill="#555">{escape(machine)}</text>']
    for power in range(y_low, y_high + 1):
        level = y(10 ** power)
        parts.append(f'<line x1="{LEFT}" y1="{level:.1f}" x2="{LEFT + plot_w}" y2="{level:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{level + 4:.1f}" text-anchor="end">{_us_label(10 ** power)}</text>')
    for size in sizes:
        parts.append(f'<line x1="{x(size):.1f}" y1="{TOP}" x2="{x(size):.1f}" y2="{TOP + plot_h}" stroke="#eee"/>')
        parts.append(f'<text x="{x(size):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{size:,}</text>')
    parts.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">services in the catalogue</text>')
    parts.append(f'<text transform="translate(18 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">time per call</text>')
    target = y(TARGET_US)
    parts.append(f'<line x1="{LEFT}" y1="{target:.1f}" x2="{LEFT + plot_w}" y2="{target:.1f}" stroke="#000" stroke-dasharray="2 3"/>')
    parts.append(f'<text x="{LEFT + 4}" y="{target - 5:.1f}">target: recommend p99 under 50 ms at 10,000 services</text>')
    for index, (key, label, colour, dashed) in enumerate(SERIES):
        points = [(x(row["services"]), y(v)) for row in scaling if (v := _value(row, key))]
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in points)}"/>')
        parts.extend(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>' for a, b in points)
        legend_y = TOP + 10 + index * 20
        parts.append(f'<line x1="{WIDTH - RIGHT + 15}" y1="{legend_y}" x2="{WIDTH - RIGHT + 40}" y2="{legend_y}" stroke="{colour}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 46}" y="{legend_y + 4}">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _us_label(us: float) -> str:
    return f"{us / 1e6:.3g} s" if us >= 1e6 else f"{us / 1e3:.3g} ms" if us >= 1e3 else f"{us:.3g} µs"


def _description(scaling: list[dict]) -> str:
    """The same figures in words, for people who cannot see the chart."""
    return "; ".join(
        f"{row['services']:,} services: recommend mean {_us_label(_value(row, 'recommend.mean_us'))}, p99 {_us_label(_value(row, 'recommend.p99_us'))}"
        for row in scaling if _value(row, "recommend.mean_us")
    )
