"""A dashboard's content for a scope and a period: what the pages, the exports, the JSON, the command and the
PDF activity report all show, so they never disagree.

Exact inside (issue 16, §1): every viewer of a dashboard is inside the administration or the programme (DISP,
DREETS, DDETS, national staff, the programme's own readers), so the figures are exact at every level, programme
included, and the page says so ("Chiffres exacts, à usage interne : ne pas diffuser"). No figure is ever about
one person: counts, rates and durations only, never a name, an écrou number, a birth date or a per-person row.
What leaves the administration is the "version diffusable" (dashboards/disclosure), protected there.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from programmes.enums import SIAE_KINDS_ALLOWED_IN_DETENTION, SiaeKind

from . import indicators
from .periods import Period
from .scopes import GROUPINGS, LEVEL_LABELS, Scope, url_of


@dataclass
class Row:
    """One line of a table and its exact values."""

    key: str
    label: str
    url: str
    values: dict


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    siae_kind: str
    values: dict  # every indicator key, exact (None: "non calculable")
    child_level: str | None = None
    children: list[Row] = field(default_factory=list)
    cohorts: list[Row] = field(default_factory=list)
    trends: list[Row] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)

    # The notice every exact output carries (the page, the exports' titles, the PDF).
    notice: str = "Chiffres exacts, à usage interne : ne pas diffuser"


def children(scope: Scope, period: Period, level: str, computed: dict) -> list[Row]:
    """The next level's groups inside the scope (those with at least one programme), with their indicators
    (``computed``: indicators.compute_with_total's, by the level's grouping)."""
    grouping = GROUPINGS[level]
    labels = dict(scope.programmes.order_by().values_list(grouping.path, grouping.label_path).distinct())
    empty = indicators.nothing(period)
    return [Row(str(key), str(label), url_of(level, str(key)), computed.get(key, empty))
            for key, label in sorted(labels.items(), key=lambda item: str(item[1]))]


def build(scope: Scope, period: Period, *, siae_kind: str = "", child_level: str | None = None,
          with_children: bool = True, with_series: bool = True) -> Dashboard:
    """The dashboard of a scope and period; ``with_series=False`` leaves out the cohorts and the quarterly trends
    (the JSON gives neither)."""
    if with_children and scope.child_levels():
        level = child_level if child_level in scope.child_levels() else scope.child_levels()[0]
        # PERF: the totals from the children's counts (issue 19): one set of queries instead of two.
        total, computed = indicators.compute_with_total(scope.programmes, period, by=GROUPINGS[level].path)
        dashboard = Dashboard(scope, period, siae_kind, total, child_level=level)
        dashboard.children = children(scope, period, level, computed)
    else:
        dashboard = Dashboard(scope, period, siae_kind, indicators.totals(scope.programmes, period))
    if with_series:
        _add_series(dashboard)
    dashboard.funding = indicators.funding(scope.programmes, period)
    return dashboard


def _add_series(dashboard: Dashboard) -> None:
    scope, period = dashboard.scope, dashboard.period
    for row in indicators.cohorts(scope.programmes, period):
        dashboard.cohorts.append(Row(str(row["pk"]), f"{row['programme__code']} — session du "
                                     f"{row['date']:%d/%m/%Y}", "", row))
    for row in indicators.trends(scope.programmes, period):
        quarter = row["quarter"]
        label = f"T{(quarter.start.month - 1) // 3 + 1} {quarter.start.year}"
        dashboard.trends.append(Row(quarter.start.isoformat(), label, "", row))


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
        "exact": True,
        "notice": dashboard.notice,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "indicators": {key: _plain(dashboard.values.get(key)) for key in indicators.KEYS},
        "funding": [{"year": line["year"], "funder": line["funder"], "funder_label": line["funder_label"],
                     "amount": _plain(line["amount"])} for line in dashboard.funding],
    }


def indicator_rows(dashboard: Dashboard) -> list[list]:
    """key, label, value ("" when it cannot be computed): the CSV of the command and the dashboard's indicator
    table export."""
    return [[indicator.key, indicator.label, "" if dashboard.values.get(indicator.key) is None
             else dashboard.values[indicator.key]] for indicator in indicators.CATALOGUE]


# The filter offers the kinds that may run a programme in detention.
SIAE_KIND_CHOICES = [("", "Tous les types de SIAE")] + [
    (kind.value, kind.label) for kind in SiaeKind if kind in SIAE_KINDS_ALLOWED_IN_DETENTION]
