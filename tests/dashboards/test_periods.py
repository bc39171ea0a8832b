"""The dashboards' period: a year, a quarter or two dates, both days included, with French labels and messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from dashboards import periods
from dashboards.periods import Period

D = datetime.date


@pytest.mark.parametrize(("value", "start", "end", "label"), [
    ("2017", D(2017, 1, 1), D(2017, 12, 31), "année 2017"),
    (" 2024 ", D(2024, 1, 1), D(2024, 12, 31), "année 2024"),
    ("2018-T1", D(2018, 1, 1), D(2018, 3, 31), "1er trimestre 2018"),
    ("2017-T2", D(2017, 4, 1), D(2017, 6, 30), "2e trimestre 2017"),
    ("2017-T3", D(2017, 7, 1), D(2017, 9, 30), "3e trimestre 2017"),
    ("2017-t4", D(2017, 10, 1), D(2017, 12, 31), "4e trimestre 2017"),
])
def test_a_year_or_a_quarter(value, start, end, label):
    period = periods.parse(periode=value)

    assert (period.start, period.end, period.label) == (start, end, label)


def test_two_dates_make_a_custom_period_with_both_days_included():
    period = periods.parse(du="2017-06-01", au="2018-03-31")

    assert (period.start, period.end) == (D(2017, 6, 1), D(2018, 3, 31))
    assert period.days == 304  # June 30 + July to December 184 + January to March 90
    assert period.label == "du 01/06/2017 au 31/03/2018"
    assert period.query == {"du": "2017-06-01", "au": "2018-03-31"}


def test_a_single_day_is_a_period_of_one_day():
    period = periods.parse(du="2023-03-31", au="2023-03-31")

    assert period.days == 1


def test_dates_matching_a_year_or_a_quarter_get_their_label():
    assert periods.parse(du="2023-01-01", au="2023-12-31").label == "année 2023"
    assert periods.parse(du="2023-04-01", au="2023-06-30").label == "2e trimestre 2023"
    assert periods.parse(du="2023-04-01", au="2023-06-29").label == "du 01/04/2023 au 29/06/2023"


def test_dates_take_precedence_over_a_year():
    assert periods.parse(periode="2017", du="2018-01-01", au="2018-01-31") == Period(D(2018, 1, 1), D(2018, 1, 31))


@pytest.mark.parametrize(("today", "expected"), [
    (D(2024, 5, 15), Period(D(2023, 5, 1), D(2024, 4, 30))),
    (D(2024, 5, 1), Period(D(2023, 5, 1), D(2024, 4, 30))),  # the month that starts is not ended yet
    (D(2024, 5, 31), Period(D(2023, 5, 1), D(2024, 4, 30))),
    (D(2027, 1, 4), Period(D(2026, 1, 1), D(2026, 12, 31))),  # in January: the year before
    (D(2028, 3, 1), Period(D(2027, 3, 1), D(2028, 2, 29))),  # ends on a 29 February
])
def test_no_value_gives_the_last_twelve_months_ended(today, expected):
    period = periods.parse(today=today)

    assert period == expected
    assert period.whole_months  # read from the monthly summaries


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"periode": "2017-T5"}, "Période « 2017-T5 » non reconnue : attendu une année (2024) ou un trimestre (2024-T2)."),
    ({"periode": "juin 2017"}, "Période « juin 2017 » non reconnue"),
    ({"periode": "17"}, "Période « 17 » non reconnue"),
    ({"du": "2017-06-01"}, "Indiquez les deux dates de la période (début et fin)."),
    ({"au": "2018-03-31"}, "Indiquez les deux dates de la période (début et fin)."),
    ({"du": "2017-02-30", "au": "2018-03-31"},
     "La date de début « 2017-02-30 » n'est pas une date valide (attendu AAAA-MM-JJ)."),
    ({"du": "2017-06-01", "au": "31/03/2018"}, "La date de fin « 31/03/2018 » n'est pas une date valide"),
    ({"du": "2018-03-31", "au": "2017-06-01"}, "La fin de la période précède son début."),
    ({"du": "2000-01-01", "au": "2021-01-01"}, "La période ne peut pas dépasser vingt ans."),
    ({"periode": "1999"}, "La période commence avant 2000 : vérifiez l'année."),
    # Years the calendar cannot compute with (issue 14: they were server errors).
    ({"periode": "0000"}, "La période commence avant 2000 : vérifiez l'année."),
    ({"periode": "0000-T1"}, "La période commence avant 2000 : vérifiez l'année."),
    ({"periode": "9999"}, "La période se termine après 2100 : vérifiez l'année."),
    ({"periode": "9999-T4"}, "La période se termine après 2100 : vérifiez l'année."),
    ({"du": "9999-12-01", "au": "9999-12-31"}, "La période se termine après 2100 : vérifiez l'année."),
    ({"du": "2090-01-01", "au": "2101-01-01"}, "La période se termine après 2100 : vérifiez l'année."),
    ({"du": "0000-01-01", "au": "2001-01-01"}, "La date de début « 0000-01-01 » n'est pas une date valide"),
    ({"periode": "-1"}, "Période « -1 » non reconnue"),
    ({"periode": "2026-13"}, "Période « 2026-13 » non reconnue"),
    ({"periode": "9" * 40}, "Période « 9999"),
    ({"du": "2026-01-01", "au": "9" * 40}, "La date de fin « 9999"),
])
def test_a_period_that_makes_no_sense_gives_a_french_message(kwargs, message):
    with pytest.raises(ValidationError) as raised:
        periods.parse(**kwargs)

    assert raised.value.messages[0].startswith(message)


def test_twenty_years_are_accepted():
    assert periods.parse(du="2000-01-01", au="2019-12-31").days == 7305


def test_the_last_year_accepted_is_2100():
    assert periods.parse(periode="2100-T4") == Period(D(2100, 10, 1), D(2100, 12, 31))


def test_shifted_gives_the_same_period_months_earlier():
    quarter = periods.parse(periode="2018-T1")

    assert quarter.shifted(6) == Period(D(2017, 7, 1), D(2017, 9, 30))
    assert quarter.shifted(12) == Period(D(2017, 1, 1), D(2017, 3, 31))
    assert quarter.shifted(-3) == Period(D(2018, 4, 1), D(2018, 6, 30))


def test_quarters_lists_the_calendar_quarters_the_period_overlaps():
    period = periods.parse(du="2017-06-01", au="2018-03-31")

    assert [(q.start, q.end) for q in period.quarters()] == [
        (D(2017, 4, 1), D(2017, 6, 30)),
        (D(2017, 7, 1), D(2017, 9, 30)),
        (D(2017, 10, 1), D(2017, 12, 31)),
        (D(2018, 1, 1), D(2018, 3, 31)),
    ]
    assert [q.label for q in period.quarters()][:2] == ["2e trimestre 2017", "3e trimestre 2017"]


def test_year_helper():
    assert periods.year(2017) == Period(D(2017, 1, 1), D(2017, 12, 31))
    assert periods.year(2020).days == 366
