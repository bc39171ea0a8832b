"""Rules every app applies, each written once with its French message once.

A rule is a model constraint (the database refuses bad rows, and ``full_clean`` or a ModelForm says why)
and, where a service must place the error beside a field before saving, the same rule as a function.
"""

import functools
import operator

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

END_BEFORE_START = _("La date de fin doit être postérieure à la date de début.")


def period_in_order(name: str, *, start: str = "start_date", end: str = "end_date", may_be_empty: tuple[str, ...] = (),
                    message=END_BEFORE_START) -> models.CheckConstraint:
    """The end on or after the start; ``may_be_empty``: the dates that may be left empty (checked first)."""
    condition = functools.reduce(
        operator.or_, [*(Q(**{f"{field}__isnull": True}) for field in may_be_empty), Q(**{f"{end}__gte": F(start)})]
    )
    return models.CheckConstraint(condition=condition, name=name, violation_error_message=message)


def period_errors(start, end, *, field: str = "end_date") -> dict:
    """{field: [message]} when both dates are given and the end comes before the start; {} otherwise."""
    if start and end and end < start:
        return {field: [END_BEFORE_START]}
    return {}
