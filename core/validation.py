"""Rules every app applies, each written once with its French message once.

A rule is a model constraint (the database refuses bad rows, and ``full_clean`` or a ModelForm says why)
and, where a service must place the error beside a field before saving, the same rule as a function.
"""

import functools
import operator
import re
import unicodedata

from django.core.exceptions import ValidationError
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


# A person's name: letters, spaces, hyphens, apostrophes, dots. No markup, no control character, and nothing a
# spreadsheet would run as a formula once the name is exported (= + - @ at the start, or a tab / line break).
_NAME_FORBIDDEN = frozenset("<>{}[]|\\\"`;$%^*~#")
_FORMULA_START = ("=", "+", "-", "@")
NAME_MESSAGE = _("Un nom ne contient ni balise, ni formule, ni caractère spécial (%(characters)s) : écrivez-le "
                 "tel qu'à l'état civil, en lettres.")


def validate_person_name(value: str) -> None:
    """The validator of every person's name field (participants, contacts, accounts) and of the import's cells."""
    text = str(value)
    bad = sorted({char for char in text if char in _NAME_FORBIDDEN or (ord(char) < 32 or 0x7f <= ord(char) < 0xa0)})
    if text.lstrip().startswith(_FORMULA_START):
        bad.insert(0, text.lstrip()[0])
    if bad:
        shown = " ".join(f"« {char} »" if char.isprintable() else f"U+{ord(char):04X}" for char in bad)
        raise ValidationError(NAME_MESSAGE, code="person_name", params={"characters": shown})


def normalise_identifier(raw) -> str:
    """An identifier as stored and compared (an écrou number): compatibility forms folded (NFKC: full-width digits,
    ligatures), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(raw or "")).split())


_IDENTIFIER = re.compile(r"[0-9A-Za-z][0-9A-Za-z ./-]*")


def validate_identifier(value: str) -> None:
    """Letters, digits, spaces, dots, slashes and hyphens, starting with a letter or a digit (after NFKC)."""
    if not _IDENTIFIER.fullmatch(normalise_identifier(value)):
        raise ValidationError(IDENTIFIER_MESSAGE, code="identifier")


IDENTIFIER_MESSAGE = _("Un numéro ne contient que des lettres, des chiffres, des espaces, des points, des barres "
                       "obliques et des tirets, et commence par une lettre ou un chiffre.")
