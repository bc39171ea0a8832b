"""A dashboard's content for a scope and a period, small cells already hidden: what the pages, the exports, the
JSON, the command and the PDF activity report all show, so they never disagree.
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


def _hide_counts(values: dict, keys: list[str], scope: Scope) -> tuple[dict, frozenset]:
    """For cohort and trend rows: each listed count of 1 to threshold - 1 hidden, and the rates on a hidden row."""
    if not scope.suppresses_small_cells:
        return values, frozenset()
    threshold = settings.INDICATORS_SMALL_CELL_THRESHOLD
    hidden = {key for key in keys if isinstance(values.get(key), int) and 0 < values[key] < threshold}
    if "exits" in values and any(key in values for key in indicators.OUTCOME_KEYS):
        indicators.second_cell(values, hidden, "exits", [k for k in indicators.OUTCOME_KEYS if k in keys])
    if hidden and any(key.startswith("rate_") for key in values):
        hidden |= {key for key in values if key.startswith("rate_") and values[key] is not None}
    return {key: None if key in hidden else value for key, value in values.items()}, frozenset(hidden)


def children(scope: Scope, period: Period, level: str) -> list[Row]:
    """The next level's groups inside the scope (those with at least one programme), with their indicators."""
    grouping = GROUPINGS[level]
    labels = dict(scope.programmes.order_by().values_list(grouping.path, grouping.label_path).distinct())
    computed = indicators.compute(scope.programmes, period, by=grouping.path)
    empty = indicators.compute(scope.programmes.none(), period)[None]
    rows = []
    for key, label in sorted(labels.items(), key=lambda item: str(item[1])):
        values = computed.get(key, empty)
        child_scope = Scope(level, str(key), str(label), scope.programmes.none())
        shown, hidden = _hide(values, child_scope)
        rows.append(Row(str(key), str(label), url_of(level, str(key)), shown, hidden))
    return rows


def build(scope: Scope, period: Period, *, siae_kind: str = "", child_level: str | None = None,
          with_children: bool = True) -> Dashboard:
    values, hidden = _hide(indicators.totals(scope.programmes, period), scope)
    dashboard = Dashboard(scope, period, siae_kind, values, hidden)
    if with_children and scope.child_levels():
        dashboard.child_level = child_level if child_level in scope.child_levels() else scope.child_levels()[0]
        dashboard.children = children(scope, period, dashboard.child_level)
    for row in indicators.cohorts(scope.programmes, period):
        shown, row_hidden = _hide_counts(row, indicators.COHORT_PEOPLE, scope)
        dashboard.cohorts.append(Row(str(row["pk"]), f"{row['programme__code']} — session du "
                                     f"{row['date']:%d/%m/%Y}", "", shown, row_hidden))
    for row in indicators.trends(scope.programmes, period):
        quarter = row["quarter"]
        label = f"T{(quarter.start.month - 1) // 3 + 1} {quarter.start.year}"
        shown, row_hidden = _hide_counts(row, ["entrants", "exits"] + [k for k in row if k.startswith("outcome_")],
                                         scope)
        dashboard.trends.append(Row(quarter.start.isoformat(), label, "", shown, row_hidden))
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
