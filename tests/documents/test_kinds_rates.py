"""The documents print the SMIC in force on the contract's start, on both sides of its 1 January 2026 change
(11,88 € until 31 December 2025, 12,02 € from 1 January 2026: docs/domain.md §3.3)."""

import datetime
from decimal import Decimal

import pytest

from participants.enums import PathwayStatus
from participants.models import Pathway
from tests.documents.test_kinds_pathway import CONTRACT, person, programme, referent, render  # noqa: F401
from tests.participants.factories import pathway_at

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(("start", "printed"), [
    (D(2025, 12, 31), "6,00 €, soit 50,5 % du SMIC horaire brut en vigueur le 31 décembre 2025 (11,88 €)"),
    (D(2026, 1, 1), "6,00 €, soit 49,9 % du SMIC horaire brut en vigueur le 1er janvier 2026 (12,02 €)"),
])
def test_the_cep_prints_the_smic_in_force_on_its_start(programme, referent, tmp_path, start, printed):  # noqa: F811
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme, **person(programme, referent))
    Pathway.objects.filter(pk=pathway.pk).update(contract_start=start, contract_signed_on=start,
                                                  hourly_pay=Decimal("6.00"))
    pathway.refresh_from_db()

    snapshot, text = render(CONTRACT, pathway, tmp_path, today=D(2026, 11, 27))

    assert printed in text
    assert snapshot["smic"].replace("\u00a0", " ") == printed.rsplit("(", 1)[1].rstrip(")")
