import datetime
from decimal import Decimal

from core.formatting import days_ago, format_date, format_euros, in_days, long_date


def test_euros_are_written_the_french_way():
    assert format_euros(Decimal("25370.1")) == "25\u00a0370,10\u00a0€"
    assert format_euros(Decimal("5.346")) == "5,35\u00a0€"


def test_dates_in_figures_and_in_words():
    assert format_date(datetime.date(2017, 7, 1)) == "01/07/2017"
    assert long_date(datetime.date(2017, 7, 1)) == "1er juillet 2017"
    assert long_date(datetime.date(2018, 12, 31)) == "31 décembre 2018"
    assert long_date(None) == ""


def test_days_from_today_in_words():
    assert [in_days(0), in_days(1), in_days(12)] == ["aujourd'hui", "demain", "dans 12 jours"]
    assert [days_ago(1), days_ago(12)] == ["hier", "il y a 12 jours"]
