"""The pathway as the code pénitentiaire has it (issue 15, section 3): classification after the CPU's opinion (granted
or refused), then assignment, then the contract; the workshop's frame (programme open, implantation contract in force)
on the day of an entry or a new contract; no acte d'engagement after 30 April 2022 and those still open after 2022
turned into CEPs; the import's steps reconstituted and marked. Every refusal in French, with nothing written."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from participants import rules, services
from participants.alerts import ENGAGEMENT_ACT, alerts_for
from participants.enums import (
    CLOSED_STATUSES,
    ClassificationDecision,
    ContractKind,
    CpuOpinion,
    PathwayStatus,
    SessionDecision,
    Transition,
)
from participants.importing import error_text, run_import
from participants.models import Pathway, PathwayLog
from programmes.models import ImplantationContract
from tests.accounts.pages import page_text
from tests.participants.factories import (
    STEP_DAYS,
    acte_in_workshop,
    candidacy,
    counsellor,
    implantation_in_force,
    pathway_at,
)
from tests.participants.test_import import csv_file, row
from tests.participants.test_services import snapshot
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 11, 16)  # tests/clock.py


@pytest.fixture
def cpip():
    return counsellor()


def words(html: str) -> str:
    """The page's text without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def refused(service, **arguments) -> dict:
    with pytest.raises(ValidationError) as error:
        service(**arguments)
    return error.value.message_dict


# --- Classification: granted or refused -----------------------------------------------------------------------


def test_a_refused_classification_closes_the_pathway_with_its_reason_in_the_log(cpip):
    pathway = pathway_at(PathwayStatus.SELECTED, by=cpip)

    services.pathway_classify(pathway=pathway, opinion=CpuOpinion.UNFAVOURABLE, on=STEP_DAYS["classified"],
                              decision=ClassificationDecision.REFUSED, reason="Risque d'évasion", by=cpip,
                              expected_version=pathway.version)

    row_ = Pathway.objects.get(pk=pathway.pk)
    assert row_.status == PathwayStatus.NOT_CLASSIFIED and PathwayStatus.NOT_CLASSIFIED in CLOSED_STATUSES
    assert not row_.is_open
    assert (row_.classified_on, row_.cpu_opinion, row_.classification_refusal_reason) == (
        STEP_DAYS["classified"], CpuOpinion.UNFAVOURABLE, "Risque d'évasion")
    entry = row_.log.order_by("-at", "-pk").first()
    assert (entry.transition, entry.from_status, entry.to_status, entry.on) == (
        Transition.CLASSIFY, PathwayStatus.SELECTED, PathwayStatus.NOT_CLASSIFIED, STEP_DAYS["classified"])
    assert str(PathwayStatus.NOT_CLASSIFIED.label) == "Classement refusé"


def test_after_a_refused_classification_the_person_may_apply_again(cpip):
    pathway = pathway_at(PathwayStatus.NOT_CLASSIFIED, by=cpip)

    again = services.pathway_create(participant=pathway.participant, programme=pathway.programme, by=cpip)

    assert again.status == PathwayStatus.CANDIDATE


@pytest.mark.parametrize(("decision", "reason", "field", "message"), [
    (ClassificationDecision.REFUSED, "  ", "classification_refusal_reason",
     "Indiquez le motif du refus de classement."),
    (ClassificationDecision.GRANTED, "Motif", "classification_refusal_reason",
     "Le motif ne se saisit que pour un refus de classement."),
    ("MAYBE", "", "classification_decision", "Indiquez la décision : classement accordé ou refusé."),
])
def test_a_classification_without_its_reason_or_decision_is_refused_and_writes_nothing(cpip, decision, reason, field,
                                                                                      message):
    pathway = pathway_at(PathwayStatus.SELECTED, by=cpip)
    before = snapshot(pathway)

    errors = refused(services.pathway_classify, pathway=pathway, opinion=CpuOpinion.UNFAVOURABLE,
                     on=STEP_DAYS["classified"], decision=decision, reason=reason, by=cpip)

    assert errors == {field: [message]}
    assert snapshot(pathway) == before


@pytest.mark.parametrize(("status", "step", "missing"), [
    (PathwayStatus.CANDIDATE, "CLASSIFY",
     "enregistrez d'abord la décision de la commission de sélection (personne retenue)"),
    (PathwayStatus.SELECTED, "ASSIGN", "enregistrez d'abord le classement au travail, décidé après l'avis de la CPU"),
    (PathwayStatus.SELECTED, "START", "enregistrez d'abord l'affectation, décidée après le classement au travail"),
    (PathwayStatus.CLASSIFIED, "START", "enregistrez d'abord l'affectation, décidée après le classement au travail"),
])
def test_a_skipped_step_is_refused_saying_which_step_comes_first_and_writes_nothing(cpip, status, step, missing):
    pathway = pathway_at(status, by=cpip)
    implantation_in_force(pathway.programme)
    before = snapshot(pathway)
    day = D(2025, 6, 2)
    arguments = {"pathway": pathway, "by": cpip}
    service, extra = {
        "CLASSIFY": (services.pathway_classify, {"opinion": CpuOpinion.FAVOURABLE, "on": day}),
        "ASSIGN": (services.pathway_assign, {"on": day}),
        "START": (services.pathway_start, {"start": day, "hours_per_week": Decimal("24"),
                                           "hourly_pay": Decimal("6.00")}),
    }[step]

    errors = refused(service, **arguments, **extra)

    assert f"Rien n'a été enregistré : {missing}." in errors["__all__"][0]
    assert snapshot(pathway) == before


@pytest.mark.parametrize("step", ["ASSIGN", "START", "WITHDRAW", "CLASSIFY"])
def test_nothing_follows_a_refused_classification(cpip, step):
    pathway = pathway_at(PathwayStatus.NOT_CLASSIFIED, by=cpip)
    before = snapshot(pathway)
    day = D(2025, 6, 2)
    service, extra = {
        "CLASSIFY": (services.pathway_classify, {"opinion": CpuOpinion.FAVOURABLE, "on": day}),
        "ASSIGN": (services.pathway_assign, {"on": day}),
        "START": (services.pathway_start, {"start": day}),
        "WITHDRAW": (services.pathway_withdraw, {"on": day}),
    }[step]

    errors = refused(service, pathway=pathway, by=cpip, **extra)

    assert "Le parcours est « Classement refusé »" in errors["__all__"][0]
    assert snapshot(pathway) == before


# --- The workshop's frame: programme open, implantation contract in force ----------------------------------------


SESSION_2018 = D(2018, 9, 3)


def assigned_in(programme, session_day=SESSION_2018):
    pathway = candidacy(programme)
    pathway.session.date = session_day
    pathway.session.save()
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    pathway = services.pathway_classify(pathway=pathway, opinion=CpuOpinion.FAVOURABLE, on=session_day, by=None)
    return services.pathway_assign(pathway=pathway, on=session_day, by=None)


def test_the_probe_no_cep_in_a_programme_ended_in_2018_whose_implantation_contract_ended_then(cpip):
    programme = ProgrammeFactory(code="MEAUX-APRES", start_date=D(2017, 7, 1), end_date=D(2018, 12, 31))
    implantation_in_force(programme, start=D(2017, 7, 1), end=D(2018, 12, 31))
    pathway = assigned_in(programme)
    before = snapshot(pathway)

    errors = refused(services.pathway_start, pathway=pathway, start=D(2026, 11, 2), hours_per_week=Decimal("24"),
                     hourly_pay=Decimal("6.00"), signed_on=D(2026, 11, 2), by=cpip)

    assert errors == {"contract_start": [
        "Le programme MEAUX-APRES s'est terminé le 31/12/2018 : il n'est pas ouvert le 02/11/2026. Corrigez ses "
        "dates sur la fiche du programme MEAUX-APRES, ou choisissez une date où il est ouvert.",
        "Aucun contrat d'implantation du programme MEAUX-APRES n'est en vigueur le 02/11/2026 (le dernier a pris fin "
        "le 31/12/2018). Ajoutez-le sur la fiche du programme MEAUX-APRES (section « Contrats d'implantation »).",
    ]}
    assert snapshot(pathway) == before


def test_an_entry_before_the_programme_starts_or_without_any_contract_is_refused(cpip):
    programme = ProgrammeFactory(code="NOUVEAU-1", start_date=D(2019, 1, 1))
    pathway = assigned_in(programme)
    before = snapshot(pathway)

    errors = refused(services.pathway_start, pathway=pathway, start=D(2018, 10, 1), by=cpip)

    assert errors == {"contract_start": [
        "Le programme NOUVEAU-1 ne commence que le 01/01/2019 : il n'est pas ouvert le 01/10/2018. Corrigez ses "
        "dates sur la fiche du programme NOUVEAU-1, ou choisissez une date où il est ouvert.",
        "Aucun contrat d'implantation du programme NOUVEAU-1 n'est en vigueur le 01/10/2018. Ajoutez-le sur la fiche "
        "du programme NOUVEAU-1 (section « Contrats d'implantation »).",
    ]}
    assert snapshot(pathway) == before


def test_an_entry_within_the_programme_and_its_contract_is_recorded(cpip):
    programme = ProgrammeFactory(start_date=D(2017, 7, 1), end_date=D(2018, 12, 31))
    implantation_in_force(programme, start=D(2017, 7, 1), end=D(2018, 12, 31))
    pathway = assigned_in(programme)

    started = services.pathway_start(pathway=pathway, start=D(2018, 12, 31), by=cpip)

    assert (started.status, started.contract_kind) == (PathwayStatus.IN_WORKSHOP, ContractKind.ENGAGEMENT_ACT)


def test_the_entry_page_names_the_missing_contract_and_saves_nothing(client_as, scope_a):
    pathway = pathway_at(PathwayStatus.ASSIGNED, programme=scope_a.programme)
    ImplantationContract.objects.filter(programme=scope_a.programme).delete()
    before = snapshot(pathway)

    response = client_as("SIAE_STAFF_A").post(
        reverse("participants:pathway_step", args=[pathway.pk, "entree"]),
        {"contract_start": "2025-03-24", "hours_per_week": "24", "hourly_pay": "6,50", "version": pathway.version})

    assert response.status_code == 200
    assert ("Aucun contrat d'implantation du programme ALPHA-1 n'est en vigueur le 24/03/2025. Ajoutez-le sur la "
            "fiche du programme ALPHA-1 (section « Contrats d'implantation »).") in page_text(response)
    assert snapshot(pathway) == before


# --- Actes d'engagement: none after 30 April 2022; the open ones become CEPs ---------------------------------------


def test_the_contract_kind_follows_the_date_and_no_acte_d_engagement_starts_after_30_april_2022():
    assert rules.contract_kind_on(D(2022, 4, 30)) == ContractKind.ENGAGEMENT_ACT
    assert rules.contract_kind_on(D(2022, 5, 1)) == ContractKind.CEP
    assert rules.contract_kind_errors("contract_start", D(2022, 4, 30), ContractKind.ENGAGEMENT_ACT) == {}
    assert rules.contract_kind_errors("contract_start", D(2022, 5, 1), ContractKind.ENGAGEMENT_ACT) == {
        "contract_start": "Un acte d'engagement ne peut pas commencer après le 30 avril 2022 (saisi : 01/05/2022) : "
                          "depuis le 1er mai 2022, c'est un contrat d'emploi pénitentiaire (CEP)."}
    assert "ne peut pas commencer avant le 1er mai 2022" in rules.contract_kind_errors(
        "x", D(2022, 4, 30), ContractKind.CEP)["x"]


def acte(programme, **kwargs) -> Pathway:
    return acte_in_workshop(programme, **kwargs)


def test_an_open_acte_d_engagement_becomes_a_cep_and_the_log_has_both(cpip):
    pathway = acte(ProgrammeFactory())
    assert pathway.contract_kind == ContractKind.ENGAGEMENT_ACT

    services.pathway_convert_to_cep(pathway=pathway, on=D(2023, 1, 2), hours_per_week=Decimal("26"),
                                    hourly_pay=Decimal("5.20"), signed_on=D(2022, 12, 20), by=cpip,
                                    expected_version=pathway.version)

    row_ = Pathway.objects.get(pk=pathway.pk)
    assert (row_.contract_kind, row_.cep_from, row_.engagement_act_ended_on) == (
        ContractKind.CEP, D(2023, 1, 2), D(2023, 1, 1))
    assert (row_.contract_start, row_.status) == (D(2021, 9, 6), PathwayStatus.IN_WORKSHOP)  # the entry stays
    assert (row_.hours_per_week, row_.hourly_pay, row_.contract_signed_on) == (
        Decimal("26"), Decimal("5.20"), D(2022, 12, 20))
    last_two = list(row_.log.order_by("-at", "-pk")[:2])[::-1]
    assert [(entry.transition, entry.on) for entry in last_two] == [
        (Transition.END_ACT, D(2023, 1, 1)), (Transition.CONVERT, D(2023, 1, 2))]
    assert all(entry.by == cpip for entry in last_two)


@pytest.mark.parametrize(("on", "field", "message"), [
    (D(2022, 4, 1), "cep_start", "Le contrat d'emploi pénitentiaire (01/04/2022) ne peut pas commencer avant le "
                                 "01/05/2022, date où il remplace l'acte d'engagement."),
    (D(2026, 12, 1), "cep_start", "Le début du contrat d'emploi pénitentiaire ne peut pas être dans le futur "
                                  "(01/12/2026)."),
    (None, "cep_start", "Indiquez la date de début du contrat d'emploi pénitentiaire."),
])
def test_a_conversion_on_a_wrong_date_is_refused_and_writes_nothing(cpip, on, field, message):
    pathway = acte(ProgrammeFactory())
    before = snapshot(pathway)

    errors = refused(services.pathway_convert_to_cep, pathway=pathway, on=on, by=cpip)

    assert message in errors[field]
    assert snapshot(pathway) == before


def test_a_conversion_needs_the_programme_open_and_a_contract_in_force_and_the_pay_floor(cpip):
    programme = ProgrammeFactory(code="CLOS-1", end_date=D(2022, 4, 30))
    pathway = acte(programme)
    ImplantationContract.objects.filter(programme=programme).update(end_date=D(2022, 4, 30))
    before = snapshot(pathway)

    frame = refused(services.pathway_convert_to_cep, pathway=pathway, on=D(2023, 1, 2), by=cpip)
    pay = refused(services.pathway_convert_to_cep, pathway=pathway, on=D(2023, 1, 2), hourly_pay=Decimal("4.60"),
                  by=cpip)

    assert frame["cep_start"][0].startswith("Le programme CLOS-1 s'est terminé le 30/04/2022")
    assert frame["cep_start"][1].startswith("Aucun contrat d'implantation du programme CLOS-1 n'est en vigueur")
    assert "45 % du SMIC" in pay["hourly_pay"][0]
    assert snapshot(pathway) == before


def test_a_cep_or_an_ended_acte_is_not_converted(cpip):
    cep = pathway_at(PathwayStatus.IN_WORKSHOP)
    before = snapshot(cep)

    errors = refused(services.pathway_convert_to_cep, pathway=cep, on=D(2025, 6, 2), by=cpip)

    assert errors == {"__all__": ["Seul un acte d'engagement en cours (parcours en atelier ou suspendu) se transforme "
                                  "en contrat d'emploi pénitentiaire."]}
    assert snapshot(cep) == before


def test_open_actes_after_2022_alert_their_cpip_and_siae_with_the_page_that_converts_them(client_as, personas,
                                                                                          scope_a, scope_b):
    pathway = acte(scope_a.programme, participant__establishment=scope_a.establishment,
                   participant__last_name="Benali", participant__first_names="Karim")
    acte(scope_b.programme, participant__establishment=scope_b.establishment)  # another scope: not told
    assert rules.engagement_act_to_convert(pathway, TODAY)

    for name in ("CPIP_A", "SIAE_STAFF_A"):
        [alert] = [a for a in alerts_for(user=personas[name], today=TODAY) if a.kind == ENGAGEMENT_ACT]
        assert alert.message == ("Karim BENALI (ALPHA-1) travaille toujours sous acte d'engagement (depuis le "
                                 "6 septembre 2021) : à transformer en contrat d'emploi pénitentiaire, obligatoire "
                                 "depuis le 1er janvier 2023.")
        assert alert.url == reverse("participants:pathway_step", args=[pathway.pk, "transformation-cep"])
    assert [a for a in alerts_for(user=personas["CPIP_A"], today=D(2022, 12, 31)) if a.kind == ENGAGEMENT_ACT] == []

    client = client_as("SIAE_STAFF_A")
    detail = page_text(client.get(pathway.get_absolute_url()))
    assert "Transformer en contrat d'emploi pénitentiaire" in detail
    form_page = client.get(alert.url)
    response = client.post(alert.url, {"cep_start": "2023-01-02", "contract_signed_on": "2022-12-20",
                                       "hours_per_week": "26", "hourly_pay": "5,20", "version": pathway.version})

    assert form_page.status_code == 200 and form_page.context["form"] is not None
    assert response.status_code == 302
    assert Pathway.objects.get(pk=pathway.pk).contract_kind == ContractKind.CEP
    assert [a for a in alerts_for(user=personas["CPIP_A"], today=TODAY) if a.kind == ENGAGEMENT_ACT] == []
    text = page_text(client.get(pathway.get_absolute_url()))
    assert ("Acte d'engagement jusqu'au 01/01/2023, contrat d'emploi pénitentiaire depuis le 02/01/2023") in text
    assert "Fin de l'acte d'engagement" in text
    assert "Début du contrat d'emploi pénitentiaire (transformation de l'acte d'engagement)" in text


# --- The import: steps reconstituted and marked ------------------------------------------------------------------


def test_an_entry_imported_without_classification_records_the_steps_as_reconstituted(client_as, scope_a, personas):
    report = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=personas["CPIP_A"],
                        wet_run=True)

    assert report["errors"] == []
    pathway = Pathway.objects.get()
    assert pathway.status == PathwayStatus.IN_WORKSHOP
    assert (pathway.classified_on, pathway.assigned_on) == (None, None)  # unknown: not invented
    log = list(pathway.log.values_list("transition", "from_status", "to_status", "on", "reconstituted"))
    assert log == [
        (Transition.CLASSIFY, PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, None, True),
        (Transition.ASSIGN, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED, None, True),
        (Transition.IMPORT, PathwayStatus.ASSIGNED, PathwayStatus.IN_WORKSHOP, D(2025, 2, 3), False),
    ]
    text = words(page_text(client_as("CPIP_A").get(pathway.get_absolute_url())))
    assert "Classement au travail Date inconnue — Reconstitué à l'import" in text
    assert "Affectation Date inconnue — Reconstitué à l'import" in text


def test_an_imported_entry_for_a_classified_pathway_reconstitutes_the_assignment_only(scope_a, personas):
    pathway = candidacy(scope_a.programme, participant__ecrou="1001", participant__last_name="Martin",
                        participant__first_names="Paul", participant__birth_date=D(1990, 4, 12))
    pathway.session.date = D(2025, 1, 6)
    pathway.session.save()
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    services.pathway_classify(pathway=pathway, opinion=CpuOpinion.FAVOURABLE, on=D(2025, 1, 13), by=None)

    report = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=personas["CPIP_A"],
                        wet_run=True)

    assert report["errors"] == []
    assert list(PathwayLog.objects.filter(pathway=pathway, reconstituted=True).values_list("transition", flat=True)) \
        == [Transition.ASSIGN]
    assert Pathway.objects.get(pk=pathway.pk).classified_on == D(2025, 1, 13)


def test_a_file_without_entries_reconstitutes_nothing(scope_a, personas):
    report = run_import(csv_file([row()]), "parcours.csv", user=personas["CPIP_A"], wet_run=True)

    assert report["errors"] == []
    assert not PathwayLog.objects.filter(reconstituted=True).exists()
    assert Pathway.objects.get().status == PathwayStatus.SELECTED


def test_an_imported_entry_outside_the_programme_or_its_contract_is_a_row_error(scope_a, personas):
    ImplantationContract.objects.filter(programme=scope_a.programme).update(end_date=D(2024, 12, 31))

    report = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=personas["CPIP_A"],
                        wet_run=True)

    assert report["written"] is False
    assert [error_text(error) for error in report["errors"]] == [
        "Ligne 2, colonne date_entree : aucun contrat d'implantation du programme ALPHA-1 n'est en vigueur le "
        "03/02/2025 (le dernier a pris fin le 31/12/2024). Ajoutez-le sur la fiche du programme ALPHA-1 (section "
        "« Contrats d'implantation »)."]
    assert not Pathway.objects.exists()


def test_an_imported_entry_after_a_refused_classification_is_a_row_error(scope_a, personas):
    pathway = candidacy(scope_a.programme, participant__ecrou="1001", participant__last_name="Martin",
                        participant__first_names="Paul", participant__birth_date=D(1990, 4, 12))
    pathway.session.date = D(2025, 1, 6)
    pathway.session.save()
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    services.pathway_classify(pathway=pathway, opinion=CpuOpinion.UNFAVOURABLE, on=D(2025, 1, 13),
                              decision=ClassificationDecision.REFUSED, reason="Comportement", by=None)

    report = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=personas["CPIP_A"],
                        wet_run=True)

    assert any("le classement au travail a été refusé le 13/01/2025" in text
               for text in map(error_text, report["errors"]))
    assert Pathway.objects.get(pk=pathway.pk).status == PathwayStatus.NOT_CLASSIFIED
