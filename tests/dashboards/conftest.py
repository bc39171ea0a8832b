"""Fixtures of the dashboard tests. Builders for hand-computed data are in tests/dashboards/builders.py."""

import pytest

# The settings the hand-computed expectations assume (an environment variable must not change them).
THRESHOLD = 5
REFERENCE_HOURS = {"ACI_MP": 1820, "EI_MP": 1820, "ACI_DC": 1820, "EI_DC": 1820, "DEFAULT": 1820}


@pytest.fixture(autouse=True)
def indicator_settings(settings):
    settings.INDICATORS_SMALL_CELL_THRESHOLD = THRESHOLD
    settings.INDICATORS_REFERENCE_HOURS = dict(REFERENCE_HOURS)
    return settings
