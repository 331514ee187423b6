"""The dashboard's chart geometry: horizontal positions in percentages of the chart's width (so the SVG is drawn at
its column's width, never scaled, and its text keeps its size on a phone), vertical ones in pixels."""
from portal.reports import charts


def test_bars_are_percentages_of_the_largest_with_a_row_each():
    chart = charts.bars([("Applied", 10), ("Screened", 5), ("Hired", 0)])
    assert [b.width for b in chart["bars"]] == [100.0, 50.0, 0.0]
    assert [b.value for b in chart["bars"]] == ["10", "5", "0"]
    assert chart["height"] == 3 * charts.ROW
    first, second = chart["bars"][:2]
    assert first.y < first.bar_y < second.y, "each label sits above its own bar"
    assert first.bar_y + chart["bar_height"] < second.y


def test_bars_of_nothing_draw_an_empty_chart_and_values_can_be_shares():
    assert charts.bars([])["bars"] == [] and charts.bars([])["height"] == charts.ROW
    shares = charts.bars([("Remote", 3, 75.0), ("On site", 1, 25.0)], lambda r: f"{r[2]}%")
    assert [b.value for b in shares["bars"]] == ["75.0%", "25.0%"]
    assert [b.width for b in shares["bars"]] == [100.0, 33.3]


def test_the_line_is_in_plot_units_and_its_ticks_in_percentages_of_the_width():
    points = [(f"2026-11-{d:02d}", d % 4) for d in range(1, 31)]
    chart = charts.line(points)
    assert chart["days"] == 29 and chart["max"] == 3
    coords = [tuple(map(float, p.split(","))) for p in chart["points"].split()]
    assert coords[0] == (0, 2) and coords[2] == (2, 0), "x is the day, y counts down from the busiest day"
    assert [label for _, label in chart["ticks"]] == ["11-01", "11-08", "11-15", "11-22", "11-29"]
    xs = [x for x, _ in chart["ticks"]]
    assert xs[0] == charts.PLOT_LEFT and all(charts.PLOT_LEFT <= x <= charts.PLOT_RIGHT for x in xs)
    assert chart["base"] == chart["top"] + chart["plot"] < chart["height"]


def test_a_line_of_one_quiet_day_still_has_a_plot():
    chart = charts.line([("2026-11-01", 0)])
    assert chart["days"] == 1 and chart["max"] == 1 and chart["points"] == "0,1"
