"""The suite's clock: every test process (and the Celery worker the tests start) lives at the same moment,
whatever the day the suite runs, so no test depends on the calendar.

The moment is IAE_TEST_NOW (an ISO date or date-time, Paris time when no offset is given), by default
DEFAULT_NOW. The clock ticks from there (timeouts, polling and second-factor codes behave as usual);
only the starting point is moved. `make test-dates` runs the tests that read the clock at another moment (29 February
2028 by default, TEST_NOW=... for another); the whole suite passed on 1 January, 29 February and 31 December 2028.

Run as a module, it starts the clock from IAE_TEST_NOW and then runs a command line as `python -m`
would: `python -m tests.clock celery -A iae_detention worker ...` gives the worker the tests' clock.
"""

import datetime
import os
import runpy
import sys
import zoneinfo

import time_machine

ENVIRONMENT_VARIABLE = "IAE_TEST_NOW"
DEFAULT_NOW = "2026-11-16T10:00:00+01:00"  # a Monday morning, Paris time
PARIS = zoneinfo.ZoneInfo("Europe/Paris")

_traveller = None


def moment(value: str | None = None) -> datetime.datetime:
    """The aware date-time the clock starts from: `value`, else IAE_TEST_NOW, else DEFAULT_NOW."""
    text = value or os.environ.get(ENVIRONMENT_VARIABLE) or DEFAULT_NOW
    parsed = datetime.datetime.fromisoformat(text)
    if len(text) == 10:  # a date alone: ten in the morning
        parsed = parsed.replace(hour=10)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


def start(value: str | None = None) -> datetime.datetime:
    """Move this process's clock (time.time, datetime.now, date.today...) to the moment; it then ticks."""
    global _traveller
    stop()
    destination = moment(value)
    _traveller = time_machine.travel(destination, tick=True)
    _traveller.start()
    return destination


def stop() -> None:
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def at(day: datetime.date):
    """A context manager: inside, the clock reads `day` at ten in the morning, Paris time (and ticks), for a test
    whose expectations are written for that day; outside, the suite's clock again."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS), tick=True)


def environment_for_child() -> dict[str, str]:
    """The variable a child process needs to share this process's clock, as it reads now."""
    return {ENVIRONMENT_VARIABLE: datetime.datetime.now(datetime.UTC).isoformat()}


if __name__ == "__main__":
    start()
    module, *arguments = sys.argv[1:]
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
