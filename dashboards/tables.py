"""The dashboards' tables (issue 6): what a page shows and what its exports write, from ``report.build()``.

The values formatted in French, the tables laid out (per child, per indicator, per session, per quarter, per
funder), sorted as the page asks, and the charts drawn beside their tables. No query: everything comes from the
dashboard ``report.build()`` made. The views (dashboards/views.py) read the request and render.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.formatting import format_euros

from . import charts, indicators, periods, report, scopes

NBSP = "\u00a0"
NOT_COMPUTABLE = mark_safe('<span class="app-muted" title="non calculable">—'
                           '<span class="fr-sr-only"> (non calculable)</span></span>')
KEY_FIGURES = ["entrants", "in_pathway", "exits", "returns_to_ordinary_detention", "releases", "rate_dynamic_exits",
               "release_rate_dynamic", "occupation_rate"]
FUNNEL_STEPS = [("candidates", "Candidatures"), ("selected", "Personnes retenues"), ("entrants", "Entrées en atelier"),
                ("outcome_dynamic", "Sorties en emploi ou en formation")]
# Above the programme, the cohorts table lists each session up to this many; beyond, the scope's funnel.
MAX_SESSIONS_LISTED = 50
COHORT_COLUMNS = [
    ("candidates", "Candidatures"), ("selected", "Personnes retenues"), ("entrants", "Entrées en atelier"),
    ("exits", "Sorties"), ("returns_to_ordinary_detention", "Retours en détention ordinaire"),
    ("outcome_dynamic", "Sorties en emploi ou en formation"), ("in_pathway", "Encore en parcours"),
]
TREND_COLUMNS = [
    ("entrants", "Entrées en atelier", "people"), ("exits", "Sorties", "people"),
    ("outcome_durable", "Emploi durable", "people"), ("outcome_transition", "Emploi de transition", "people"),
    ("outcome_positive", "Sortie positive", "people"), ("outcome_other", "Autre sortie", "people"),
    ("outcome_neutralised", "Sortie neutralisée", "people"),
    ("rate_dynamic_exits", "Taux de sorties dynamiques", "pct"),
    ("rate_employment", "Taux de sortie vers l'emploi", "pct"),
]
UNIT_LABELS = {"people": "personnes", "count": "nombre", "pct": "%", "days": "jours", "hours": "heures",
               "etp": "ETP", "ratio": "ratio", "euros": "euros"}


# --- Values in French -------------------------------------------------------------------------------------


def _french(text: str) -> str:
    """"21,253.5" (Python's grouping) -> "21 253,5"."""
    return text.replace(",", NBSP).replace(".", ",")


def _up_to_one_decimal(value) -> str:
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    return _french(f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.1f}")


def format_value(value, unit: str) -> str:
    """66.0 "pct" -> "66,0 %"; 1234 "people" -> "1 234"; 14.02 "etp" -> "14,02 ETP"; 102.0 "days" -> "102 j"."""
    if unit in ("people", "count"):
        return _french(f"{int(value):,}")
    if unit == "pct":
        return _french(f"{Decimal(value):,.1f}") + NBSP + "%"
    if unit == "etp":
        return _french(f"{Decimal(value):,.2f}") + NBSP + "ETP"
    if unit == "days":
        return _up_to_one_decimal(value) + NBSP + "j"
    if unit == "hours":
        return _up_to_one_decimal(value) + NBSP + "h"
    if unit == "euros":
        return format_euros(value)
    if unit == "text":
        return str(value)
    return _up_to_one_decimal(value)


@dataclass(frozen=True)
class Cell:
    """One value as the page shows it and as the exports write it."""

    value: object  # the number (or text); None when not computable
    unit: str
    base: str = ""  # a rate's denominator: "des 45 sorties"
    missing: str = ""  # why there is no value when it is not "non calculable" ("heures non saisies")

    @property
    def value_html(self):
        """The value without its base (the key figures print the base on a line of its own)."""
        return Cell(self.value, self.unit, "", self.missing).html

    @property
    def html(self):
        if self.missing:
            return format_html('<span class="app-muted">{}</span>', self.missing)
        if self.value is None:
            return NOT_COMPUTABLE
        if self.base:
            return format_html('{} <span class="app-rate-base fr-text--sm">{}</span>',
                               format_value(self.value, self.unit), self.base)
        return format_value(self.value, self.unit)

    @property
    def text(self) -> str:
        """The value as plain text ("53,3 % des 45 sorties", "heures non saisies")."""
        if self.missing:
            return self.missing
        if self.value is None:
            return "non calculable"
        return f"{format_value(self.value, self.unit)} {self.base}".strip()

    @property
    def export(self):
        """Numbers stay numbers (XLSX); a value that cannot be computed is empty."""
        if self.missing:
            return self.missing
        return self.value

    @property
    def numeric(self) -> bool:
        return self.unit != "text"

    @property
    def chart(self):
        """For the charts: a plain number, None (a gap) when not computable."""
        if self.value is None:
            return None
        return float(self.value) if isinstance(self.value, Decimal) else self.value


@dataclass
class Column:
    key: str
    label: str
    sort_url: str = ""  # sortable tables only
    sort_label: str = ""
    aria_sort: str = ""  # "ascending" / "descending" on the column the table is sorted by
    numeric: bool = True  # right-aligned


@dataclass
class Line:
    label: str
    cells: list[Cell]
    url: str = ""
    label_export: object = None  # what the exports write in the first column (default: the label)


@dataclass
class Table:
    slug: str  # the export's ``tableau``
    caption: str
    first: Column  # the column of the line labels
    columns: list[Column]
    lines: list[Line] = field(default_factory=list)

    def export(self) -> tuple[list[str], list[list]]:
        headers = [self.first.label] + [column.label for column in self.columns]
        rows = [[line.label if line.label_export is None else line.label_export] + [cell.export for cell in line.cells]
                for line in self.lines]
        return headers, rows


def rate_base(key: str, values: dict) -> str:
    """"des 45 sorties": what a rate of the catalogue is a share of (its second base), "" for the others."""
    indicator = indicators.BY_KEY.get(key)
    if indicator is None or indicator.unit != "pct" or len(indicator.base) != 2:
        return ""
    denominator = indicator.base[1]
    count = values.get(denominator)
    if denominator not in indicators.BASE_LABELS or not isinstance(count, int) or not count:
        return ""
    return f"des {format_value(count, 'people')} {indicators.BASE_LABELS[denominator]}"


def cell(values: dict, key: str, unit: str) -> Cell:
    """One value of a row of indicators, with its base when it is a rate and "heures non saisies" for an
    occupation rate without hours."""
    missing = indicators.HOURS_NOT_ENTERED if key == "occupation_rate" and values.get("_hours_missing") else ""
    return Cell(values.get(key), unit, rate_base(key, values), missing)


def _cells(values: dict, keys_units) -> list[Cell]:
    return [cell(values, key, unit) for key, unit in keys_units]


# --- Query strings ----------------------------------------------------------------------------------------


def period_params(period: periods.Period) -> dict[str, str]:
    """A year or a quarter as ``periode`` (so the form shows it again as such), any other period as two dates."""
    if period == periods.year(period.start.year):
        return {"periode": str(period.start.year)}
    if period.quarters() == [period]:
        return {"periode": f"{period.start.year}-T{(period.start.month - 1) // 3 + 1}"}
    return period.query


@dataclass(frozen=True)
class Filters:
    period: periods.Period
    kind: str
    child_level: str | None
    tri: str

    def query(self, *, child=False, **extra) -> str:
        """The query string that keeps these filters (``child``: only what a child's dashboard shares)."""
        params = {**period_params(self.period)}
        if self.kind:
            params["type"] = self.kind
        if not child:
            if self.child_level:
                params["par"] = self.child_level
            if self.tri:
                params["tri"] = self.tri
        params.update({key: value for key, value in extra.items() if value is not None})
        return urlencode(params)


# --- The tables of a dashboard ------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode().lower()


def sort_rows(rows: list, tri: str) -> list:
    """``tri`` = "key" (ascending) or "-key"; values that cannot be computed last, whatever the direction."""
    descending, key = tri.startswith("-"), tri.lstrip("-")
    if key == "label":
        return sorted(rows, key=lambda row: _fold(row.label), reverse=descending)
    known = [row for row in rows if row.values.get(key) is not None]
    unknown = [row for row in rows if row.values.get(key) is None]
    return sorted(known, key=lambda row: row.values[key], reverse=descending) + unknown


def valid_sort(tri: str) -> str:
    return tri if tri.lstrip("-") in ["label", *indicators.CHILD_KEYS] and tri.count("-") <= 1 else ""


def _sort_column(key: str, label: str, filters: Filters) -> Column:
    current = filters.tri
    if current == key:
        aria, following, word = "ascending", f"-{key}", "décroissant"
    elif current == f"-{key}":
        aria, following, word = "descending", key, "croissant"
    else:  # numbers: the largest first; names: alphabetical
        aria, following = "", key if key == "label" else f"-{key}"
        word = "croissant" if key == "label" else "décroissant"
    url = "?" + filters.query(tri=following) + "#detail"
    return Column(key, label, url, f"Trier par « {label} », ordre {word}", aria)


def children_table(dashboard, filters: Filters) -> Table | None:
    if not dashboard.child_level:
        return None
    grouping = scopes.GROUPINGS[dashboard.child_level]
    units = [(key, indicators.BY_KEY[key].unit) for key in indicators.CHILD_KEYS]
    title = grouping.title if grouping.title.isupper() else grouping.title[0].lower() + grouping.title[1:]
    table = Table("detail", f"Détail par {title}", _sort_column("label", grouping.title, filters),
                  [_sort_column(key, indicators.BY_KEY[key].label, filters) for key in indicators.CHILD_KEYS])
    child_query = filters.query(child=True)
    rows = sort_rows(dashboard.children, filters.tri) if filters.tri else dashboard.children
    for row in rows:
        table.lines.append(Line(row.label, _cells(row.values, units),
                                f"{row.url}?{child_query}"))
    return table


def indicator_sections(dashboard) -> list[Table]:
    tables: dict[str, Table] = {}
    for indicator in indicators.CATALOGUE:
        table = tables.setdefault(indicator.section, Table(
            "indicateurs", indicator.section, Column("indicator", "Indicateur"), [Column("value", "Valeur")]))
        table.lines.append(Line(indicator.label, [cell(dashboard.values, indicator.key, indicator.unit)]))
    return list(tables.values())


def cohorts_table(dashboard) -> tuple[Table, bool]:
    """Per session; above the programme with more than MAX_SESSIONS_LISTED sessions, the scope's own funnel."""
    units = [(key, "people") for key, _label in COHORT_COLUMNS]
    columns = [Column(key, label) for key, label in COHORT_COLUMNS]
    per_session = (dashboard.scope.level == scopes.Level.PROGRAMME
                   or len(dashboard.cohorts) <= MAX_SESSIONS_LISTED)
    if per_session:
        table = Table("cohortes", "Entonnoir par session de recrutement", Column("session", "Session"), columns)
        for row in dashboard.cohorts:
            table.lines.append(Line(row.label, _cells(row.values, units)))
        return table, True
    table = Table("cohortes", "Entonnoir de l'ensemble des sessions de la période", Column("scope", "Périmètre"),
                  columns)
    label = f"{len(dashboard.cohorts)} sessions"
    table.lines.append(Line(label, _cells(cohort_totals(dashboard), units)))
    return table, False


def cohort_totals(dashboard) -> dict:
    """The sessions of the period added up (the funnel of the scope): each step counts the people of the step
    before who went on, so no step is above the one before."""
    return {key: sum(row.values.get(key) or 0 for row in dashboard.cohorts) for key, _label in COHORT_COLUMNS}


def trends_table(dashboard) -> Table:
    table = Table("tendances", "Entrées, sorties et taux par trimestre", Column("quarter", "Trimestre"),
                  [Column(key, label) for key, label, _unit in TREND_COLUMNS])
    units = [(key, unit) for key, _label, unit in TREND_COLUMNS]
    for row in dashboard.trends:
        table.lines.append(Line(row.label, _cells(row.values, units)))
    return table


def funding_table(dashboard) -> Table:
    table = Table("financements", "Financements par année et par financeur", Column("year", "Année"),
                  [Column("funder", "Financeur", numeric=False), Column("amount", "Montant")])
    for line in dashboard.funding:
        table.lines.append(Line(str(line["year"]), [Cell(line["funder_label"], "text"), Cell(line["amount"], "euros")],
                                label_export=line["year"]))
    return table


def indicators_export(dashboard) -> tuple[list[str], list[list]]:
    """The indicator table as the command's CSV has it (report.indicator_rows), with its section and unit."""
    rows = [[indicator.section, label, value, UNIT_LABELS.get(indicator.unit, indicator.unit), key]
            for indicator, (key, label, value) in zip(indicators.CATALOGUE, report.indicator_rows(dashboard),
                                                      strict=True)]
    for row in rows:
        row[2] = None if row[2] == "" else row[2]
    return ["Section", "Indicateur", "Valeur", "Unité", "Clé"], rows


# --- Charts (dashboards/charts.py) ----------------------------------------------------------------------------


# Why the rates chart is empty when the quarters' table has entries but no exit to rate.
NO_RATE = "Aucun taux : aucune sortie hors sorties neutralisées sur la période"


def build_charts(dashboard, key_cells: dict[str, Cell], trends: Table, funnel_steps) -> dict:
    """{name: {"title", "svg"}}: each chart beside its table (the table is the accessible version)."""
    categories = [line.label for line in trends.lines]
    by_column = {column.key: [line.cells[index].chart for line in trends.lines]
                 for index, column in enumerate(trends.columns)}
    specs = {
        "flows": (charts.bar_chart, "Entrées et sorties par trimestre", {
            "categories": categories,
            "series": [("Entrées en atelier", by_column["entrants"]), ("Sorties", by_column["exits"])]}),
        "rates": (charts.line_chart, "Taux de sorties par trimestre", {
            "categories": categories, "unit": "%", "max_value": 100,
            "empty": NO_RATE if any(by_column["entrants"]) else "",
            "series": [("Taux de sorties dynamiques", by_column["rate_dynamic_exits"]),
                       ("Taux de sortie vers l'emploi", by_column["rate_employment"])]}),
        "outcomes": (charts.hbar_chart, "Sorties par catégorie", {
            "items": [(indicators.BY_KEY[key].label, key_cells[key].chart) for key in indicators.OUTCOME_KEYS]}),
        "funnel": (charts.funnel, "De la candidature à la sortie", {"steps": funnel_steps}),
    }
    return {name: {"title": title, "svg": draw(title=title, **arguments)}
            for name, (draw, title, arguments) in specs.items()}


# --- What a page shows, what an export writes -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    cell: Cell
    definition: str


def page_tables(dashboard, filters: Filters) -> dict:
    """The tables, key figures and charts of the dashboard's page (the template's context names)."""
    children = children_table(dashboard, filters)
    cohorts, per_session = cohorts_table(dashboard)
    trends = trends_table(dashboard)
    key_cells = {key: cell(dashboard.values, key, indicators.BY_KEY[key].unit)
                 for key in KEY_FIGURES + indicators.OUTCOME_KEYS}
    totals = cohort_totals(dashboard)
    funnel_steps = [(label, totals[key]) for key, label in FUNNEL_STEPS]
    return {
        "key_figures": [KeyFigure(indicators.BY_KEY[key].label, key_cells[key], indicators.DEFINITIONS.get(key, ""))
                        for key in KEY_FIGURES],
        "children": children,
        "sections": indicator_sections(dashboard),
        "cohorts": cohorts,
        "cohorts_per_session": per_session,
        "max_sessions": MAX_SESSIONS_LISTED,
        "trends": trends,
        "funding": funding_table(dashboard),
        "charts": build_charts(dashboard, key_cells, trends, funnel_steps),
    }


def export_rows(dashboard, filters: Filters, tableau: str) -> tuple[list[str], list[list]] | None:
    """Headers and rows of one table (``tableau``, one of the export names); None when the level has no such
    table (a programme has no detail table)."""
    if tableau == "indicateurs":
        return indicators_export(dashboard)
    table = {
        "detail": lambda: children_table(dashboard, filters),
        "cohortes": lambda: cohorts_table(dashboard)[0],
        "tendances": lambda: trends_table(dashboard),
        "financements": lambda: funding_table(dashboard),
    }[tableau]()
    return None if table is None else table.export()


def export_name(scope, period: periods.Period, kind: str, tableau: str) -> str:
    parts = ["tableau-de-bord", scope.level]
    if scope.key:
        parts.append(re.sub(r"[^A-Za-z0-9_-]+", "-", scope.key))
    parts += [period.start.isoformat(), period.end.isoformat()]
    if kind:
        parts.append(kind.lower())
    return "-".join(parts + [tableau])
