"""Rapport d'activité du programme (issue 6, section 2): what the programme dashboard shows for a period, printed.

Subject: a Programme; options: the period (both days included; by default the last twelve months) and the audience
it is made for (documents.enums.Audience; today INTERNAL: exact figures, for use inside the administration and the
programme). The figures come from dashboards.report.build on the programme's whole scope, the same for whoever asks
(the requester must be able to open the programme's dashboard: dashboards.scopes.resolve, Http404 outside), so
the report, the dashboard and every reader of the audience see the same exact figures (issue 16, §4).
The snapshot holds the programme's identity, the period, every indicator formatted for print, the cohorts and
trends tables, the funding and the charts as SVG (dashboards.charts), all frozen at request.

No personal data: counts, rates, durations and the names of organisations only (not even the requester's).
"""

import datetime
from decimal import Decimal

from dashboards import charts, indicators, periods, report, tables
from dashboards.disclosure import LEGEND, SYMBOL, exports
from dashboards.periods import Period
from dashboards.scopes import Level, Scope, resolve
from participants.enums import Outcome
from programmes.enums import SiaeKind
from programmes.models import Programme

from ..audiences import NOTICES
from ..enums import Audience, DocumentKind, SubjectType
from ..registry import KindSpec, register
from . import common as c

TEMPLATE_VERSION = "2026.3"  # 2026.2: the audience and its notice (issue 16, §4); 2026.3: charts start-anchored,
# table headings hyphenated
NOT_COMPUTABLE = "non calculable"
# How a value of each unit of the catalogue prints (dashboards.indicators.Indicator.unit).
UNIT_SUFFIX = {"pct": "%", "hours": "h"}  # the labels of durations already say "(jours)"
UNIT_PLACES = {"etp": 2, "days": 1}


def _short_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def title(programme, period: Period | None = None, audience: str = Audience.INTERNAL) -> str:
    period = period or periods.default_period()
    version = " (version diffusable)" if audience == Audience.DIFFUSABLE else ""
    return (f"Rapport d'activité {programme.code} du {_short_date(period.start)} au {_short_date(period.end)}"
            f"{version}")


def missing(programme):
    return []  # the figures may all be 0: the report then says so; the programme's identity is always there


# --- Formatting ----------------------------------------------------------------------------------------------


def value_text(indicator: indicators.Indicator, value) -> str:
    """An indicator's value for print: "73", "53,3 %", "102,0", "14,02"; "non calculable" when there is
    nothing to divide by; "s" when the diffusable version suppresses it."""
    if value == SYMBOL:
        return SYMBOL
    if value is None:
        return NOT_COMPUTABLE
    return charts.format_number(value, UNIT_SUFFIX.get(indicator.unit, ""), places=UNIT_PLACES.get(indicator.unit))


def count_text(value) -> str:
    if value == SYMBOL:
        return SYMBOL
    return "" if value is None else charts.format_number(value)


def rate_text(value) -> str:
    if value == SYMBOL:
        return SYMBOL
    return "—" if value is None else charts.format_number(value, "%")


# --- The parts of the report ------------------------------------------------------------------------------------


def identity_rows(programme, period: Period) -> list[list[str]]:
    establishment, siae = programme.establishment, programme.siae
    department = establishment.department
    rows = [
        ["Programme", programme.code],
        ["Activité", programme.activity],
        ["Structure d'insertion", f"{siae.name} ({c.label(SiaeKind, siae.kind)})"],
        ["SIRET", c.siret(siae.siret)],
        ["Établissement", c.programme_place(programme)],
        ["Département", str(department)],
        ["Région", department.region.name],
        ["Direction interrégionale", department.region.disp.name],
        ["Période", f"{c.period(period.start, period.end).capitalize()} ({period.days} jours, bornes incluses)"],
    ]
    return rows


HIGHLIGHTS = ["sessions", "entrants", "returns_to_ordinary_detention", "releases_dynamic", "in_pathway",
              "rate_dynamic_exits"]


def indicator_sections(dashboard: report.Dashboard) -> list[dict]:
    """The catalogue in its order, by section: [{"title", "rows": [[label, value]]}]."""
    sections: dict[str, list] = {}
    for indicator in indicators.CATALOGUE:
        if indicator.key in dashboard.values:  # the diffusable version leaves out what it cannot protect
            value = dashboard.values[indicator.key]
            base = tables.rate_base(indicator.key, dashboard.values) if value not in (None, SYMBOL) else ""
            sections.setdefault(indicator.section, []).append(
                [indicator.label, f"{value_text(indicator, value)} {base}".strip()])
    return [{"title": section, "rows": rows} for section, rows in sections.items()]


def highlights(dashboard: report.Dashboard) -> list[dict]:
    """The key figures, each rate with its base ("des 45 sorties hors sorties neutralisées")."""
    return [{"label": indicators.BY_KEY[key].label,
             "value": value_text(indicators.BY_KEY[key], dashboard.values[key]),
             "base": tables.rate_base(key, dashboard.values) if dashboard.values[key] != SYMBOL else ""}
            for key in HIGHLIGHTS if key in dashboard.values]


COHORT_COLUMNS = [("candidates", "Candidatures"), ("selected", "Retenues"), ("entrants", "Entrées"),
                  ("exits", "Sorties"), ("returns_to_ordinary_detention", "dont retours en détention ordinaire"),
                  ("outcome_dynamic", "dont sorties dynamiques"), ("in_pathway", "En parcours")]
TREND_COUNTS = [("entrants", "Entrées"), ("exits", "Sorties"), ("outcome_durable", "Emploi durable"),
                ("outcome_transition", "Emploi de transition"), ("outcome_positive", "Sortie positive"),
                ("outcome_other", "Autre sortie"), ("outcome_neutralised", "Neutralisée")]
TREND_RATES = [("rate_dynamic_exits", "Taux de sorties dynamiques"),
               ("rate_employment", "Taux de sortie vers l'emploi")]
OUTCOMES = ["outcome_durable", "outcome_transition", "outcome_positive", "outcome_other", "outcome_neutralised"]


def cohort_table(dashboard: report.Dashboard) -> dict:
    rows = [{"label": f"Session du {_short_date(row.values['date'])}",
             "cells": [count_text(row.values.get(key)) for key, _ in COHORT_COLUMNS]}
            for row in dashboard.cohorts]
    totals = [sum(row.values.get(key) or 0 for row in dashboard.cohorts) for key, _ in COHORT_COLUMNS]
    return {"columns": [label for _, label in COHORT_COLUMNS], "rows": rows,
            "totals": [charts.format_number(total) for total in totals]}


def trend_table(dashboard: report.Dashboard) -> dict:
    rows = [{"label": row.label,
             "cells": [count_text(row.values.get(key)) for key, _ in TREND_COUNTS]
             + [rate_text(row.values.get(key)) for key, _ in TREND_RATES]}
            for row in dashboard.trends]
    return {"columns": [label for _, label in TREND_COUNTS + TREND_RATES], "rows": rows}


def funding_table(dashboard: report.Dashboard) -> dict:
    lines = [{"year": str(line["year"]), "funder": line["funder_label"], "amount": c.euros(line["amount"])}
             for line in dashboard.funding]
    total = sum((Decimal(line["amount"]) for line in dashboard.funding), Decimal(0))
    return {"lines": lines, "total": c.euros(total) if lines else ""}


# Why a chart of the diffusable version is empty when its values are all suppressed.
PROTECTED_CHART = "Valeurs protégées par le secret statistique (« s »)"


def _plot(value):
    """A chart draws no bar or point for a suppressed value (the table beside it says "s")."""
    return None if value == SYMBOL else value


def chart_svgs(dashboard: report.Dashboard) -> dict[str, str]:
    """The charts as SVG strings (escaped by dashboards.charts; the template prints them as they are), their texts
    anchored at their start (charts.start_anchored: no PDF transparency group, the same look as on the web)."""
    return {name: str(charts.start_anchored(svg)) for name, svg in _chart_svgs(dashboard).items()}


def _chart_svgs(dashboard: report.Dashboard) -> dict[str, str]:
    protected_values = [*dashboard.values.values(), *(v for row in dashboard.trends for v in row.values.values())]
    protected_note = PROTECTED_CHART if SYMBOL in protected_values else ""
    values = {key: _plot(value) for key, value in dashboard.values.items()}
    trends = [report.Row(row.key, row.label, row.url, {key: _plot(v) for key, v in row.values.items()})
              for row in dashboard.trends]
    quarters = [row.label for row in trends]
    cohort_sum = {key: (None if any(row.values.get(key) is None for row in dashboard.cohorts)
                        else sum(row.values[key] for row in dashboard.cohorts))
                  for key in ("candidates", "selected", "entrants", "outcome_dynamic")}
    return {
        "flows": str(charts.bar_chart(
            title="Entrées et sorties par trimestre", categories=quarters, chart_id="rapport-flux",
            empty=protected_note,
            series=[("Entrées", [row.values.get("entrants") for row in trends]),
                    ("Sorties", [row.values.get("exits") for row in trends])])),
        "rates": str(charts.line_chart(
            title="Taux de sortie par trimestre", categories=quarters, max_value=100, chart_id="rapport-taux",
            empty=protected_note or (tables.NO_RATE if any(row.values.get("entrants") for row in trends) else ""),
            series=[("Sorties dynamiques", [row.values.get("rate_dynamic_exits") for row in trends]),
                    ("Sorties vers l'emploi", [row.values.get("rate_employment") for row in trends])])),
        "outcomes": str(charts.hbar_chart(
            title="Sorties de la période par catégorie", chart_id="rapport-sorties",
            items=[(indicators.BY_KEY[key].label, values.get(key)) for key in OUTCOMES])),
        "funnel": str(charts.funnel(
            title="Sessions de la période : des candidatures aux sorties dynamiques", chart_id="rapport-cohortes",
            steps=[("Candidatures", cohort_sum["candidates"]), ("Personnes retenues", cohort_sum["selected"]),
                   ("Entrées en atelier", cohort_sum["entrants"]),
                   ("Sorties dynamiques", cohort_sum["outcome_dynamic"])])),
    }


# --- The diffusable version (issue 16, §4) ---------------------------------------------------------------------


def _share(part, whole):
    if SYMBOL in (part, whole):
        return SYMBOL
    return indicators.pct(part, whole)


def _protected_quarter(row: report.Row, programmes) -> report.Row:
    """A quarter of the trends with its protected people counts (dashboards.disclosure, the same table as the
    year's) and its rates computed from them, or "s" when one of their counts is suppressed."""
    counts = exports.protected_people_counts(programmes, periods.Period(*_quarter_dates(row)))
    values = {key: counts[key] for key, _label in TREND_COUNTS}
    outcomes = {o: values[f"outcome_{o.lower()}"] for o in Outcome.values}
    denominator = SYMBOL if SYMBOL in (values["exits"], outcomes["NEUTRALISED"]) else \
        values["exits"] - outcomes["NEUTRALISED"]
    dynamic = [outcomes[o] for o in indicators.DYNAMIC_OUTCOMES]
    employment = [outcomes[o] for o in indicators.EMPLOYMENT_OUTCOMES]
    values["rate_dynamic_exits"] = _share(SYMBOL if SYMBOL in dynamic else sum(dynamic), denominator)
    values["rate_employment"] = _share(SYMBOL if SYMBOL in employment else sum(employment), denominator)
    return report.Row(row.key, row.label, row.url, values)


def _quarter_dates(row: report.Row) -> tuple[datetime.date, datetime.date]:
    start = datetime.date.fromisoformat(row.key)
    return start, periods.Period(start, start).quarters()[0].end


def protected(dashboard: report.Dashboard, period: Period) -> report.Dashboard:
    """The dashboard as the diffusable version shows it: a calendar quarter or year only (ValidationError
    otherwise), the indicators dashboards.disclosure protects ("s" where suppressed, those it cannot protect left
    out), the quarters from the same protected table; no session rows (recruitment sessions are not protected)."""
    exports.fixed_period(period)
    programmes = dashboard.scope.programmes
    values = exports.diffusable(dashboard.values, programmes, period)
    return report.Dashboard(dashboard.scope, period, "", values, funding=dashboard.funding,
                            trends=[_protected_quarter(row, programmes) for row in dashboard.trends])


def scope_for(programme, by) -> Scope:
    """The whole programme, whoever asks: the report is made for its audience, not for its requester. ``by`` must
    be able to open the programme's dashboard (Http404 outside their scope); without a requester (the
    generate_document command, for operators) no check."""
    if by is not None:
        resolve(by, Level.PROGRAMME, programme.code)
    return Scope(Level.PROGRAMME, programme.code, f"{programme.code} — {programme.siae.name}",
                 Programme.objects.filter(pk=programme.pk))


def build(programme, today: datetime.date, *, by=None, period: Period | None = None,
          audience: str = Audience.INTERNAL) -> dict:
    if audience not in Audience.values:
        raise ValueError(f"Public « {audience} » non pris en charge par ce rapport.")
    period = period or periods.default_period(today)
    dashboard = report.build(scope_for(programme, by), period, with_children=False)
    if audience == Audience.DIFFUSABLE:
        dashboard = protected(dashboard, period)  # ValidationError (French) for a period that is not fixed
    programme = Programme.objects.select_related("siae", "establishment__department__region__disp",
                                                 "quartier").get(pk=programme.pk)
    siae, establishment = programme.siae, programme.establishment
    return {
        "title": title(programme, period, audience),
        "subtitle": f"{siae.name} {c.at(establishment)}",
        "author": siae.name,
        "subject_line": (f"Rapport d'activité du programme {programme.code} ({siae.name}, {establishment.name}) "
                         f"{c.period(period.start, period.end)}"),
        "reference": programme.code,
        "issued_on": c.long_date(today),
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "label": c.period(period.start, period.end)},
        "identity": identity_rows(programme, period),
        "highlights": highlights(dashboard),
        "sections": indicator_sections(dashboard),
        "indicators": {key: value_text(indicators.BY_KEY[key], dashboard.values[key]) for key in indicators.KEYS
                       if key in dashboard.values},
        "cohorts": cohort_table(dashboard) if audience == Audience.INTERNAL else {"withheld": True},
        "trends": trend_table(dashboard),
        "funding": funding_table(dashboard),
        "charts": chart_svgs(dashboard),
        "audience": str(audience),
        "notice": NOTICES[audience],
        "legend": f"« {SYMBOL} » : {LEGEND}" if audience == Audience.DIFFUSABLE else "",
    }


SPEC = register(KindSpec(
    kind=DocumentKind.ACTIVITY_REPORT, subject_type=SubjectType.PROGRAMME,
    template="documents/pdf/activity_report.html", template_version=TEMPLATE_VERSION, build=build, missing=missing,
    title=title, options=("period", "audience"),
))
