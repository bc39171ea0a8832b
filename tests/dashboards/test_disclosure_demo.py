"""The protected outputs on the demo data (issue 16 §2, §5): the 2018 release and the diffusable figures of
MEAUX-APRES pass the audit (scipy's linear programs), add up to the exact figures where they are published, and
show "s" where they are not.
"""

import pytest

from dashboards import periods, report, scopes
from dashboards.disclosure import SYMBOL, exports, release
from dashboards.disclosure.table import NATIONAL, TOTAL, check
from dashboards.scopes import Level
from tests.dashboards import builders as b
from tests.demo import demo_for_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


@pytest.fixture(scope="module")
def release_2018(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return release.build_release(2018, limit=5)


def test_the_2018_release_passes_the_audit(release_2018):
    assert check(release_2018.table) == []
    assert release_2018.primary  # the demo has small cells: the audit has something to check
    assert release_2018.primary <= release_2018.suppressed
    assert release_2018.audit() == []
    print(f"release 2018: {len(release_2018.table.values)} cells, {len(release_2018.suppressed)} suppressed, "
          f"{release_2018.seconds:.1f} s")


def test_the_release_counts_are_those_of_the_national_dashboard(release_2018):
    national = report.build(scopes.resolve(b.national_user(), Level.NATIONAL, ""), periods.year(2018),
                            with_children=False).values
    cells = release_2018.table.values
    assert cells[("entrees", TOTAL, "2018", NATIONAL, TOTAL)] == national["entrants"]
    assert cells[("sorties", TOTAL, "2018", NATIONAL, TOTAL)] == national["exits"]
    assert cells[("en_parcours", TOTAL, "2018", NATIONAL, TOTAL)] == national["in_pathway"]


def test_meaux_diffusable_figures_for_2018():
    scope = scopes.resolve(b.national_user(), Level.PROGRAMME, "MEAUX-APRES")
    exact = report.build(scope, periods.year(2018), with_children=False).values
    shown = exports.diffusable(exact, scope.programmes, periods.year(2018))
    print({k: (shown[k], exact[k]) for k in exports.PEOPLE_CELLS})
    for key in exports.PEOPLE_CELLS:
        assert shown[key] in (SYMBOL, exact[key]), key
        assert shown[key] == SYMBOL or not 0 < shown[key] < 5, key
    assert SYMBOL in shown.values()
