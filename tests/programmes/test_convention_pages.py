"""Convention, annex, contract, partnership and funding pages through HTTP: French labels and errors,
nothing saved on bad input, validation buttons, lists scoped, paginated and exported."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import (
    ConventionParty,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    StateConvention,
)
from tests.accounts.pages import option_labels, page_text
from tests.programmes.convention_factories import make_annex, make_contract, make_convention, make_funding

pytestmark = pytest.mark.django_db
D = datetime.date
NBSP = "\u00a0"


def annex_data(**overrides):
    data = {"asp_number": "EI077230042", "measure": "EI_MP", "year": "2023", "start_date": "2023-06-01",
            "end_date": "2023-12-31", "etp": "2", "aid_amount": ""}
    return {**data, **overrides}


@pytest.fixture
def ei_convention(scope_a):
    scope_a.siae.kind = "EI"
    scope_a.siae.save()
    return make_convention(siae=scope_a.siae, authority=scope_a.organisations["ddets"], start=D(2023, 1, 1),
                           end=D(2025, 12, 31), reference="CONV-77-ALPHA")


# --- State conventions ---------------------------------------------------------------------------------


def test_siae_director_creates_a_convention_with_the_ddets_of_the_department(client_as, scope_a, scope_b):
    client = client_as("SIAE_DIRECTOR_A")
    page = client.get(reverse("programmes:convention_create"))
    assert option_labels(page, "authority") == ["---------", "DDETS Alpha", "DREETS Alpha"]

    response = client.post(reverse("programmes:convention_create"), {
        "siae": scope_a.siae.pk, "authority": scope_a.organisations["ddets"].pk, "reference": "",
        "start_date": "2024-01-01", "end_date": "2026-12-31",
    })

    convention = StateConvention.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("programmes:convention_detail", args=[convention.pk])
    assert convention.status == "DRAFT"


def test_convention_longer_than_three_years_shows_the_french_error_and_saves_nothing(client_as, scope_a):
    response = client_as("DDETS_STAFF_A").post(reverse("programmes:convention_create"), {
        "siae": scope_a.siae.pk, "authority": scope_a.organisations["ddets"].pk, "reference": "",
        "start_date": "2024-01-01", "end_date": "2027-06-30",
    })

    assert response.status_code == 200
    assert ("Une convention avec l'État dure au plus 3 ans : pour un début le 01/01/2024, la fin doit être au "
            "plus tard le 01/01/2027.") in page_text(response)
    assert not StateConvention.objects.exists()


def test_convention_page_lists_its_annexes_with_amounts_in_euros(client_as, ei_convention):
    make_annex(ei_convention, asp_number="EI077230042", measure="EI_MP", etp="2", aid_amount="25370.10",
               start=D(2023, 6, 1))

    text = page_text(client_as("CPIP_A").get(ei_convention.get_absolute_url()))

    assert "EI077230042" in text and "EI_MP" in text
    assert f"25{NBSP}370,10{NBSP}€" in text
    assert "01/06/2023 – 31/12/2023" in text
    assert "Ajouter une annexe" not in text  # a CPIP reads
    assert "Valider" not in text


def test_siae_director_sees_add_and_edit_but_no_validate_button(client_as, ei_convention):
    annex = make_annex(ei_convention, asp_number="EI077230042", measure="EI_MP")

    text = page_text(client_as("SIAE_DIRECTOR_A").get(ei_convention.get_absolute_url()))

    assert "Ajouter une annexe" in text
    assert reverse("programmes:annex_update", args=[annex.pk]) in text
    assert reverse("programmes:convention_update", args=[ei_convention.pk]) in text
    assert "Valider la convention" not in text


def test_siae_director_may_not_edit_a_signed_convention(client_as, ei_convention):
    ei_convention.status = "SIGNED"
    ei_convention.save()
    client = client_as("SIAE_DIRECTOR_A")

    assert reverse("programmes:convention_update", args=[ei_convention.pk]) not in page_text(
        client.get(ei_convention.get_absolute_url()))
    assert client.get(reverse("programmes:convention_update", args=[ei_convention.pk])).status_code == 403


def test_ddets_officer_validates_the_convention_from_its_page(client_as, ei_convention):
    client = client_as("DDETS_STAFF_A")
    assert "Valider la convention" in page_text(client.get(ei_convention.get_absolute_url()))

    response = client.post(reverse("programmes:convention_validate", args=[ei_convention.pk]), follow=True)

    ei_convention.refresh_from_db()
    assert ei_convention.status == "SIGNED"
    assert "La convention est validée : elle passe au statut « Signée »." in page_text(response)
    assert "Valider la convention" not in page_text(response)


def test_validating_a_signed_convention_again_says_why_and_changes_nothing(client_as, ei_convention):
    ei_convention.status = "ACTIVE"
    ei_convention.save()

    response = client_as("DREETS_STAFF_A").post(
        reverse("programmes:convention_validate", args=[ei_convention.pk]), follow=True)

    assert "Cette convention est déjà en vigueur : seule une convention en brouillon peut être validée." in (
        page_text(response))
    ei_convention.refresh_from_db()
    assert ei_convention.status == "ACTIVE"


def test_dreets_officer_validates_an_annex(client_as, ei_convention):
    annex = make_annex(ei_convention, asp_number="EI077230042", measure="EI_MP")

    response = client_as("DREETS_STAFF_A").post(reverse("programmes:annex_validate", args=[annex.pk]))

    annex.refresh_from_db()
    assert annex.status == "VALIDATED"
    assert response.url == annex.get_absolute_url()


# --- Annexes --------------------------------------------------------------------------------------------


def test_annex_form_is_labelled_in_french_and_offers_the_siae_measures(client_as, ei_convention):
    response = client_as("SIAE_DIRECTOR_A").get(reverse("programmes:annex_create", args=[ei_convention.pk]))
    text = page_text(response)

    for label in ("Numéro d'annexe ASP", "Mesure", "Année", "Date de début", "Date de fin", "ETP conventionnés",
                  "Aide au poste de l'annexe (€)", "Établissement (mesure en milieu pénitentiaire)"):
        assert label in text
    assert "Laissez vide : elle est calculée depuis le barème" in text
    assert option_labels(response, "measure") == [
        "---------", "EI en milieu pénitentiaire (EI_MP)", "EI de droit commun (EI_DC)"
    ]


def test_annex_created_with_a_blank_aid_gets_the_computed_amount(client_as, ei_convention):
    response = client_as("SIAE_DIRECTOR_A").post(
        reverse("programmes:annex_create", args=[ei_convention.pk]), annex_data(), follow=True)

    annex = FinancialAnnex.objects.get()
    # 1 June - 31 December 2023 = 214 days: 2 x 12 081 x 1,05 x 214/365 = 14 874,5244... -> 14 874,52 €
    assert annex.aid_amount == Decimal("14874.52")
    assert annex.status == "DRAFT"
    text = page_text(response)
    assert f"14{NBSP}874,52{NBSP}€" in text
    assert f"2{NBSP}ETP × 12{NBSP}081{NBSP}€ × 1,05 × 214/365 = 14{NBSP}874,52{NBSP}€" in text


def test_annex_created_with_an_amount_keeps_it(client_as, ei_convention):
    client_as("SIAE_DIRECTOR_A").post(
        reverse("programmes:annex_create", args=[ei_convention.pk]), annex_data(aid_amount="24000,50"))

    assert FinancialAnnex.objects.get().aid_amount == Decimal("24000.50")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"start_date": "2026-01-01", "end_date": "2026-06-30", "year": "2026"},
     "L'annexe doit se situer dans la période de sa convention, du 01/01/2023 au 31/12/2025."),
    ({"year": "2024"}, "L'année de l'annexe (2024) doit être celle de sa date de début (2023)."),
    ({"measure": "ACI_MP"}, "qui est de type EI : choisissez EI_MP ou EI_DC."),
    ({"end_date": "2023-05-01"}, "La date de fin doit être postérieure à la date de début."),
    ({"asp_number": "EI-77"}, "Numéro ASP invalide"),
    ({"etp": "0"}, "Le nombre d'ETP conventionnés doit être positif."),
])
def test_bad_annex_shows_the_french_error_and_saves_nothing(client_as, ei_convention, overrides, message):
    response = client_as("SIAE_DIRECTOR_A").post(
        reverse("programmes:annex_create", args=[ei_convention.pk]), annex_data(**overrides))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not FinancialAnnex.objects.exists()


def test_overlapping_annex_of_the_same_year_is_refused_on_the_page(client_as, ei_convention):
    make_annex(ei_convention, asp_number="EI077230001", measure="EI_MP", start=D(2023, 1, 1), end=D(2023, 6, 30))

    response = client_as("SIAE_DIRECTOR_A").post(
        reverse("programmes:annex_create", args=[ei_convention.pk]), annex_data())

    assert "Cette période chevauche l'annexe EI077230001 de la même année (du 01/01/2023 au 30/06/2023)." in (
        page_text(response))
    assert FinancialAnnex.objects.count() == 1


def test_annex_edit_recomputes_a_computed_amount_when_the_etp_change(client_as, ei_convention):
    client = client_as("SIAE_DIRECTOR_A")
    client.post(reverse("programmes:annex_create", args=[ei_convention.pk]), annex_data())
    annex = FinancialAnnex.objects.get()
    form = client.get(reverse("programmes:annex_update", args=[annex.pk]))
    assert 'name="aid_amount" value=' not in page_text(form)  # computed: offered blank

    client.post(reverse("programmes:annex_update", args=[annex.pk]), annex_data(etp="1"))

    annex.refresh_from_db()
    assert annex.aid_amount == Decimal("7437.26")  # 1 x 12 081 x 1,05 x 214/365 = 7 437,2622...


def test_siae_director_may_not_edit_a_validated_annex(client_as, ei_convention):
    annex = make_annex(ei_convention, asp_number="EI077230042", measure="EI_MP", status="VALIDATED")

    assert client_as("SIAE_DIRECTOR_A").get(reverse("programmes:annex_update", args=[annex.pk])).status_code == 403
    assert client_as("DDETS_STAFF_A").get(reverse("programmes:annex_update", args=[annex.pk])).status_code == 200


# --- Implantation contracts, partnerships, funding -----------------------------------------------------------


def contract_data(**overrides):
    data = {"regime": "R2022", "signed_on": "", "start_date": "2024-11-01", "end_date": "2031-10-31",
            "tacit_renewal": "on", "premises": "Atelier de 200 m²", "posts": "12", "weekly_hours": "24",
            "hourly_pay": "5,35"}
    return {**data, **overrides}


def test_establishment_staff_records_the_implantation_contract(client_as, scope_a):
    response = client_as("ESTABLISHMENT_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), contract_data(), follow=True)

    contract = ImplantationContract.objects.get()
    assert contract.programme == scope_a.programme
    text = page_text(response)
    assert f"5,35{NBSP}€" in text
    assert f"soit 45,0{NBSP}% du SMIC au début (11,88{NBSP}€)" in text


def test_contract_paid_below_45_percent_of_the_smic_is_refused_on_the_page(client_as, scope_a):
    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), contract_data(hourly_pay="5,34"))

    assert response.status_code == 200
    assert (f"La rémunération horaire (5,34{NBSP}€) est inférieure à 45 % du SMIC en vigueur au 01/11/2024 "
            f"(11,88{NBSP}€ de l'heure) : elle doit être d'au moins 5,35{NBSP}€.") in page_text(response)
    assert not ImplantationContract.objects.exists()


def test_2022_contract_longer_than_seven_years_is_refused_on_the_page(client_as, scope_a):
    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:contract_create", args=[scope_a.programme.pk]), contract_data(end_date="2032-01-01"))

    assert "Un contrat d'implantation du régime 2022 dure au plus 7 ans" in page_text(response)
    assert not ImplantationContract.objects.exists()


def test_partnership_is_created_with_its_parties(client_as, scope_a):
    orgs = scope_a.organisations
    data = {"title": "Convention de Meaux", "purpose": "", "start_date": "2017-07-01", "end_date": "2018-12-31",
            "parties-TOTAL_FORMS": "3", "parties-INITIAL_FORMS": "0",
            "parties-0-organisation": orgs["dreets"].pk, "parties-0-role": "Préfecture (par la DIRECCTE)",
            "parties-1-organisation": orgs["disp"].pk, "parties-1-role": "DISP",
            "parties-2-organisation": "", "parties-2-role": ""}

    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:partnership_create", args=[scope_a.programme.pk]), data, follow=True)

    partnership = PartnershipConvention.objects.get()
    assert partnership.programme == scope_a.programme
    assert ConventionParty.objects.filter(convention=partnership).count() == 2
    assert "Préfecture (par la DIRECCTE)" in page_text(response)


def test_partnership_without_parties_is_refused_on_the_page(client_as, scope_a):
    data = {"title": "Convention de Meaux", "purpose": "", "start_date": "2017-07-01", "end_date": "2018-12-31",
            "parties-TOTAL_FORMS": "1", "parties-INITIAL_FORMS": "0",
            "parties-0-organisation": "", "parties-0-role": ""}

    response = client_as("DISP_STAFF_A").post(
        reverse("programmes:partnership_create", args=[scope_a.programme.pk]), data)

    assert response.status_code == 200
    assert "Indiquez au moins une partie à la convention (organisation et rôle)." in page_text(response)
    assert not PartnershipConvention.objects.exists()


def test_partnership_parties_are_chosen_in_the_scope(client_as, scope_a, scope_b):
    response = client_as("DISP_STAFF_A").get(reverse("programmes:partnership_create", args=[scope_a.programme.pk]))

    labels = option_labels(response, "parties-0-organisation")
    assert "SPIP Alpha" in labels and "SPIP Bravo" not in labels


def test_funding_line_twice_is_refused_on_the_page(client_as, scope_a):
    make_funding(scope_a.programme, year=2024, funder="REGION")

    response = client_as("SIAE_DIRECTOR_A").post(
        reverse("programmes:funding_create", args=[scope_a.programme.pk]),
        {"year": "2024", "funder": "REGION", "organisation": "", "amount": "1000"})

    assert ("Ce financement est déjà saisi pour 2024 : modifiez la ligne existante plutôt que d'en ajouter une."
            in page_text(response))
    assert FundingLine.objects.count() == 1


# --- The programme page --------------------------------------------------------------------------------


def _bind(scope, rows, first=0):
    """``rows`` of each: State conventions (with an annex each), contracts, partnerships, years of funding."""
    for index in range(first, first + rows):
        convention = make_convention(siae=scope.siae, authority=scope.organisations["ddets"],
                                     start=D(2023, 1, 1 + index), end=D(2025, 12, 31))
        make_annex(convention, asp_number=f"ACI07723{index:04d}", year=2023, start=D(2023, 1, 1 + index),
                   end=D(2023, 1, 28))
        make_contract(scope.programme, start=D(2024, 11, 1 + index), end=D(2030, 1, 1), pay="5.94")
        partnership = PartnershipConvention.objects.create(programme=scope.programme, title=f"Partenariat {index}",
                                                           start_date=D(2020, 1, 1), end_date=D(2021, 1, 1))
        ConventionParty.objects.create(convention=partnership, organisation=scope.organisations["disp"], role="DISP")
        make_funding(scope.programme, year=2020 + index, funder="STATE", amount="1000")
        make_funding(scope.programme, year=2020 + index, funder="DEPARTEMENT", amount="500")


def test_programme_page_shows_what_binds_it(client_as, scope_a):
    _bind(scope_a, 2)

    text = page_text(client_as("DISP_STAFF_A").get(scope_a.programme.get_absolute_url()))

    assert "Conventions avec l'État de SIAE Alpha" in text
    assert "ACI077230000" in text and "ACI077230001" in text
    assert f"soit 50,0{NBSP}% du SMIC au début (11,88{NBSP}€)" in text  # 5,94 / 11,88
    assert "Partenariat 1" in text and "DISP Alpha : DISP" in text
    assert "Ajouter un contrat d'implantation" in text and "Ajouter une convention de partenariat" in text
    table = re.search(r"<caption>Financements par financeur et par année</caption>(.*?)</table>", text, re.S)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>",
                                                                          table.group(1), re.S)]
    assert cells == [
        "Année", "État (aide au poste)", "Département", "Total",
        "2021", f"1{NBSP}000,00{NBSP}€", f"500,00{NBSP}€", f"1{NBSP}500,00{NBSP}€",
        "2020", f"1{NBSP}000,00{NBSP}€", f"500,00{NBSP}€", f"1{NBSP}500,00{NBSP}€",
        "Total", f"2{NBSP}000,00{NBSP}€", f"1{NBSP}000,00{NBSP}€", f"3{NBSP}000,00{NBSP}€",
    ]


def test_programme_page_offers_add_links_only_to_roles_allowed(client_as, scope_a):
    text = page_text(client_as("CPIP_A").get(scope_a.programme.get_absolute_url()))

    assert "Conventions et financements" in text
    assert "Ajouter" not in text.split("Conventions et financements")[1].split("</section>")[0]


def test_programme_page_query_count_does_not_grow_with_rows(client_as, scope_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("DISP_STAFF_A")
    counts = []
    for _ in range(2):
        _bind(scope_a, 1 if not counts else 3, first=len(counts))  # 1 of each, then 4
        with CaptureQueriesContext(connection) as queries:
            assert client.get(scope_a.programme.get_absolute_url()).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_partnership_edit_replaces_its_parties(client_as, scope_a):
    orgs = scope_a.organisations
    partnership = PartnershipConvention.objects.create(programme=scope_a.programme, title="Convention Alpha",
                                                       start_date=D(2024, 1, 1), end_date=D(2025, 1, 1))
    ConventionParty.objects.create(convention=partnership, organisation=orgs["disp"], role="DISP")
    client = client_as("DDETS_STAFF_A")
    form = page_text(client.get(reverse("programmes:partnership_update", args=[partnership.pk])))
    assert 'value="DISP"' in form  # the existing party is offered for editing

    client.post(reverse("programmes:partnership_update", args=[partnership.pk]), {
        "title": "Convention Alpha", "purpose": "", "start_date": "2024-01-01", "end_date": "2025-01-01",
        "parties-TOTAL_FORMS": "2", "parties-INITIAL_FORMS": "0",
        "parties-0-organisation": "", "parties-0-role": "",
        "parties-1-organisation": orgs["ddets"].pk, "parties-1-role": "État",
    })

    assert [(p.organisation.name, p.role) for p in partnership.parties.all()] == [("DDETS Alpha", "État")]


def test_convention_page_query_count_does_not_grow_with_annexes(client_as, ei_convention):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as("SIAE_DIRECTOR_A")
    counts = []
    for month in (1, 2, 3, 4):
        make_annex(ei_convention, asp_number=f"EI0772300{month:02d}", measure="EI_MP", start=D(2023, month, 1),
                   end=D(2023, month, 28))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ei_convention.get_absolute_url()).status_code == 200
        counts.append(len(queries))

    assert len(set(counts)) == 1
