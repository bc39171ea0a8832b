"""What test_privacy_data.py checks on a dataset (issue 7, goal S-4), as plain functions.

- ``small_cells``: every people cell a viewer may get (the indicators, the rows of the next level, the cohorts and
  trends; in the JSON every value of a people key) is 0, hidden or at least the threshold; a table never has a
  single hidden cell in a column beside a shown one that is not 0 (the total minus the others would give it back).
- ``nominative_columns_read``: the columns of NOMINATIVE that a list of SQL statements reads, parsed from Django's
  SQL (``"table"."column"`` or ``alias."column"`` with ``"table" alias`` in a FROM or JOIN).
"""

import re

from django.conf import settings
from django.db import models

from access import scope as access
from dashboards import indicators, report, scopes
from dashboards.scopes import Level
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession

PEOPLE = {indicator.key for indicator in indicators.CATALOGUE if indicator.people}

# Participant columns the dashboards may read: coded profile fields (every other text or date column of the
# participant is nominative, see test_every_new_participant_column_is_classified).
ALLOWED_PARTICIPANT_FIELDS = {"sex", "jobseeker", "education_level"}
NOMINATIVE = {
    "participants_participant": {"ecrou", "ecrou_key", "stay_ended_on", "last_name", "first_names", "birth_date",
                                 "expected_release_date", "adjustment_eligibility_date", "work_constraints_note",
                                 "anonymised_at", "created_at", "updated_at"},
    "participants_pathway": {"decision_reason", "classification_refusal_reason", "exit_note"},
    "participants_accompanimentevent": {"detail", "recorded_by_label"},
    "participants_recruitmentsession": {"note"},
    "participants_followup": {"note", "recorded_by_label"},
    "accounts_user": {"username", "first_name", "last_name", "email", "password"},
}
# Free text (a text field without choices) of these models is nominative: it may name someone.
FREE_TEXT_MODELS = [Pathway, AccompanimentEvent, RecruitmentSession, FollowUp]


def participant_columns_to_classify() -> set[str]:
    return {field.column for field in Participant._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.DateField)
            and field.name not in ALLOWED_PARTICIPANT_FIELDS}


def free_text_columns(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices}


_TABLE_ALIAS = re.compile(r'"(\w+)"\s+(?:AS\s+)?([A-Z]\d+)\b')
_COLUMN = re.compile(r'(?:"(\w+)"|\b([A-Z]\d+))\."(\w+)"')


def columns_read(sql: str) -> set[tuple[str, str]]:
    """(table, column) of every qualified column of one statement, aliases (T3, U0) resolved."""
    aliases = {alias: table for table, alias in _TABLE_ALIAS.findall(sql)}
    return {(table or aliases.get(alias, alias), column) for table, alias, column in _COLUMN.findall(sql)}


def nominative_columns_read(statements) -> dict[tuple[str, str], str]:
    """{(table, column): the first statement reading it} over the statements."""
    found = {}
    for sql in statements:
        for table, column in columns_read(sql):
            if column in NOMINATIVE.get(table, ()):
                found.setdefault((table, column), sql)
    return found


# --- Small cells ----------------------------------------------------------------------------------------------


def _is_small(value) -> bool:
    threshold = settings.INDICATORS_SMALL_CELL_THRESHOLD
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < threshold


def json_offences(data, path="") -> tuple[int, list[str]]:
    """(people values seen, offences) over a JSON document: a value of a people key from 1 to threshold - 1."""
    seen, offences = 0, []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in PEOPLE and not isinstance(value, dict | list):
                seen += 1
                if _is_small(value):
                    offences.append(f"{path}/{key} = {value}")
            else:
                more, found = json_offences(value, f"{path}/{key}")
                seen, offences = seen + more, offences + found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            more, found = json_offences(value, f"{path}[{index}]")
            seen, offences = seen + more, offences + found
    return seen, offences


def _table_offences(name: str, rows, columns) -> tuple[int, list[str]]:
    seen, offences = 0, []
    for column in columns:
        hidden = [row for row in rows if column in row.hidden]
        for row in rows:
            if column in row.values:
                seen += 1
                if _is_small(row.values[column]):
                    offences.append(f"{name} {row.label} {column} = {row.values[column]}")
        if len(hidden) == 1 and any(row.values.get(column) for row in rows if row is not hidden[0]):
            offences.append(f"{name}: only {hidden[0].label} hidden in {column}")
    return seen, offences


def dashboard_offences(dashboard: report.Dashboard) -> tuple[int, list[str]]:
    """(people cells seen, offences) over what a dashboard shows: indicators, next level, cohorts, trends."""
    where = dashboard.scope.spec
    seen = sum(1 for key in PEOPLE if key in dashboard.values)
    offences = [f"{where} {key} = {dashboard.values[key]}" for key in PEOPLE if _is_small(dashboard.values.get(key))]
    for name, rows, columns in [
        ("detail", dashboard.children, report.CHILD_PEOPLE),
        ("cohorts", dashboard.cohorts, indicators.COHORT_PEOPLE),
        ("trends", dashboard.trends, report.TREND_PEOPLE),
    ]:
        more, found = _table_offences(f"{where} {name}", rows, columns)
        seen, offences = seen + more, offences + found
    return seen, offences


def scopes_of(user) -> list[tuple[str, str]]:
    """Every dashboard the user may open (level, key) that counts at least one programme."""
    found = [(Level.NATIONAL, "")] if access.sees_national(user) else []
    programmes = access.programmes_for(user)
    found += [(Level.DISP, pk) for pk in access.disps_for(user).values_list("pk", flat=True)
              if programmes.filter(establishment__department__region__disp=pk).exists()]
    found += [(Level.REGION, pk) for pk in access.regions_for(user).values_list("pk", flat=True)
              if programmes.filter(establishment__department__region=pk).exists()]
    found += [(Level.DEPARTMENT, pk) for pk in access.territory_departments_for(user).values_list("pk", flat=True)
              if programmes.filter(establishment__department=pk).exists()]
    found += [(Level.ESTABLISHMENT, str(pk)) for pk in access.establishments_for(user)
              .filter(programmes__isnull=False).distinct().values_list("pk", flat=True)]
    found += [(Level.SIAE, siret) for siret in access.siaes_for(user).filter(programmes__isnull=False).distinct()
              .values_list("siret", flat=True)]
    found += [(Level.PROGRAMME, code) for code in access.programmes_for(user).values_list("code", flat=True)]
    return found


def hidden_cells(dashboard: report.Dashboard) -> int:
    """How many people cells the dashboard hides (a walk that hid nothing would prove little)."""
    rows = [*dashboard.children, *dashboard.cohorts, *dashboard.trends]
    return len(dashboard.hidden & PEOPLE) + sum(len(row.hidden & (PEOPLE | set(indicators.COHORT_PEOPLE)))
                                                for row in rows)


def one_per_level(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list({level: (level, key) for level, key in reversed(found)}.values())[::-1]


def walk(user, periods, levels=None) -> tuple[int, int, int, list[str]]:
    """(dashboards built, people cells seen, people cells hidden, offences) over every dashboard of the user (of
    ``levels`` only when given), each child level, each period, and each one's JSON."""
    built, seen, hidden, offences = 0, 0, 0, []
    for level, key in scopes_of(user):
        if levels is not None and level not in levels:
            continue
        scope = scopes.resolve(user, level, key)
        for period in periods:
            for child_level in scope.child_levels() or (None,):
                dashboard = report.build(scope, period, child_level=child_level)
                built += 1
                hidden += hidden_cells(dashboard)
                more, found = dashboard_offences(dashboard)
                seen, offences = seen + more, offences + found
            more, found = json_offences(report.as_json(dashboard), f"{scope.spec} json")
            seen, offences = seen + more, offences + found
    return built, seen, hidden, offences
