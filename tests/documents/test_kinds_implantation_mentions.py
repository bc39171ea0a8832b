"""The implantation contract's mentions of the 2022 regime (docs/domain.md §7.4; issue 17, §2): premises (location and
area), equipment, staff access, financial terms (fee, fluids), insurance, renewal clause, modification and
termination terms with their notice. Entered in the contract's form (programmes.forms.ImplantationContractForm); a
2022-regime contract lacking one is refused with each missing mention and the form's address; once entered, each is
read back from the PDF. The `world` of test_kinds_programme provides the signatories."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from documents.enums import DocumentKind
from documents.kinds.implantation_contract import MENTIONS_2022
from tests.documents.test_kinds_programme import assert_prints, labels, render, world  # noqa: F401 - the fixture
from tests.programmes.convention_factories import CONTRACT_MENTIONS, make_contract

pytestmark = pytest.mark.django_db

D = datetime.date
EMPTY = {"premises": "Atelier", "premises_area": None, "equipment": "", "staff_access": "", "monthly_fee": None,
         "fluids": "", "insurance": "", "renewal_terms": "", "modification_terms": "", "termination_terms": "",
         "termination_notice_months": None}


def test_a_2022_contract_without_its_mentions_lists_each_one_with_the_contract_form(world):  # noqa: F811
    contract = make_contract(world["programme"], regime="R2022", start=D(2023, 1, 2), end=D(2029, 12, 31), **EMPTY)
    missing = labels(DocumentKind.IMPLANTATION_CONTRACT, world["programme"])
    edit = reverse("programmes:contract_update", args=[contract.pk])
    assert missing == {f"{text} (contrat d'implantation)": edit for text in MENTIONS_2022.values()}
    assert set(MENTIONS_2022) == set(EMPTY) - {"premises"}


def test_one_missing_mention_is_the_only_one_listed_and_a_zero_fee_is_not_missing(world):  # noqa: F811
    make_contract(world["programme"], regime="R2022", premises="Atelier", insurance=" ", monthly_fee=Decimal("0"))
    assert list(labels(DocumentKind.IMPLANTATION_CONTRACT, world["programme"])) == [
        "les assurances (contrat d'implantation)"]


def test_a_2016_contract_is_not_asked_for_the_2022_mentions(world):  # noqa: F811
    make_contract(world["programme"], regime="R2016", start=D(2017, 7, 1), end=D(2018, 12, 31), pay="4.40", **EMPTY)
    assert labels(DocumentKind.IMPLANTATION_CONTRACT, world["programme"]) == {}


def test_the_2022_contract_prints_every_mention(world, tmp_path):  # noqa: F811
    make_contract(world["programme"], regime="R2022", start=D(2023, 1, 2), end=D(2029, 12, 31), pay="5.10",
                  tacit_renewal=True, premises="Atelier du quartier nouveau concept", premises_area=Decimal("452.5"),
                  equipment="Deux étiqueteuses fournies par la SIAE", monthly_fee=Decimal("1250"),
                  staff_access="Trois encadrants habilités après enquête administrative",
                  fluids="Refacturés au réel sur sous-compteur", insurance="Responsabilité civile chez la MAIF",
                  renewal_terms="Opposition au renouvellement six mois avant le terme",
                  modification_terms="Par avenant signé des deux parties",
                  termination_terms="Pour manquement grave aux règles de sécurité", termination_notice_months=4)
    snapshot, text = render(DocumentKind.IMPLANTATION_CONTRACT, world["programme"], tmp_path)
    assert snapshot["premises_area"] == "452,5\u00a0m²" and snapshot["fee"] == "1\u00a0250,00\u00a0€"
    assert_prints(text, [
        "Article 5 — Locaux, équipements, accès, charges et assurances",
        "Atelier du quartier nouveau concept, d'une surface de 452,5 m²",
        "Équipements mis à disposition. Deux étiqueteuses fournies par la SIAE",
        "Accès et habilitation des personnels. Trois encadrants habilités après enquête administrative",
        "Le donneur d'ordre verse à l'établissement une redevance mensuelle de 1 250,00 €",
        "Fluides (eau, électricité, chauffage). Refacturés au réel sur sous-compteur",
        "Assurances. Responsabilité civile chez la MAIF",
        "Il est renouvelé par tacite reconduction, sauf dénonciation par l'une des parties avant son terme. "
        "Opposition au renouvellement six mois avant le terme",
        "Sa durée ne peut excéder 7 ans",
        "Modification. Par avenant signé des deux parties",
        "Résiliation. Pour manquement grave aux règles de sécurité",
        "La résiliation prend effet à l'issue d'un préavis de 4 mois",
    ])


def test_a_zero_fee_prints_that_no_fee_is_due(world, tmp_path):  # noqa: F811
    make_contract(world["programme"], regime="R2022", premises="Atelier",
                  **{**CONTRACT_MENTIONS, "monthly_fee": Decimal("0")})
    _, text = render(DocumentKind.IMPLANTATION_CONTRACT, world["programme"], tmp_path)
    assert "Aucune redevance n'est due pour l'occupation des locaux." in text
    assert "redevance mensuelle de" not in text
