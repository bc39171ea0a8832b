"""Helpers shared by the management commands."""

import datetime

from django.core.management.base import CommandError


def iso_day(value: str) -> datetime.date:
    """An ``--date``/``--today`` argument: a day written AAAA-MM-JJ, else a French error."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Date invalide : « {value} » (format attendu : AAAA-MM-JJ).") from None
