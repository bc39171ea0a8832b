"""The audit of the protected release (issue 16 §2, §5) on ``generate_synthetic --scale small`` with several seeds,
and the suppression rules on hand-made tables: a people count from 1 to 4 is suppressed, a lone suppressed cell gets
a companion (the smallest, a cell before a total), a rate is published only with its numerator and denominator.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from dashboards.disclosure import SYMBOL, release
from dashboards.disclosure.audit import audit
from dashboards.disclosure.suppression import protect
from dashboards.disclosure.table import FLOW, TOTAL, Geography, Measure, build, check

pytestmark = pytest.mark.django_db

EXITS = Measure("sorties", FLOW, (("motif:A", "motif:B", "motif:C"),))


def one_region_table(counts: dict):
    """One region (R1 of DISP D1), one kind (ACI), year 2018: {(category, quarter): count}."""
    finest = {("sorties", category, quarter, "R1", "ACI"): value for (category, quarter), value in counts.items()}
    for quarter in range(1, 5):
        finest[("sorties", TOTAL, quarter, "R1", "ACI")] = sum(
            value for (category, q), value in counts.items() if q == quarter)
    return build(finest, year=2018, measures=[EXITS], geography=Geography({"R1": "D1"}), kinds=["ACI"])


def test_a_lone_small_cell_is_protected_by_a_second_one_and_the_audit_proves_it():
    table = one_region_table({("motif:A", 1): 3, ("motif:B", 1): 20, ("motif:C", 1): 9, ("motif:A", 2): 12,
                              ("motif:B", 2): 30, ("motif:C", 2): 15, ("motif:A", 3): 11, ("motif:B", 3): 8,
                              ("motif:C", 3): 10, ("motif:A", 4): 10, ("motif:B", 4): 25, ("motif:C", 4): 14})
    assert check(table) == []
    first, suppressed = protect(table, 5)
    published = {cell: value for cell, value in table.values.items() if cell not in suppressed}

    small = ("sorties", "motif:A", "2018-T1", "region:R1", "ACI")
    assert small in first
    assert len(suppressed) > len(first)  # the total minus the other reasons would give it back
    assert all(not 0 < value < 5 for value in published.values())
    assert audit(table.equations, published, suppressed, 5) == []
    # Without the secondary cells, the audit finds the small one: the total minus the other reasons, at most 3.
    findings = audit(table.equations, {c: v for c, v in table.values.items() if c not in first}, first, 5)
    assert any(f.cell == small and f.problem == "narrow" and f.high == 3 for f in findings)


def test_the_audit_finds_a_published_small_cell():
    table = one_region_table({("motif:A", 1): 2, ("motif:B", 1): 20})
    findings = audit(table.equations, dict(table.values), set(), 5)
    assert {finding.problem for finding in findings} == {"small"}
    assert ("sorties", "motif:A", "2018-T1", "region:R1", "ACI") in {finding.cell for finding in findings}


@pytest.mark.parametrize("seed", [2, 5, 11])
def test_the_release_of_synthetic_data_passes_the_audit(seed, tmp_path):
    """The files the command writes for 2018 (the pilots' year) pass the audit; so does 2020 (the deployment)."""
    with transaction.atomic():
        call_command("generate_synthetic", scale="small", seed=seed, stdout=StringIO())
        call_command("publish_release", year="2018", out=str(tmp_path), stdout=StringIO())
        protected = release.build_release(2018, limit=5)
        later = release.build_release(2020, limit=5)
        transaction.set_rollback(True)
    assert later.primary and later.audit() == []
    shown = release.read_values(tmp_path / "valeurs.csv")
    published = {cell: value for cell, value in shown.items() if value != SYMBOL}
    assert protected.primary and set(shown) == set(protected.table.values)
    assert audit(protected.table.equations, published, set(shown) - set(published), 5) == []
    assert not any(0 < value < 5 for value in published.values())
