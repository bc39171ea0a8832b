"""What test_privacy_data.py checks on a dataset (issue 16, §1; goal S-4), as plain functions.

- ``dashboard_offences``: a dashboard seen inside the administration is exact: nothing hidden, the rows of the next
  level and the quarters add up to the scope's totals;
- ``personal_offences``: no name, écrou number or birth date of any participant in what a viewer gets (the JSON,
  a page, an export), as plain text;
- ``nominative_columns_read``: the columns of NOMINATIVE that a list of SQL statements reads, parsed from Django's
  SQL (``"table"."column"`` or ``alias."column"`` with ``"table" alias`` in a FROM or JOIN).
"""

import re

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
    "participants_pathway": {"decision_reason", "classification_refusal_reason", "exit_note", "post",
                             "skills_acquired"},
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


# --- Exact figures, and nothing about one person --------------------------------------------------------------

# The flows of the next level's rows and of the quarters that add up to the scope's total.
ADDITIVE_CHILD_KEYS = ["entrants", "in_pathway", "exits", "returns_to_ordinary_detention", "releases"]
ADDITIVE_TREND_KEYS = ["entrants", "exits", *indicators.OUTCOME_KEYS]


def personal_tokens() -> set[str]:
    """Every participant's last name, écrou number and birth date (ISO and French), as they could be printed."""
    tokens = set()
    for last_name, ecrou, birth_date in Participant.objects.values_list("last_name", "ecrou", "birth_date"):
        tokens |= {last_name, ecrou, birth_date.isoformat(), birth_date.strftime("%d/%m/%Y")}
    return {token for token in tokens if len(token) >= 4}


def personal_offences(text: str, tokens: set[str], where: str) -> list[str]:
    """The tokens found in ``text`` as whole words."""
    words = set(re.findall(r"[\w/-]+", text))
    return [f"{where}: {token}" for token in sorted(tokens & words)]


def _walk_values(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from _walk_values(value)
    elif isinstance(data, list):
        for value in data:
            yield from _walk_values(value)


def json_offences(data, tokens: set[str] = frozenset(), path="") -> tuple[int, list[str]]:
    """(people values seen, offences) over a JSON document: a people value that is not an exact number, a list of
    suppressed keys, or a personal token."""
    seen, offences = 0, []
    for key, value in _walk_values(data):
        if key in PEOPLE and not isinstance(value, dict | list):
            seen += 1
            if not isinstance(value, int):
                offences.append(f"{path}/{key} = {value!r}: not an exact count")
        if key in ("suppressed", "small_cell_threshold"):
            offences.append(f"{path}/{key}: the internal JSON hides nothing")
    offences += personal_offences(str(data), tokens, f"{path} json")
    return seen, offences


def dashboard_offences(dashboard: report.Dashboard) -> tuple[int, list[str]]:
    """(people cells seen, offences) over what a dashboard shows: nothing hidden, the rows add up."""
    where = dashboard.scope.spec
    values = dashboard.values
    seen = sum(1 for key in PEOPLE if key in values)
    rows = [*dashboard.children, *dashboard.cohorts, *dashboard.trends]
    offences = [f"{where} {label}: {key} = {row_values[key]!r} is not an exact count"
                for label, row_values in [("", values), *((row.label, row.values) for row in rows)]
                for key in PEOPLE if key in row_values and not isinstance(row_values[key], int)]
    seen += sum(len(row.values) for row in rows)
    if dashboard.children:
        for key in ADDITIVE_CHILD_KEYS:
            total = sum(row.values[key] for row in dashboard.children)
            if total != values[key]:
                offences.append(f"{where} detail {key}: rows {total} != total {values[key]}")
    for key in ADDITIVE_TREND_KEYS:
        total = sum(row.values[key] for row in dashboard.trends)
        if total != values[key]:
            offences.append(f"{where} trends {key}: quarters {total} != total {values[key]}")
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


def one_per_level(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list({level: (level, key) for level, key in reversed(found)}.values())[::-1]


def walk(user, periods, levels=None, tokens: set[str] = frozenset()) -> tuple[int, int, list[str]]:
    """(dashboards built, people cells seen, offences) over every dashboard of the user (of ``levels`` only when
    given), each child level, each period, and each one's JSON."""
    built, seen, offences = 0, 0, []
    for level, key in scopes_of(user):
        if levels is not None and level not in levels:
            continue
        scope = scopes.resolve(user, level, key)
        for period in periods:
            for child_level in scope.child_levels() or (None,):
                dashboard = report.build(scope, period, child_level=child_level)
                built += 1
                more, found = dashboard_offences(dashboard)
                seen, offences = seen + more, offences + found
            more, found = json_offences(report.as_json(dashboard), tokens, f"{scope.spec} json")
            seen, offences = seen + more, offences + found
    return built, seen, offences
