"""A dashboard's content for a scope and a period, small cells already hidden: what the pages, the exports, the
JSON, the command and the PDF activity report all show, so they never disagree.

Who reads decides what is hidden (scopes.Scope.suppresses_small_cells): for a viewer who reads no names (DISP,
DREETS, DDETS, national staff; the export command by default) every level, programme and programme rows included;
for a reader of names, the levels above the programme. Rows that add up to a total (next level, sessions,
quarters) never leave a single hidden cell in a column (indicators.protect_rows).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from programmes.enums import SIAE_KINDS_ALLOWED_IN_DETENTION, SiaeKind

from . import indicators
from .periods import Period
from .scopes import GROUPINGS, LEVEL_LABELS, Scope, url_of


@dataclass
class Row:
    """One line of a table: its values with small cells hidden (None) and the hidden keys."""

    key: str
    label: str
    url: str
    values: dict
    hidden: frozenset = frozenset()


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    siae_kind: str
    values: dict  # every indicator key, small cells hidden (None)
    hidden: frozenset  # the keys hidden as small cells (the others at None are "non calculable")
    child_level: str | None = None
    children: list[Row] = field(default_factory=list)
    cohorts: list[Row] = field(default_factory=list)
    trends: list[Row] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)

    @property
    def threshold(self) -> int | None:
        return settings.INDICATORS_SMALL_CELL_THRESHOLD if self.scope.suppresses_small_cells else None


def _hide(values: dict, scope: Scope) -> tuple[dict, frozenset]:
    if not scope.suppresses_small_cells:
        return values, frozenset()
    return indicators.suppress(values)


def _small(values: dict, keys: list[str]) -> set:
    threshold = settings.INDICATORS_SMALL_CELL_THRESHOLD
    return {key for key in keys if isinstance(values.get(key), int) and 0 < values[key] < threshold}


def _hide_rates(values: dict, hidden: set) -> None:
    """A cohort or trend row: its rates go with any hidden count."""
    if hidden:
        hidden |= {key for key in values if key.startswith("rate_") and values[key] is not None}


def _shown(values: dict, hidden: set) -> dict:
    return {key: None if key in hidden else value for key, value in values.items()}


# What the rows of each table count, and how the counts of one row add up (secondary suppression).
CHILD_PEOPLE = [key for key in indicators.CHILD_KEYS if indicators.BY_KEY[key].people]
TREND_PEOPLE = ["entrants", "exits", *indicators.OUTCOME_KEYS]
TREND_RELATIONS = [("exits", indicators.OUTCOME_KEYS)]
# A session's entrants are its exits and those still in the workshop (an exit always has an entry).
COHORT_RELATIONS = [("entrants", ["exits", "in_pathway"])]


def children(scope: Scope, period: Period, level: str) -> list[Row]:
    """The next level's groups inside the scope (those with at least one programme), with their indicators.

    Each row is hidden as its own dashboard would be for this viewer; then, across the rows, a second cell is
    hidden in every column with a single hidden one (the rows add up to the scope's total)."""
    grouping = GROUPINGS[level]
    labels = dict(scope.programmes.order_by().values_list(grouping.path, grouping.label_path).distinct())
    computed = indicators.compute(scope.programmes, period, by=grouping.path)
    empty = indicators.compute(scope.programmes.none(), period)[None]
    child_suppresses = Scope(level, "", "", scope.programmes.none(),
                             suppress_everywhere=scope.suppress_everywhere).suppresses_small_cells
    table = []
    for key, label in sorted(labels.items(), key=lambda item: str(item[1])):
        values = computed.get(key, empty)
        hidden = set(indicators.suppress(values)[1]) if child_suppresses else set()
        table.append((key, label, values, hidden))
    if child_suppresses:
        indicators.protect_rows([(values, hidden) for _key, _label, values, hidden in table], CHILD_PEOPLE,
                                cascade=indicators.cascade_catalogue)
    return [Row(str(key), str(label), url_of(level, str(key)), _shown(values, hidden), frozenset(hidden))
            for key, label, values, hidden in table]


def build(scope: Scope, period: Period, *, siae_kind: str = "", child_level: str | None = None,
          with_children: bool = True) -> Dashboard:
    values, hidden = _hide(indicators.totals(scope.programmes, period), scope)
    dashboard = Dashboard(scope, period, siae_kind, values, hidden)
    if with_children and scope.child_levels():
        dashboard.child_level = child_level if child_level in scope.child_levels() else scope.child_levels()[0]
        dashboard.children = children(scope, period, dashboard.child_level)
    suppressing = scope.suppresses_small_cells
    cohorts = [(row, _small(row, indicators.COHORT_PEOPLE) if suppressing else set())
               for row in indicators.cohorts(scope.programmes, period)]
    trends = [(row, _small(row, TREND_PEOPLE) if suppressing else set())
              for row in indicators.trends(scope.programmes, period)]
    if suppressing:
        indicators.protect_rows(cohorts, indicators.COHORT_PEOPLE, COHORT_RELATIONS, cascade=_hide_rates)
        indicators.protect_rows(trends, TREND_PEOPLE, TREND_RELATIONS, cascade=_hide_rates)
    for row, row_hidden in cohorts:
        dashboard.cohorts.append(Row(str(row["pk"]), f"{row['programme__code']} — session du "
                                     f"{row['date']:%d/%m/%Y}", "", _shown(row, row_hidden), frozenset(row_hidden)))
    for row, row_hidden in trends:
        quarter = row["quarter"]
        label = f"T{(quarter.start.month - 1) // 3 + 1} {quarter.start.year}"
        dashboard.trends.append(Row(quarter.start.isoformat(), label, "", _shown(row, row_hidden),
                                    frozenset(row_hidden)))
    dashboard.funding = indicators.funding(scope.programmes, period)
    return dashboard


# --- Machine-readable form (the command and the JSON URL) ------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def as_json(dashboard: Dashboard) -> dict:
    scope, period = dashboard.scope, dashboard.period
    return {
        "scope": {"spec": scope.spec, "level": scope.level, "level_label": LEVEL_LABELS[scope.level],
                  "key": scope.key or None, "label": scope.label},
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(), "label": period.label},
        "siae_kind": dashboard.siae_kind or None,
        "small_cell_threshold": dashboard.threshold,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "indicators": {key: _plain(value) for key, value in indicators.public(dashboard.values).items()},
        "suppressed": sorted(dashboard.hidden & set(indicators.KEYS)),
        "funding": [{"year": line["year"], "funder": line["funder"], "funder_label": line["funder_label"],
                     "amount": _plain(line["amount"])} for line in dashboard.funding],
    }


def indicator_rows(dashboard: Dashboard) -> list[list]:
    """key, label, value ("" when empty, "secret statistique" when hidden): the CSV of the command and the
    dashboard's indicator table export."""
    rows = []
    for indicator in indicators.CATALOGUE:
        value = dashboard.values.get(indicator.key)
        if indicator.key in dashboard.hidden:
            value = f"< {dashboard.threshold}"
        rows.append([indicator.key, indicator.label, "" if value is None else value])
    return rows


# The filter offers the kinds that may run a programme in detention.
SIAE_KIND_CHOICES = [("", "Tous les types de SIAE")] + [
    (kind.value, kind.label) for kind in SiaeKind if kind in SIAE_KINDS_ALLOWED_IN_DETENTION]
