"""Geometry of the dashboard's server-rendered SVG charts: horizontal bars (the funnel, shares) and a daily line."""
from __future__ import annotations

import dataclasses

WIDTH = 640
LABEL_WIDTH = 150
BAR_HEIGHT = 26
GAP = 8


@dataclasses.dataclass
class Bar:
    label: str
    value: str
    y: int
    width: float


def bars(rows: list[tuple], value_text=lambda row: str(row[1])) -> dict:
    """Bars scaled to the largest value; each row is (label, number, ...)."""
    top = max((row[1] for row in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - 60
    placed = [Bar(row[0], value_text(row), i * (BAR_HEIGHT + GAP), round(span * row[1] / top, 1))
              for i, row in enumerate(rows)]
    return {"bars": placed, "width": WIDTH, "height": max(1, len(rows)) * (BAR_HEIGHT + GAP),
            "label_width": LABEL_WIDTH, "bar_height": BAR_HEIGHT}


def line(points: list[tuple[str, int]], height: int = 200) -> dict:
    """A polyline of daily counts, with the y axis from 0 to the largest day and a label every seven days."""
    left, bottom, top_pad = 40, 30, 10
    top = max((n for _, n in points), default=0) or 1
    step = (WIDTH - left - 10) / max(1, len(points) - 1)
    plot = height - bottom - top_pad
    coords = [(round(left + i * step, 1), round(top_pad + plot - plot * n / top, 1)) for i, (_, n) in enumerate(points)]
    ticks = [(x, day[5:]) for (x, _), (day, _) in zip(coords, points)][::7]
    return {"points": " ".join(f"{x},{y}" for x, y in coords), "width": WIDTH, "height": height, "max": top,
            "left": left, "base": top_pad + plot, "top": top_pad, "ticks": ticks}
