"""Charts drawn on the server as SVG: the dashboards show them beside their data tables, the PDF activity report
prints the same charts (WeasyPrint renders inline SVG) through ``start_anchored``, which moves every text anchored
at its middle or end to the x where it starts (WeasyPrint would draw it in a PDF transparency group).

Each function takes keyword arguments only and returns one self-contained ``<svg>`` as a SafeString:

- no script, no external resource, no ``style`` attribute or element (a strict CSP forbids them): colours and
  fonts are SVG presentation attributes (``fill=``, ``font-size=``);
- ``role="img"`` and ``aria-labelledby`` naming its ``<title>`` and ``<desc>`` (ids unique per chart; the
  description lists every value, so a screen reader needs nothing else);
- a ``viewBox`` and no width or height: it takes the width of its container and keeps its proportions;
- DSFR colours (blue France, then illustrative colours with a contrast of at least 3:1 on white), French numbers
  ("1 234", "66,0 %", non-breaking spaces);
- every text escaped by ElementTree (a programme called "<b>&" prints literally).

A value of None is a gap (hidden small cell, rate that cannot be computed): no bar, no point; the table beside
says why. No value at all gives a small SVG saying "Aucune donnée sur la période". Values are never negative.
"""

import functools
import math
import uuid
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.staticfiles import finders
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"
BLUE_FRANCE = "#000091"
# DSFR illustrative colours ("main" tones), each at least 3:1 against white (WCAG 1.4.11): blue France,
# green-menthe, pink-tuile, purple-glycine, blue-cumulus, green-emeraude.
PALETTE = [BLUE_FRANCE, "#009081", "#CE614A", "#A558A0", "#417DC4", "#00A95F"]
TEXT = "#161616"  # DSFR grey-50-1000: body text
MUTED = "#666666"  # DSFR mention grey
GRID = "#DDDDDD"  # DSFR default border grey
CONNECTOR = "#E3E3FD"  # blue-france-950-100: the funnel's links between steps
# Line charts also tell series apart without colour: a dash pattern and a marker shape each.
DASHES = ["", "6 3", "2 3", "9 3 2 3"]
MARKERS = ["circle", "square", "triangle", "diamond"]

FONT = "Marianne, Arial, sans-serif"
WIDTH = 640
FONT_SIZE = 13
SMALL = 12
CHAR = 0.6  # average glyph width in em, on the generous side: labels are placed from estimated widths
EMPTY_MESSAGE = "Aucune donnée sur la période"
NOT_AVAILABLE = "non disponible"
MAX_LABEL = 30  # characters of a category label kept on the chart (the full label in a tooltip)


# --- French numbers -----------------------------------------------------------------------------------------


def format_number(value, unit: str = "", places: int | None = None) -> str:
    """1234 -> "1 234"; Decimal("66.0") with "%" -> "66,0 %"; 12.5 with "h" -> "12,5 h"; None -> "n.c.".

    Percentages keep one decimal; other values their own decimals, at most two (unless ``places`` is given).
    """
    if value is None:
        return "n.c."
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is None:
        if unit == "%":
            places = 1
        else:
            exponent = number.normalize().as_tuple().exponent
            places = min(2, max(0, -exponent)) if isinstance(exponent, int) else 0
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}".replace(",", NBSP).replace(".", ",")
    return f"{text}{NBSP}{unit}" if unit else text


def _share(part, whole) -> str:
    """part / whole as "81,1 %" ("" when it cannot be computed)."""
    if part is None or not whole:
        return ""
    return format_number(Decimal(part) * 100 / Decimal(whole), "%")


# --- Building blocks ------------------------------------------------------------------------------------------


def _f(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR


def _short(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    if number < 0 or math.isnan(number) or math.isinf(number):
        raise ValueError(f"Valeur impossible à représenter : {value!r} (attendu un nombre positif ou nul).")
    return number


class _Svg:
    """An <svg> root with its <title> and <desc>, and helpers to add shapes and text."""

    def __init__(self, title: str, desc: str, height: float, chart_id: str | None, kind: str):
        self.id = chart_id or f"chart-{uuid.uuid4().hex[:10]}"
        self.root = ET.Element("svg", {
            "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {_f(height)}", "role": "img",
            "aria-labelledby": f"{self.id}-title {self.id}-desc", "class": f"iae-chart iae-chart--{kind}",
            "font-family": FONT, "font-size": str(FONT_SIZE), "fill": TEXT, "focusable": "false",
        })
        ET.SubElement(self.root, "title", {"id": f"{self.id}-title"}).text = str(title)
        ET.SubElement(self.root, "desc", {"id": f"{self.id}-desc"}).text = desc

    def add(self, tag: str, parent=None, text: str | None = None, tooltip: str | None = None, **attributes):
        element = ET.SubElement(self.root if parent is None else parent, tag,
                                {name.rstrip("_").replace("_", "-"): str(value) for name, value in attributes.items()
                                 if value is not None})
        if tooltip:
            ET.SubElement(element, "title").text = tooltip
        if text is not None:
            element.text = text if not element.text else element.text + text
        return element

    def text(self, x: float, y: float, text: str, *, anchor: str = "start", size: int = FONT_SIZE,
             fill: str | None = None, weight: str | None = None, tooltip: str | None = None, parent=None, **extra):
        element = self.add("text", parent, x=_f(x), y=_f(y), text_anchor=anchor if anchor != "start" else None,
                           font_size=size if size != FONT_SIZE else None, fill=fill, font_weight=weight, **extra)
        if tooltip:  # the full label on hover when the chart shows it shortened
            ET.SubElement(element, "title").text = tooltip
            ET.SubElement(element, "tspan").text = text
        else:
            element.text = text
        return element

    def label(self, x: float, middle: float, lines: list[str], full: str, parent=None):
        """A row label of one or two lines, right-aligned on x and centred on ``middle``."""
        element = self.add("text", parent, x=_f(x), y=_f(middle + 4 - 6.5 * (len(lines) - 1)), text_anchor="end")
        if " ".join(lines) != full:
            ET.SubElement(element, "title").text = full
        for number, line in enumerate(lines):
            self.add("tspan", element, text=line, x=_f(x), dy="13" if number else None)
        return element

    def render(self) -> SafeString:
        return mark_safe(ET.tostring(self.root, encoding="unicode", short_empty_elements=True))


def _empty(title: str, chart_id: str | None, kind: str, message: str = "") -> SafeString:
    """A chart with nothing to draw says why: ``message`` (for instance no rate without exits), else no data."""
    message = message or EMPTY_MESSAGE
    svg = _Svg(title, message + ".", 64, chart_id, kind)
    svg.add("rect", x=0.5, y=0.5, width=WIDTH - 1, height=63, rx=4, fill="none", stroke=GRID)
    svg.text(WIDTH / 2, 37, message, anchor="middle", size=14, fill=MUTED)
    return svg.render()


def _scale(largest: float, *, integers: bool, top: float | None = None) -> tuple[float, list[float]]:
    """A round top for the axis (at least ``largest`` and ``top``) and about five ticks from 0."""
    largest = max(largest, top or 0)
    if largest <= 0:
        return 1.0, [0.0, 1.0]
    raw = (top if top and top >= largest else largest) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [1, 2, 5, 10] if integers and magnitude < 10 else [1, 2, 2.5, 5, 10]
    step = next(multiple * magnitude for multiple in steps if multiple * magnitude >= raw - 1e-9)
    if integers:
        step = max(1.0, float(math.ceil(step)))
    count = math.ceil(largest / step - 1e-9)
    return count * step, [index * step for index in range(count + 1)]


def _tick_label(value: float, ticks: list[float], unit: str) -> str:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    places = max(0, -Decimal(repr(round(step, 6))).normalize().as_tuple().exponent)
    return format_number(Decimal(repr(round(value, 6))), unit, places=min(places, 2))


def _legend(svg: _Svg, names: list[str], y: float, left: float, *, lines: bool = False) -> float:
    """The series' names with their colour (and, for lines, their dash and marker); returns the height used."""
    x, row = left, 0
    group = svg.add("g", class_="iae-chart__legend", font_size=SMALL)
    for index, name in enumerate(names):
        shown = _short(name, 40)
        width = 28 + _width(shown, SMALL) + 16
        if x + width > WIDTH - 8 and x > left:
            x, row = left, row + 1
        top = y + row * 20
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            svg.add("line", group, x1=_f(x), y1=_f(top + 6), x2=_f(x + 22), y2=_f(top + 6), stroke=colour,
                    stroke_width=2.5, stroke_dasharray=DASHES[index % len(DASHES)] or None)
            _marker(svg, group, index, x + 11, top + 6)
        else:
            svg.add("rect", group, x=_f(x + 5), y=_f(top), width=12, height=12, fill=colour)
        svg.text(x + 28, top + 10, shown, size=SMALL, parent=group, tooltip=name if shown != name else None)
        x += width
    return (row + 1) * 20 + 6


def _marker(svg: _Svg, parent, index: int, x: float, y: float, tooltip: str | None = None):
    colour, shape = PALETTE[index % len(PALETTE)], MARKERS[index % len(MARKERS)]
    if shape == "circle":
        element = svg.add("circle", parent, cx=_f(x), cy=_f(y), r=4, fill=colour, tooltip=tooltip)
    elif shape == "square":
        element = svg.add("rect", parent, x=_f(x - 4), y=_f(y - 4), width=8, height=8, fill=colour, tooltip=tooltip)
    else:
        points = ([(x, y - 5), (x + 5, y + 4), (x - 5, y + 4)] if shape == "triangle"
                  else [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)])
        element = svg.add("polygon", parent, points=" ".join(f"{_f(a)},{_f(b)}" for a, b in points), fill=colour,
                          tooltip=tooltip)
    return element


def _series_desc(kind: str, categories: list[str], names: list[str], raw: list[list], unit: str) -> str:
    parts = []
    for name, values in zip(names, raw, strict=True):
        listed = " ; ".join(f"{category} : {format_number(value, unit) if value is not None else NOT_AVAILABLE}"
                            for category, value in zip(categories, values, strict=True))
        parts.append(f"{name} — {listed}." if name else f"{listed}.")
    return f"{kind}. " + " ".join(parts)


class _CategoryAxis:
    """The x axis shared by bar and line charts: one slot per category, labels straight, wrapped or slanted."""

    def __init__(self, categories: list[str], left: float, right: float):
        self.categories = [str(category) for category in categories]
        self.left, self.slot = left, (right - left) / max(1, len(categories))
        widest = max((_width(category, SMALL) for category in self.categories), default=0)
        self.slanted = widest > self.slot - 6 and not all(
            max((_width(line, SMALL) for line in _two_lines(category)), default=0) <= self.slot - 6
            for category in self.categories)
        self.every = max(1, math.ceil(16 / self.slot)) if self.slanted else 1
        shown = [_short(category) for category in self.categories]
        self.height = (max((_width(label, SMALL) for label in shown), default=0) * 0.65 + 22 if self.slanted
                       else 34 if any(len(_two_lines(c)) > 1 for c in self.categories) and widest > self.slot - 6
                       else 22)

    @classmethod
    def fitted(cls, categories: list[str], left: float, right: float) -> "_CategoryAxis":
        """The axis, its left edge moved right when the first slanted label would start outside the chart."""
        axis = cls(categories, left, right)
        if axis.slanted:
            reach = _width(_short(axis.categories[0]), SMALL) * math.cos(math.radians(40)) - axis.slot / 2 + 4
            if reach > left:
                axis = cls(categories, min(reach, WIDTH / 3), right)
        return axis

    def centre(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)

    def draw(self, svg: _Svg, base: float):
        group = svg.add("g", class_="iae-chart__categories", font_size=SMALL)
        for index, category in enumerate(self.categories):
            if index % self.every:
                continue
            x = self.centre(index)
            if self.slanted:
                label = _short(category)
                svg.text(x, base + 14, label, anchor="end", size=SMALL, parent=group,
                         transform=f"rotate(-40 {_f(x)} {_f(base + 14)})",
                         tooltip=category if label != category else None)
            elif _width(category, SMALL) > self.slot - 6:
                element = svg.add("text", group, x=_f(x), y=_f(base + 16), text_anchor="middle")
                for number, line in enumerate(_two_lines(category)):
                    svg.add("tspan", element, text=line, x=_f(x), dy="0" if number == 0 else "13")
            else:
                svg.text(x, base + 16, category, anchor="middle", size=SMALL, parent=group)


def _two_lines(text: str) -> list[str]:
    """The label cut at the space nearest its middle (one line when it has no space)."""
    words = text.split(" ")
    if len(words) < 2:
        return [text]
    best = min(range(1, len(words)), key=lambda cut: abs(len(" ".join(words[:cut])) - len(" ".join(words[cut:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _label_lines(label: str, room: float = WIDTH * 0.4 - 16) -> list[str]:
    """A row label on one line, or two when it is wider than ``room``, each line shortened to fit."""
    chars = max(8, int(room / (FONT_SIZE * CHAR)))
    if len(label) <= chars:
        return [label]
    lines = _two_lines(label)
    return [_short(line, chars) for line in lines]


def _value_axis(svg: _Svg, ticks: list[float], top_value: float, unit: str, left: float, right: float,
                top: float, base: float):
    group = svg.add("g", class_="iae-chart__axis", font_size=SMALL)
    for tick in ticks:
        y = base - (base - top) * tick / top_value
        svg.add("line", group, x1=_f(left), y1=_f(y), x2=_f(right), y2=_f(y), stroke=GRID if tick else MUTED,
                stroke_width=1)
        svg.text(left - 6, y + 4, _tick_label(tick, ticks, unit), anchor="end", size=SMALL, parent=group)


def _axis_margin(ticks: list[float], unit: str) -> float:
    return max(_width(_tick_label(tick, ticks, unit), SMALL) for tick in ticks) + 14


def _check_series(categories, series) -> tuple[list[str], list[tuple[str, list[float | None]]], list]:
    categories = [str(category) for category in categories]
    checked, raw = [], []
    for name, values in series:
        values = list(values)
        if len(values) != len(categories):
            raise ValueError(f"La série « {name} » a {len(values)} valeurs pour {len(categories)} catégories.")
        checked.append((str(name), [_number(value) for value in values]))
        raw.append(values)
    return categories, checked, raw


# --- The charts ----------------------------------------------------------------------------------------------


def bar_chart(*, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "",
              chart_id: str | None = None, empty: str = "") -> SafeString:
    """Grouped vertical bars: one group per category, one bar per series (a legend when several)."""
    categories, checked, raw = _check_series(categories, series)
    numbers = [value for _name, values in checked for value in values if value is not None]
    if not categories or not checked or not numbers:
        return _empty(title, chart_id, "bar", empty)
    integers = all(isinstance(value, int) for values in raw for value in values if value is not None)
    top_value, ticks = _scale(max(numbers), integers=integers)
    left, right = _axis_margin(ticks, unit), WIDTH - 12
    axis = _CategoryAxis.fitted(categories, left, right)
    left = axis.left
    svg = _Svg(title, _series_desc("Diagramme en barres", categories, [n for n, _ in checked], raw, unit), 0,
               chart_id, "bar")
    top = 14 + (_legend(svg, [name for name, _ in checked], 6, left) if len(checked) > 1 else 0)
    base = top + 220
    _value_axis(svg, ticks, top_value, unit, left, right, top, base)

    group_width = min(axis.slot * 0.76, 44 * len(checked))
    bar = group_width / len(checked)
    widest = max(_width(format_number(value, unit), SMALL) for values in raw for value in values if value is not None)
    room = axis.slot - 4 if len(checked) == 1 else bar + 2  # a single series' label may overhang its bar
    with_values = widest <= room
    bars = svg.add("g", class_="iae-chart__bars")
    for index, (name, values) in enumerate(checked):
        colour = PALETTE[index % len(PALETTE)]
        for position, value in enumerate(values):
            if value is None:
                continue
            x = axis.centre(position) - group_width / 2 + bar * index
            height = (base - top) * value / top_value
            label = format_number(raw[index][position], unit)
            svg.add("rect", bars, class_="bar", x=_f(x + 1), y=_f(base - height), width=_f(max(1, bar - 2)),
                    height=_f(height), fill=colour,
                    tooltip=f"{categories[position]}{' — ' + name if name else ''} : {label}")
            if with_values:
                svg.text(x + bar / 2, base - height - 4, label, anchor="middle", size=SMALL, parent=bars)
    axis.draw(svg, base)
    svg.root.set("viewBox", f"0 0 {WIDTH} {_f(base + axis.height)}")
    return svg.render()


def line_chart(*, title: str, categories: list[str], series: list[tuple[str, list]], unit: str = "%",
               max_value: float | None = None, chart_id: str | None = None, empty: str = "") -> SafeString:
    """Lines over categories (quarters): a gap where a value is None; the axis goes up to ``max_value`` at least
    (100 for rates) and further when a value exceeds it."""
    categories, checked, raw = _check_series(categories, series)
    numbers = [value for _name, values in checked for value in values if value is not None]
    if not categories or not checked or not numbers:
        return _empty(title, chart_id, "line", empty)
    integers = all(isinstance(value, int) for values in raw for value in values if value is not None)
    top_value, ticks = _scale(max(numbers), integers=integers and unit != "%", top=max_value)
    left, right = _axis_margin(ticks, unit), WIDTH - 12
    axis = _CategoryAxis.fitted(categories, left, right)
    left = axis.left
    svg = _Svg(title, _series_desc("Courbes", categories, [n for n, _ in checked], raw, unit), 0, chart_id,
               "line")
    top = 14 + (_legend(svg, [name for name, _ in checked], 6, left, lines=True) if len(checked) > 1 else 0)
    base = top + 220
    _value_axis(svg, ticks, top_value, unit, left, right, top, base)
    lines = svg.add("g", class_="iae-chart__lines")
    for index, (name, values) in enumerate(checked):
        colour = PALETTE[index % len(PALETTE)]
        points = [None if value is None else (axis.centre(position), base - (base - top) * value / top_value)
                  for position, value in enumerate(values)]
        segment: list = []
        for point in points + [None]:
            if point is not None:
                segment.append(point)
                continue
            if len(segment) > 1:
                svg.add("polyline", lines, class_="line", points=" ".join(f"{_f(x)},{_f(y)}" for x, y in segment),
                        fill="none", stroke=colour, stroke_width=2.5, stroke_linejoin="round",
                        stroke_dasharray=DASHES[index % len(DASHES)] or None)
            segment = []
        for position, point in enumerate(points):
            if point is None:
                continue
            label = format_number(raw[index][position], unit)
            _marker(svg, lines, index, *point,
                    tooltip=f"{categories[position]}{' — ' + name if name else ''} : {label}").set("class", "point")
            if len(checked) == 1 and _width(label, SMALL) <= axis.slot - 2:
                svg.text(point[0], point[1] - 9, label, anchor="middle", size=SMALL, parent=lines)
    axis.draw(svg, base)
    svg.root.set("viewBox", f"0 0 {WIDTH} {_f(base + axis.height)}")
    return svg.render()


def hbar_chart(*, title: str, items: list[tuple[str, object]], unit: str = "",
               chart_id: str | None = None) -> SafeString:
    """Horizontal bars, one per item (labels on the left, values at the bars' ends)."""
    items = [(str(label), value) for label, value in items]
    numbers = [_number(value) for _label, value in items]
    present = [number for number in numbers if number is not None]
    if not present:
        return _empty(title, chart_id, "hbar")
    desc = "Diagramme en barres horizontales. " + " ; ".join(
        f"{label} : {format_number(value, unit) if value is not None else NOT_AVAILABLE}"
        for label, value in items) + "."
    integers = all(isinstance(value, int) for _label, value in items if value is not None)
    top_value, ticks = _scale(max(present), integers=integers)
    labels = [_label_lines(label) for label, _value in items]
    values = [format_number(value, unit) for _label, value in items]
    left = max(_width(line) for lines in labels for line in lines) + 16
    right = WIDTH - max(max(_width(value, SMALL) for value in values) + 14, 24)
    row, top = (34 if any(len(lines) > 1 for lines in labels) else 28), 8
    base = top + row * len(items)
    svg = _Svg(title, desc, base + 24, chart_id, "hbar")
    grid = svg.add("g", class_="iae-chart__axis", font_size=SMALL)
    for tick in ticks:
        x = left + (right - left) * tick / top_value
        svg.add("line", grid, x1=_f(x), y1=_f(top), x2=_f(x), y2=_f(base), stroke=GRID if tick else MUTED,
                stroke_width=1)
        svg.text(x, base + 16, _tick_label(tick, ticks, unit), anchor="middle", size=SMALL, parent=grid)
    bars = svg.add("g", class_="iae-chart__bars")
    for index, ((label, _value), number) in enumerate(zip(items, numbers, strict=True)):
        y = top + row * index
        svg.label(left - 8, y + row / 2, labels[index], label, parent=bars)
        if number is None:
            continue
        width = (right - left) * number / top_value
        svg.add("rect", bars, class_="bar", x=_f(left), y=_f(y + 5), width=_f(width), height=_f(row - 10),
                fill=BLUE_FRANCE, tooltip=f"{label} : {values[index]}")
        svg.text(left + width + 5, y + row / 2 + 4, values[index], size=SMALL, parent=bars)
    return svg.render()


def funnel(*, title: str, steps: list[tuple[str, object]], chart_id: str | None = None) -> SafeString:
    """A funnel: one centred bar per step (width proportional to its count), the count and, in brackets, its
    share of the step before (candidates, then selected, entered, outcome)."""
    steps = [(str(label), value) for label, value in steps]
    numbers = [_number(value) for _label, value in steps]
    present = [number for number in numbers if number is not None]
    if not present:
        return _empty(title, chart_id, "funnel")
    shares = [""] + [_share(value, previous) for (_l, previous), (_m, value) in zip(steps, steps[1:], strict=False)]
    desc = "Entonnoir. " + " ; ".join(
        f"{label} : {format_number(value) if value is not None else NOT_AVAILABLE}"
        + (f" (soit {share} de l'étape précédente)" if share else "")
        for (label, value), share in zip(steps, shares, strict=True)) + "."
    largest = max(present) or 1
    labels = [_label_lines(label) for label, _value in steps]
    left = max(_width(line) for lines in labels for line in lines) + 16
    right = WIDTH - 110
    row, bar, top = 44, 28, 8
    note = any(shares)
    base = top + row * len(steps)
    svg = _Svg(title, desc, base + (26 if note else 8), chart_id, "funnel")
    centre, span = (left + right) / 2, right - left
    links = svg.add("g", class_="iae-chart__links")
    bars = svg.add("g", class_="iae-chart__bars")
    previous = None
    for index, ((label, value), number) in enumerate(zip(steps, numbers, strict=True)):
        y = top + row * index + (row - bar) / 2
        width = None if number is None else span * number / largest
        if width is not None and previous is not None:
            y_previous, width_previous = previous
            svg.add("polygon", links, points=" ".join(f"{_f(a)},{_f(b)}" for a, b in [
                (centre - width_previous / 2, y_previous + bar), (centre + width_previous / 2, y_previous + bar),
                (centre + width / 2, y), (centre - width / 2, y)]), fill=CONNECTOR)
        previous = None if width is None else (y, width)
        svg.label(left - 8, y + bar / 2, labels[index], label, parent=bars)
        if width is None:
            continue
        count = format_number(value)
        svg.add("rect", bars, class_="bar", x=_f(centre - width / 2), y=_f(y), width=_f(width), height=bar,
                fill=BLUE_FRANCE, tooltip=f"{label} : {count}")
        text = svg.text(right + 10, y + bar / 2 + 4, count, weight="bold", parent=bars)
        if shares[index]:
            svg.add("tspan", text, text=f" ({shares[index]})", font_weight="normal", fill=MUTED, font_size=SMALL)
    if note:
        svg.text(WIDTH - 8, base + 16, "Entre parenthèses : part de l'étape précédente.", anchor="end", size=SMALL,
                 fill=MUTED)
    return svg.render()


# --- For print ------------------------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
FONT_FILES = {False: "dsfr/dist/fonts/Marianne-Regular.woff2", True: "dsfr/dist/fonts/Marianne-Bold.woff2"}


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, int], int]:
    """Marianne's advance width of each character (font units) and its units per em."""
    from fontTools.ttLib import TTFont  # a dependency of WeasyPrint, loaded only for print

    font = TTFont(finders.find(FONT_FILES[bold]))
    metrics = font["hmtx"].metrics
    advances = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
    return advances, font["head"].unitsPerEm


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` as WeasyPrint draws it in an SVG: each character laid out alone (no kerning), in
    Marianne at ``size`` (a character Marianne lacks counts as the estimated average glyph)."""
    advances, per_em = _advances(bold)
    return sum(advances[ord(char)] / per_em if ord(char) in advances else CHAR for char in text) * size


def _bold(weight: str | None) -> bool:
    return weight == "bold" or (weight or "").isdigit() and int(weight) >= 600


def start_anchored(svg: str) -> str:
    """The same chart with every text anchored at its start, for print: WeasyPrint draws a text anchored at its
    middle or end inside a PDF transparency group (an archive asks for none, tests/documents/test_pdfa.py), so
    each chunk of text (the text and every tspan with its own x) starts at x minus its width measured in Marianne
    (half of it for the middle). The web keeps the anchored SVG, which a browser measures itself."""
    root = ET.fromstring(svg)
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    _shift(root, {"text-anchor": "start", "font-size": str(FONT_SIZE), "font-weight": "normal"})
    root.set("xmlns", SVG_NS)
    return mark_safe(ET.tostring(root, encoding="unicode", short_empty_elements=True))


def _shift(element: ET.Element, inherited: dict[str, str]) -> None:
    style = {name: element.get(name, value) for name, value in inherited.items()}
    if element.tag == "text" and style["text-anchor"] in ("middle", "end"):
        chunks = [[element, 0.0]]  # a chunk starts at the text and at each tspan with its own x
        _measure(element, style, chunks, own=True)
        for start, width in chunks:
            start.set("x", _f(float(start.get("x", "0")) - (width / 2 if style["text-anchor"] == "middle" else width)))
        for node in element.iter():
            node.attrib.pop("text-anchor", None)
        return
    for child in element:
        _shift(child, style)


def _measure(element: ET.Element, inherited: dict[str, str], chunks: list, own: bool = False) -> None:
    style = {name: element.get(name, value) for name, value in inherited.items()}
    if not own and element.get("x") is not None:
        chunks.append([element, 0.0])
    if element.tag == "title":
        return
    chunks[-1][1] += text_width(element.text or "", float(style["font-size"]), _bold(style["font-weight"]))
    for child in element:
        _measure(child, style, chunks)
        if child.tail:
            chunks[-1][1] += text_width(child.tail, float(style["font-size"]), _bold(style["font-weight"]))
