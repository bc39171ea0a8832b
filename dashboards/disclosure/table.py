"""A release as one table: cells keyed (measure, category, period, geography, SIAE kind) and the linear
equations an outsider knows between them. Pure functions, no ORM.

The finest counts (a calendar quarter × a region × an SIAE kind × a category) are added up into every margin, so the
table is additive by construction:

- time: a flow (entrants, exits) of the year is the sum of its four quarters; a stock (people in the pathway at the
  end of the period) of the year is the stock at the end of the fourth quarter;
- geography: national = sum of the DISP = sum of the regions; each DISP = sum of its regions;
- SIAE kind: all kinds (``TOTAL``) = sum of the kinds;
- categories: each partition of a measure (sex, age band, exit reason, outcome, …) adds up to the measure's total.

An equation is a tuple of (cell key, coefficient) whose weighted sum is 0.
"""

from collections import defaultdict
from dataclasses import dataclass, field

TOTAL = "TOTAL"  # the category, SIAE kind or geography that adds up the others
NATIONAL = "national"
FLOW, STOCK = "flow", "stock"


@dataclass(frozen=True)
class Measure:
    key: str
    kind: str  # FLOW or STOCK
    partitions: tuple[tuple[str, ...], ...] = ()  # each partition's categories add up to the measure's total


@dataclass
class Geography:
    """The regions (code -> DISP code) of the release; a single-unit geography (one scope) has no parents."""

    regions: dict[str, str]  # region code -> DISP code
    single: str | None = None  # the key of the only geographic unit (a dashboard scope), instead of the tree

    def keys(self) -> list[str]:
        if self.single is not None:
            return [self.single]
        disps = sorted(set(self.regions.values()))
        return [NATIONAL, *[f"disp:{d}" for d in disps], *[f"region:{r}" for r in sorted(self.regions)]]

    def relations(self) -> list[tuple[str, list[str]]]:
        """(total, parts): national = its DISP = its regions, each DISP = its regions."""
        if self.single is not None:
            return []
        by_disp = defaultdict(list)
        for region, disp in sorted(self.regions.items()):
            by_disp[disp].append(f"region:{region}")
        relations = [(NATIONAL, [f"disp:{d}" for d in sorted(by_disp)]),
                     (NATIONAL, [f"region:{r}" for r in sorted(self.regions)])]
        relations += [(f"disp:{d}", parts) for d, parts in sorted(by_disp.items())]
        return relations

    def leaf(self, region: str) -> str:
        return self.single if self.single is not None else f"region:{region}"


@dataclass
class Table:
    values: dict[tuple, int]  # every cell, its true value
    equations: list[tuple[tuple[tuple, int], ...]]
    margin: dict[tuple, int] = field(default_factory=dict)  # in how many dimensions the cell is a total

    def equations_of(self) -> dict[tuple, list[int]]:
        index = defaultdict(list)
        for number, equation in enumerate(self.equations):
            for key, _coefficient in equation:
                index[key].append(number)
        return index


def quarters(year: int) -> list[str]:
    return [f"{year}-T{q}" for q in range(1, 5)]


def build(finest: dict[tuple, int], *, year: int, measures: list[Measure], geography: Geography,
          kinds: list[str], stock_flow: list[tuple[str, str, str]] = (), yearly_categories: bool = False) -> Table:
    """The whole table from ``finest``: {(measure, category, quarter 1-4, region, kind): count}, category ``TOTAL``
    for the measure's own count. Missing finest cells are 0. ``stock_flow``: (stock, inflow, outflow) measures for
    which stock(Qk) = stock(Qk-1) + inflow(Qk) - outflow(Qk) holds in every (geography, kind) row: those equations
    are added only where the finest data satisfy them. ``yearly_categories``: the categories (profile, reasons,
    outcomes) by year only, the quarters giving the measures' totals (the annual release: four times fewer cells,
    each four times larger, so far fewer cells to suppress)."""
    periods = [*quarters(year), str(year)]

    def periods_of(category):
        return [str(year)] if yearly_categories and category != TOTAL else periods

    geo_keys = geography.keys()
    kind_keys = [*kinds, TOTAL]
    values: dict[tuple, int] = defaultdict(int)
    for (measure, category, quarter, region, kind), count in finest.items():
        if not count:
            continue
        geos = [geography.leaf(region)]
        if geography.single is None:
            geos += [f"disp:{geography.regions[region]}", NATIONAL]
        for geo in geos:
            for kind_key in (kind, TOTAL):
                values[(measure, category, f"{year}-T{quarter}", geo, kind_key)] += count
    stock_keys = {m.key for m in measures if m.kind == STOCK}
    cells: dict[tuple, int] = {}
    margin: dict[tuple, int] = {}
    equations = []
    geo_totals = {total for total, _parts in geography.relations()}
    for measure in measures:
        categories = [TOTAL, *[c for partition in measure.partitions for c in partition]]
        for category in categories:
            for geo in geo_keys:
                for kind in kind_keys:
                    quarter_values = [values.get((measure.key, category, q, geo, kind), 0) for q in periods[:4]]
                    for q, v in zip(periods[:4], quarter_values, strict=True):
                        cells[(measure.key, category, q, geo, kind)] = v
                    year_value = quarter_values[-1] if measure.key in stock_keys else sum(quarter_values)
                    cells[(measure.key, category, str(year), geo, kind)] = year_value
                    if len(periods_of(category)) == 1:
                        for q in periods[:4]:
                            del cells[(measure.key, category, q, geo, kind)]
                    for period in periods_of(category):
                        key = (measure.key, category, period, geo, kind)
                        margin[key] = ((period == str(year)) + (geo in geo_totals) + (kind == TOTAL)
                                       + (category == TOTAL))
                    if len(periods_of(category)) == 1:
                        continue
                    # time
                    year_key = (measure.key, category, str(year), geo, kind)
                    parts = periods[3:4] if measure.key in stock_keys else periods[:4]
                    equations.append(_sum(year_key, [(measure.key, category, p, geo, kind) for p in parts]))
        for category in categories:
            for period in periods_of(category):
                for kind in kind_keys:
                    for total, parts in geography.relations():
                        equations.append(_sum((measure.key, category, period, total, kind),
                                              [(measure.key, category, period, g, kind) for g in parts]))
                for geo in geo_keys:
                    equations.append(_sum((measure.key, category, period, geo, TOTAL),
                                          [(measure.key, category, period, geo, k) for k in kinds]))
        for partition in measure.partitions:
            for period in periods_of(partition[0]):
                for geo in geo_keys:
                    for kind in kind_keys:
                        equations.append(_sum((measure.key, TOTAL, period, geo, kind),
                                              [(measure.key, c, period, geo, kind) for c in partition]))
    for stock, inflow, outflow in stock_flow:
        for geo in geo_keys:
            for kind in kind_keys:
                for before, after in zip(periods[:3], periods[1:4], strict=True):
                    equation = (((stock, TOTAL, after, geo, kind), 1), ((stock, TOTAL, before, geo, kind), -1),
                                ((inflow, TOTAL, after, geo, kind), -1), ((outflow, TOTAL, after, geo, kind), 1))
                    if sum(cells[key] * coefficient for key, coefficient in equation) == 0:
                        equations.append(equation)
    return Table(cells, equations, margin)


def _sum(total: tuple, parts: list[tuple]) -> tuple:
    return ((total, 1), *[(part, -1) for part in parts])


def check(table: Table) -> list[tuple]:
    """The equations the values do not satisfy (none for a table built here)."""
    return [equation for equation in table.equations
            if sum(table.values[key] * coefficient for key, coefficient in equation) != 0]
