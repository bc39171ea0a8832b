"""The period of a dashboard: a year, a quarter or two dates, both days included.

Parsed from the query string (``periode=2017``, ``periode=2017-T3``, or ``du=2017-06-01&au=2018-03-31``) and
from the command line; a bad value gives a French message, never a 500.
"""

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.formatting import format_date

MAX_DAYS = 366 * 20  # twenty years: enough for any programme's history
# Years a period may touch: the indicators compare with the year before and walk the quarters, which must stay
# inside the dates Python knows (``?periode=9999`` and ``?periode=0000`` were server errors, issue 14).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        """From the first day of a month to the last day of a month: the dashboards read the monthly summaries."""
        return self.start.day == 1 and (self.end + datetime.timedelta(days=1)).day == 1

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == datetime.date(self.start.year, 12, 31):
            return f"année {self.start.year}"
        quarter = _quarter_of(self.start)
        if self.start == quarter.start and self.end == quarter.end:
            number = (self.start.month - 1) // 3 + 1
            return f"{number}{'er' if number == 1 else 'e'} trimestre {self.start.year}"
        return f"du {format_date(self.start)} au {format_date(self.end)}"

    @property
    def query(self) -> dict[str, str]:
        """The query-string parameters that give back this period."""
        return {"du": self.start.isoformat(), "au": self.end.isoformat()}

    def shifted(self, months: int) -> "Period":
        """The same period ``months`` earlier (negative: later)."""
        return Period(self.start - relativedelta(months=months), self.end - relativedelta(months=months))

    def quarters(self) -> list["Period"]:
        """The calendar quarters the period overlaps, in order."""
        result, quarter = [], _quarter_of(self.start)
        while quarter.start <= self.end:
            result.append(quarter)
            quarter = _quarter_of(quarter.end + datetime.timedelta(days=1))
        return result


def _quarter_of(day: datetime.date) -> Period:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = datetime.date(day.year, first_month, 1)
    return Period(start, start + relativedelta(months=3) - datetime.timedelta(days=1))


def year(value: int) -> Period:
    return Period(datetime.date(value, 1, 1), datetime.date(value, 12, 31))


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months ended, « les douze derniers mois échus »: on 8 December 2026, from 1 December 2025 to
    30 November 2026. Whole months, as monthly reporting has them: the figures do not move from one day to the next
    within a month, and the dashboards read them in the monthly summaries. The current month is one click away
    (the year, or two dates)."""
    first_of_month = (today or timezone.localdate()).replace(day=1)
    return Period(first_of_month - relativedelta(years=1), first_of_month - datetime.timedelta(days=1))


def _date(value: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"La date {label} « {value} » n'est pas une date valide (attendu AAAA-MM-JJ).") from None


def parse(*, periode: str = "", du: str = "", au: str = "", today: datetime.date | None = None) -> Period:
    """The period the user asked for; ValidationError with a French message when it makes no sense."""
    periode, du, au = (periode or "").strip(), (du or "").strip(), (au or "").strip()
    if du or au:
        if not (du and au):
            raise ValidationError("Indiquez les deux dates de la période (début et fin).")
        period = Period(_date(du, "de début"), _date(au, "de fin"))
    elif periode:
        if match := re.fullmatch(r"(\d{4})", periode):
            period = year(_year_within_bounds(int(match[1])))
        elif match := re.fullmatch(r"(\d{4})-T([1-4])", periode, flags=re.IGNORECASE):
            first_month = (int(match[2]) - 1) * 3 + 1
            period = _quarter_of(datetime.date(_year_within_bounds(int(match[1])), first_month, 1))
        else:
            raise ValidationError(f"Période « {periode} » non reconnue : attendu une année (2024) ou un trimestre "
                                  "(2024-T2).")
    else:
        return default_period(today)
    if period.end < period.start:
        raise ValidationError("La fin de la période précède son début.")
    if period.days > MAX_DAYS:
        raise ValidationError("La période ne peut pas dépasser vingt ans.")
    _year_within_bounds(period.start.year)
    _year_within_bounds(period.end.year)
    return period


def _year_within_bounds(value: int) -> int:
    if value < EARLIEST_YEAR:
        raise ValidationError(f"La période commence avant {EARLIEST_YEAR} : vérifiez l'année.")
    if value > LATEST_YEAR:
        raise ValidationError(f"La période se termine après {LATEST_YEAR} : vérifiez l'année.")
    return value
