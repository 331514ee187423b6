"""Geometry of the dashboard's server-rendered SVG charts: horizontal bars (the funnel, shares) and a daily line.

The charts take the width of their column and are never scaled: the outer SVG has no viewBox, so its user units
are CSS pixels and its text keeps the stylesheet's size (at least 12 px) on a 375 px phone as on a laptop.
Horizontal positions are percentages of the chart's width; vertical ones are pixels. Only the line itself is
stretched, in a nested SVG of its own whose strokes do not scale.
"""
from __future__ import annotations

import dataclasses

# Bars: a row per bar, its label and value on a line of text above the bar.
ROW = 46          # px from one row to the next
LABEL_BASELINE = 14
BAR_TOP = 20
BAR_HEIGHT = 18

# Line: the plot between these percentages of the width, the y axis's labels to its left.
PLOT_LEFT = 10.0
PLOT_RIGHT = 93.0  # room for the last day's label, centred on its point, on a 375 px phone


@dataclasses.dataclass
class Bar:
    label: str
    value: str
    y: int          # baseline of the label's text, px
    bar_y: int      # top of the bar, px
    width: float    # percentage of the chart's width


def bars(rows: list[tuple], value_text=lambda row: str(row[1])) -> dict:
    """Bars scaled to the largest value; each row is (label, number, ...)."""
    top = max((row[1] for row in rows), default=0) or 1
    placed = [Bar(row[0], value_text(row), i * ROW + LABEL_BASELINE, i * ROW + BAR_TOP,
                  round(100 * row[1] / top, 1))
              for i, row in enumerate(rows)]
    return {"bars": placed, "height": max(1, len(rows)) * ROW, "bar_height": BAR_HEIGHT}


def line(points: list[tuple[str, int]], height: int = 200) -> dict:
    """A polyline of daily counts, with the y axis from 0 to the largest day and a label every seven days.

    The polyline's points are in the plot's own units (day index, count from the top), drawn in a nested SVG
    stretched over the plot; the labels are placed in percentages of the chart's width, so they line up with it
    at any width.
    """
    top_pad, bottom = 12, 30
    top = max((n for _, n in points), default=0) or 1
    days = max(1, len(points) - 1)
    plot = height - bottom - top_pad
    coords = " ".join(f"{i},{top - n}" for i, (_, n) in enumerate(points))
    span = PLOT_RIGHT - PLOT_LEFT
    ticks = [(round(PLOT_LEFT + span * i / days, 2), day[5:]) for i, (day, _) in enumerate(points)][::7]
    return {"points": coords, "days": days, "max": top, "height": height, "top": top_pad, "plot": plot,
            "base": top_pad + plot, "left": PLOT_LEFT, "right": PLOT_RIGHT, "span": span, "ticks": ticks}
