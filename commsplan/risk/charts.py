"""Server-drawn line charts: coordinates and shapes for an inline SVG, so no JavaScript is needed.

Each series gets its own marker shape and dash pattern as well as a colour, so the lines can be
told apart in greyscale, in print and by people who do not see colour. A year missing from a
series breaks its line rather than joining across the gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 40
TICKS = 4
MARKER_RADIUS = 5
SHAPES = ("circle", "square", "triangle", "diamond", "cross", "plus", "ring", "box")
STROKED_ONLY = {"cross", "plus"}
HOLLOW = {"ring", "box"}
DASHES = ("", "10 5", "3 4", "14 4 3 4")
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#0b0c0c", "#912b88", "#505a5f")


@dataclass(frozen=True)
class Style:
    shape: str
    dash: str
    colour: str

    @property
    def fill(self) -> str:
        return "none" if self.shape in STROKED_ONLY else "#ffffff" if self.shape in HOLLOW else self.colour


def style_for(number: int) -> Style:
    """The nth series' look: shapes change first, then dashes, so neighbours differ in both."""
    return Style(shape=SHAPES[number % len(SHAPES)], dash=DASHES[number % len(DASHES)],
                 colour=COLOURS[number % len(COLOURS)])


def marker(shape: str, x: float, y: float, r: float = MARKER_RADIUS) -> str:
    """SVG path data for a marker centred on (x, y)."""
    if shape in ("circle", "ring"):
        return f"M {x - r:g} {y:g} a {r:g} {r:g} 0 1 0 {2 * r:g} 0 a {r:g} {r:g} 0 1 0 {-2 * r:g} 0 Z"
    if shape in ("square", "box"):
        return f"M {x - r:g} {y - r:g} h {2 * r:g} v {2 * r:g} h {-2 * r:g} Z"
    if shape == "triangle":
        return f"M {x:g} {y - 1.2 * r:g} L {x + r * 1.1:g} {y + r:g} L {x - r * 1.1:g} {y + r:g} Z"
    if shape == "diamond":
        d = 1.3 * r
        return f"M {x:g} {y - d:g} L {x + d:g} {y:g} L {x:g} {y + d:g} L {x - d:g} {y:g} Z"
    if shape == "cross":
        return f"M {x - r:g} {y - r:g} L {x + r:g} {y + r:g} M {x + r:g} {y - r:g} L {x - r:g} {y + r:g}"
    return f"M {x - r:g} {y:g} H {x + r:g} M {x:g} {y - r:g} V {y + r:g}"  # plus


def nice_step(value: float, *, whole: bool = False) -> float:
    """A round gap between gridlines such that TICKS of them reach `value`; whole numbers if asked."""
    raw = value / TICKS
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(s * magnitude for s in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if s * magnitude >= raw)
    return float(max(1, math.ceil(step))) if whole else step


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str
    marker: str


@dataclass(frozen=True)
class Line:
    label: str
    style: Style
    path: str
    points: list[Point]

    @property
    def swatch(self) -> str:
        return marker(self.style.shape, 20, 8)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    value_label: str
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP

    @property
    def right(self) -> int:
        return self.width - RIGHT

    @property
    def bottom(self) -> int:
        return self.height - BOTTOM


def line_chart(
    *, title: str, description: str, value_label: str, years: Sequence[int],
    series: Sequence[tuple[str, Mapping[int, float]]], year_label: Callable[[int], str],
    number: Callable[[float], str], whole: bool = False,
) -> Chart:
    """A chart of each series' value by year; `years` sets the axis (first to last, every year)."""
    span = list(range(min(years), max(years) + 1)) if years else []
    step = nice_step(max((v for _, values in series for v in values.values()), default=0), whole=whole)
    top = step * TICKS

    def x_of(year: int) -> float:
        if len(span) < 2:
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + (year - span[0]) * (WIDTH - RIGHT - LEFT) / (len(span) - 1)

    def y_of(value: float) -> float:
        return HEIGHT - BOTTOM - value / top * (HEIGHT - BOTTOM - TOP)

    lines = []
    for index, (label, values) in enumerate(series):
        style = style_for(index)
        years_in = sorted(values)
        points = [Point(x_of(year), y_of(value), f"{label}, {year_label(year)}: {number(value)}",
                        marker(style.shape, x_of(year), y_of(value)))
                  for year, value in ((year, values[year]) for year in years_in)]
        path = " ".join(f"{'L' if n and year - 1 in values else 'M'} {point.x:g} {point.y:g}"
                        for n, (year, point) in enumerate(zip(years_in, points, strict=True)))
        lines.append(Line(label=label, style=style, path=path, points=points))
    return Chart(title=title, description=description, value_label=value_label, lines=lines,
                 x_ticks=[Tick(x_of(year), year_label(year)) for year in span],
                 y_ticks=[Tick(y_of(step * n), number(step * n)) for n in range(TICKS + 1)])
