"""Dates and amounts in French, the same on pages, in messages, exports and documents."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NBSP = "\u00a0"
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def format_euros(amount) -> str:
    """12081.5 -> "12 081,50 €" (French: non-breaking spaces between thousands and before the sign)."""
    text = f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
    return text.replace(",", NBSP).replace(".", ",") + NBSP + "€"


def format_date(day: datetime.date) -> str:
    """2017-07-01 -> "01/07/2017"."""
    return day.strftime("%d/%m/%Y")


def long_date(day: datetime.date | None) -> str:
    """2017-07-01 -> "1er juillet 2017"; 2018-12-31 -> "31 décembre 2018"; None -> "" (whatever the language)."""
    if day is None:
        return ""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


def in_days(days: int) -> str:
    """0 -> "aujourd'hui", 1 -> "demain", 12 -> "dans 12 jours"."""
    if days == 0:
        return "aujourd'hui"
    if days == 1:
        return "demain"
    return f"dans {days} jours"


def days_ago(days: int) -> str:
    """1 -> "hier", 12 -> "il y a 12 jours"."""
    return "hier" if days == 1 else f"il y a {days} jours"
