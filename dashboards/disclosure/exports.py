"""The "version diffusable" of a dashboard's figures (issue 16 §2): for partners, committees and the press.

A scope's people counts for a calendar quarter or a calendar year come from one protected table: the scope's
programmes, the four quarters and the year, every SIAE kind and all kinds, every category and its total
(``table.build`` with a single geographic unit, ``suppression.protect``). The quarter's export, the year's, the
export filtered on a kind and the one without filter are cut from that same table, so that none can be subtracted
from another to give back a suppressed cell.

Public functions:

- ``fixed_period(period) -> str``: "2018" or "2018-T3"; ``ValidationError`` (French message) for any other period.
- ``protected_people_counts(programmes, period, siae_kind="") -> dict[str, int | str]``: the protected people counts
  of a report, keyed by indicator key (``indicators.CATALOGUE``): an int, or ``SYMBOL`` ("s") when suppressed.
  ``programmes``: the scope's programmes, every SIAE kind (``Scope.programmes``, not filtered on the kind);
  ``siae_kind``: "" for all kinds, or a kind's value (the column of the table to read). People counts the table
  does not hold (candidates, selected, releases with a job or a training, PMSMP, trainings, follow-ups) are absent:
  a diffusable output leaves them out.
- ``diffusable(values, programmes, period, siae_kind="") -> dict``: every indicator of ``values`` (the exact
  values of ``report.build``) as the diffusable version shows it: protected people counts, ``SYMBOL`` for a rate or
  a duration built on a suppressed count, the indicators it cannot protect left out (absent keys).
"""

from django.core.exceptions import ValidationError

from .. import indicators
from ..periods import Period, year
from . import SYMBOL, data
from .release import threshold
from .suppression import protect
from .table import TOTAL, Geography, build

SCOPE = "scope"
PEOPLE_CELLS = {  # indicator key -> (measure, category) in the table
    "entrants": ("entrees", TOTAL),
    "in_pathway": ("en_parcours", TOTAL),
    "exits": ("sorties", TOTAL),
    "returns_to_ordinary_detention": ("sorties", "motif:RETURN_ORDINARY_DETENTION"),
    "releases": ("sorties", data.RELEASES),
    "releases_with_adjustment": ("sorties", "motif:RELEASE_ADJUSTMENT"),
    **{key: ("sorties", f"motif:{reason.value}") for key, reason in indicators.OTHER_EXIT_REASONS.items()},
    **{f"outcome_{outcome.lower()}": ("sorties", f"situation:{outcome}") for outcome in data.Outcome.values},
}
# The hidden counts the rates are built on (indicators.CATALOGUE's ``base``): (added cells, subtracted cells).
BASE_CELLS = {
    "_women": (["sexe:F"], []), "_age_under_26": (["age:moins_26"], []), "_age_26_49": (["age:26_49"], []),
    "_age_50_plus": (["age:50_plus"], []), "_rsa": (["rsa:oui"], []), "_benefits": (["minima:oui"], []),
    "_deld": (["deld:oui"], []), "_low_education": (["niveau_3:oui"], []), "_rqth": (["rqth:oui"], []),
}
SORTIES_BASES = {
    "_denominator": ([TOTAL], ["situation:NEUTRALISED"]),
    "_dynamic": (["situation:DURABLE", "situation:TRANSITION", "situation:POSITIVE"], []),
    "_employment": (["situation:DURABLE", "situation:TRANSITION"], []),
}


def fixed_period(period: Period) -> str:
    whole_year = year(period.start.year)
    if period == whole_year:
        return str(period.start.year)
    for number, quarter in enumerate(whole_year.quarters(), start=1):
        if period == quarter:
            return f"{period.start.year}-T{number}"
    raise ValidationError("La version diffusable porte sur un trimestre civil ou une année civile (par exemple "
                          "« 2018 » ou « 2018-T3 ») : choisissez une telle période.")


def protected_table(programmes, year_number: int) -> tuple[dict, set]:
    """(every cell's value, the suppressed cells) of the scope's protected table for a calendar year: to cut several
    periods from it (the quarters of a year) without protecting it again."""
    table = build(data.finest_counts(programmes, year_number), year=year_number, measures=data.MEASURES,
                  geography=Geography({}, single=SCOPE), kinds=data.kinds_of(programmes), stock_flow=data.STOCK_FLOW)
    _primary, suppressed = protect(table, threshold())
    return table.values, suppressed


def _cells(programmes, period: Period, siae_kind: str, protected=None) -> tuple[dict, set, str, str]:
    label = fixed_period(period)
    values, suppressed = protected or protected_table(programmes, period.start.year)
    return values, suppressed, label, siae_kind or TOTAL


def protected_people_counts(programmes, period: Period, siae_kind: str = "") -> dict:
    values, suppressed, label, kind = _cells(programmes, period, siae_kind)
    return _people(values, suppressed, label, kind)


def _people(values, suppressed, label, kind) -> dict:
    result = {}
    for key, (measure, category) in PEOPLE_CELLS.items():
        cell = (measure, category, label, SCOPE, kind)
        result[key] = SYMBOL if cell in suppressed else values.get(cell, 0)
    return result


def diffusable(values: dict, programmes, period: Period, siae_kind: str = "", protected=None) -> dict:
    cells, suppressed, label, kind = _cells(programmes, period, siae_kind, protected)
    people = _people(cells, suppressed, label, kind)

    def hidden(base: str) -> bool | None:
        """True when the base is (built on) a suppressed cell, None when the table does not hold it."""
        if base in people:
            return people[base] == SYMBOL
        for measure, bases in (("entrees", BASE_CELLS), ("sorties", SORTIES_BASES)):
            if base in bases:
                added, subtracted = bases[base]
                return any((measure, c, label, SCOPE, kind) in suppressed for c in [*added, *subtracted])
        return None

    result = {}
    for indicator in indicators.CATALOGUE:
        key = indicator.key
        if indicator.people:
            if key in people:
                result[key] = people[key]
            continue
        states = [hidden(base) for base in indicator.base]
        if any(state is None for state in states):
            continue  # built on a count the table does not protect: left out
        result[key] = SYMBOL if any(states) else values.get(key)
    return result
