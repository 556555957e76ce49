"""SVG charts drawn with matplotlib (docs/assessment.md, "Reports": radar chart per domain, heat map).

Text inside the SVG stays text (``svg.fonttype = none``) so that it is searchable in the PDF;
labels are ASCII (domain codes, numbers) and the legends are written in the page around the chart,
in the reader's language. Figures are built with the object API, not pyplot, so no global figure
state is shared between the threads of a web server.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib
from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

CURRENT_COLOUR = "#d9480f"
TARGET_COLOUR = "#1864ab"
_STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 11,
    "svg.hashsalt": "cyberdelta",
}


_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)


def _presentation_attributes(svg: str) -> str:
    """Inline ``style`` attributes and ``<style>`` elements become SVG presentation attributes
    (SVG 1.1 §6.4), because the pages' Content-Security-Policy allows no inline style; the
    drawing looks the same in the page and in the PDF."""

    def attributes(match: re.Match[str]) -> str:
        pairs = []
        for declaration in match.group(1).split(";"):
            name, _colon, value = declaration.partition(":")
            if name.strip() and value.strip():
                pairs.append(f' {name.strip()}="{value.strip().replace(chr(34), chr(39))}"')
        return "".join(pairs)

    return _STYLE_ATTRIBUTE.sub(attributes, _STYLE_ELEMENT.sub("", svg))


def _svg(figure: Figure, element_id: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # matplotlib numbers element ids per figure; prefix them so two charts in one page never clash.
    text = text.replace(' id="', f' id="{element_id}-')
    text = text.replace("url(#", f"url(#{element_id}-").replace('href="#', f'href="#{element_id}-')
    text = _presentation_attributes(text)
    return text.replace("<svg ", f'<svg id="{element_id}" role="img" stroke-linejoin="round" ', 1)


def radar_chart(
    domains: Sequence[str], current: Mapping[str, float | None], target: Mapping[str, int]
) -> str:
    """Current score vs target maturity per domain, on a 0–5 radial scale, as an SVG element."""
    count = len(domains)
    angles = [2 * math.pi * index / count for index in range(count)]
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(4.8, 4.8))
        axes = cast(PolarAxes, figure.add_subplot(projection="polar"))
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        closed = [*angles, angles[0]]
        for values, colour, style in (
            ([target.get(domain, 3) for domain in domains], TARGET_COLOUR, "--"),
            ([current.get(domain) or 0.0 for domain in domains], CURRENT_COLOUR, "-"),
        ):
            series = [*values, values[0]]
            axes.plot(closed, series, style, color=colour, linewidth=2)
            axes.fill(closed, series, color=colour, alpha=0.15)
        axes.set_xticks(angles, [domain.upper() for domain in domains])
        axes.set_ylim(0, 5)
        axes.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"])
        return _svg(figure, "radar-chart")


def heat_map(domains: Sequence[str], counts: Mapping[str, Sequence[int]]) -> str:
    """Number of controls per domain (rows) and maturity 0–5 plus N/A (columns), as an SVG element."""
    columns = ["0", "1", "2", "3", "4", "5", "N/A"]
    grid = [list(counts.get(domain, [0] * len(columns))) for domain in domains]
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(5.6, 0.45 * len(domains) + 1.2))
        axes = figure.add_subplot()
        # Vector cells (pcolormesh), not a raster image, so the PDF stays sharp and small.
        axes.pcolormesh(grid, cmap="Oranges", vmin=0, edgecolors="white", linewidth=1)
        axes.invert_yaxis()
        axes.set_xticks([index + 0.5 for index in range(len(columns))], columns)
        axes.set_yticks(
            [index + 0.5 for index in range(len(domains))], [domain.upper() for domain in domains]
        )
        axes.tick_params(length=0)
        peak = max((value for row in grid for value in row), default=0)
        for row_index, row in enumerate(grid):
            for column_index, value in enumerate(row):
                if value:
                    colour = "white" if value > peak * 0.6 else "black"
                    axes.text(
                        column_index + 0.5,
                        row_index + 0.5,
                        str(value),
                        ha="center",
                        va="center",
                        color=colour,
                    )
        return _svg(figure, "heat-map")
