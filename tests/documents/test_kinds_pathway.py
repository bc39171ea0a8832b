"""The two participant documents, rendered from factories and read back from the PDF (pdftotext).

- the charte d'accompagnement names the person, the establishment, the SIAE (with its SIRET) and the CPIP referent;
- the contract is an acte d'engagement when it starts before 1 May 2022, a contrat d'emploi pénitentiaire (CEP)
  from that day, with the CEP's mandatory mentions (dates in French, pay and its share of the SMIC in force);
- what is missing refuses the request before any work, each item with the form where it is entered;
- neither the SPIP-only note nor anything judicial reaches a document; a name holding HTML is printed as text.
"""

import datetime
import json
import subprocess
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from documents import renderer, services
from documents.enums import DocumentKind
from documents.models import GeneratedDocument
from documents.registry import spec_of
from participants import services as pathway_services
from participants.enums import PathwayStatus, SessionDecision, Sex
from participants.models import Pathway
from partners.enums import OrganisationKind
from tests.participants.factories import PathwayFactory, counsellor, enter_workshop, pathway_at
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory, luhn_siret

from .factories import pdf_text

pytestmark = pytest.mark.django_db

CHARTER, CONTRACT = DocumentKind.ACCOMPANIMENT_CHARTER, DocumentKind.WORK_CONTRACT
SIRET = luhn_siret(4_428_170_000_001)
SIRET_PRINTED = f"{SIRET[0:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"
TODAY = datetime.date(2026, 11, 27)
SPIP_NOTE = "Interdiction de paraître à Chelles (note du SPIP)"
# The post's mentions of the CEP (R412-25, 7°, 10°, 11°), entered with the programme.
POST = {"post_risks": "Port de charges jusqu'à 15 kg", "on_call": "Aucune astreinte",
        "bonuses": "Prime d'assiduité de 20 € par mois complet", "cip_name": "Yasmine Ould-Aïssa"}


def flat(text: str) -> str:
    """Whitespace (line breaks, non-breaking spaces) as single spaces: what a reader sees, copied as one line."""
    return " ".join(text.split())


def ref(pathway) -> str:
    """The pathway's reference in a document's title: the first eight characters of its identifier."""
    return str(pathway.pk).replace("-", "")[:8].upper()


def render(kind, pathway, tmp_path, today=TODAY) -> tuple[dict, str]:
    snapshot = spec_of(kind).build(pathway, today)
    return snapshot, flat(pdf_text(renderer.render_document(kind, snapshot), tmp_path))


@pytest.fixture
def programme():
    establishment = EstablishmentFactory(name="CP de Meaux-Chauconin", address="Route de Varreddes, 77100 Meaux")
    siae = SiaeFactory(name="Après — Groupe ARES", siret=SIRET, legal_form="Association loi 1901",
                       address="2 rue de l'Écluse, 77100 Meaux", director_name="Hélène Dubœuf")
    return ProgrammeFactory(code="MEAUX-APRES", siae=siae, establishment=establishment,
                            activity="Logistique et conditionnement", sector="Logistique", **POST)


@pytest.fixture
def referent(programme):
    return counsellor(first_name="Anaïs", last_name="Cœurderoy", establishment=programme.establishment)


def person(programme, referent, **fields):
    values = {"establishment": programme.establishment, "last_name": "Lefèvre", "first_names": "Jérôme Élie",
              "ecrou": "58213", "birth_date": datetime.date(1990, 4, 12), "sex": Sex.M, "counsellor": referent,
              "work_constraints_note": SPIP_NOTE, "expected_release_date": datetime.date(2027, 2, 14),
              "adjustment_eligibility_date": datetime.date(2026, 12, 3)}
    return {f"participant__{name}": value for name, value in {**values, **fields}.items()}


@pytest.fixture
def in_workshop(programme, referent):
    """Selected 3 March 2025, classified 10 March, assigned 17 March, in the workshop from 24 March 2025:
    24 h a week at 6,00 € an hour (SMIC 11,88 € since 1 November 2024)."""
    return pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme, **person(programme, referent))


def started_on(programme, referent, start: datetime.date, **fields) -> Pathway:
    """Selected by a commission a month before ``start``, classified and assigned that day, then in the workshop."""
    pathway = PathwayFactory(programme=programme, session__date=start - datetime.timedelta(days=30),
                             **person(programme, referent, **fields))
    pathway = pathway_services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    return enter_workshop(pathway, start, hours_per_week=Decimal("30"), hourly_pay=Decimal("5.00"))


# --- The charter ----------------------------------------------------------------------------------------------


def test_the_charter_names_the_person_the_establishment_the_siae_and_the_referent(in_workshop, tmp_path):
    snapshot, text = render(CHARTER, in_workshop, tmp_path)

    assert "Charte d'accompagnement socio-professionnel" in text
    assert "Monsieur LEFÈVRE Jérôme Élie" in text
    assert "né le 12 avril 1990" in text
    assert "numéro d'écrou 58213" in text
    assert "CP de Meaux-Chauconin" in text
    assert "représenté par son chef d'établissement" in text  # no head recorded: the function, not a blank
    assert "Après — Groupe ARES" in text
    assert f"SIRET {SIRET_PRINTED}" in text
    assert "représentée par Hélène Dubœuf" in text
    assert "Anaïs Cœurderoy" in text  # the CPIP referent
    assert "à compter du 24 mars 2025, date d'entrée en atelier" in text
    # no agency of the public employment service recorded: named by what it is (tests/documents/test_names_on_date.py)
    assert "inscription auprès de l'agence du service public de l'emploi" in text
    assert "Page 1 / " in text
    # the title (lists, file name, running header) names the kind, the programme and the pathway, not the person
    assert snapshot["title"] == f"Charte d'accompagnement — programme MEAUX-APRES — parcours {ref(in_workshop)}"


def test_the_charter_names_the_cip_and_informs_the_person_of_the_processing_of_their_data(in_workshop, tmp_path,
                                                                                          settings):
    settings.RETENTION_MONTHS_AFTER_EXIT = 18
    paris = OrganisationFactory(kind=OrganisationKind.DISP, name="DISP de Paris",
                                disp=in_workshop.programme.establishment.department.region.disp)
    _, text = render(CHARTER, in_workshop, tmp_path)

    assert "accompagnement en insertion professionnelle (CIP), Yasmine Ould-Aïssa" in text
    assert ("le responsable du traitement est la direction de l'administration pénitentiaire (ministère de la "
            f"Justice), représentée par la {paris.name}") in text
    assert "pendant le parcours puis 18 mois après sa fin" in text
    assert "réclamation à la Commission nationale de l'informatique et des libertés (CNIL" in text


def test_the_charter_needs_the_cip_and_says_where_to_enter_them(in_workshop):
    in_workshop.programme.cip_name = ""

    assert [(item.label, item.url) for item in spec_of(CHARTER).missing(in_workshop)] == [
        ("le prénom et le nom de la personne CIP de l'atelier du programme MEAUX-APRES",
         reverse("programmes:programme_update", args=[in_workshop.programme_id]))]


def head_of(programme, first_name: str, last_name: str, function: str) -> None:
    """The establishment's head, recorded as a contact of its direction."""
    from partners.models import Contact

    organisation = OrganisationFactory(kind=OrganisationKind.ESTABLISHMENT, name="Direction du CP de Meaux",
                                       establishment=programme.establishment,
                                       department=programme.establishment.department)
    Contact.objects.create(organisation=organisation, first_name=first_name, last_name=last_name, function=function)


def test_the_charter_names_the_head_of_the_establishment_when_recorded(in_workshop, programme):
    head_of(programme, "Régis", "Châtelet", "Chef d'établissement")

    snapshot = spec_of(CHARTER).build(in_workshop, TODAY)

    establishment = snapshot["parties"][1]
    assert "représenté par Régis Châtelet, chef d'établissement" in establishment["lines"]
    assert establishment["signatory"] == "Régis Châtelet"
    assert establishment["quality"] == "Chef d'établissement"


def test_a_directrice_signs_the_charter_under_her_own_title(in_workshop, programme):
    head_of(programme, "Anne", "Ferrand", "Directrice du centre pénitentiaire")

    establishment = spec_of(CHARTER).build(in_workshop, TODAY)["parties"][1]

    assert "représenté par Anne Ferrand, directrice du centre pénitentiaire" in establishment["lines"]
    assert establishment["quality"] == "Directrice du centre pénitentiaire"


def test_a_selected_person_gets_a_charter_before_entering_the_workshop(programme, referent):
    pathway = pathway_at(PathwayStatus.SELECTED, programme=programme, **person(programme, referent))

    assert spec_of(CHARTER).missing(pathway) == []
    assert spec_of(CHARTER).build(pathway, TODAY)["contract_start"] == ""


def test_the_charter_needs_a_referent_counsellor_and_says_where_to_enter_one(programme, referent):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme, **person(programme, referent, counsellor=None))

    with pytest.raises(services.MissingData) as refusal:
        services.document_request(kind=CHARTER, subject=pathway, by=None)

    assert [(item.label, item.url) for item in refusal.value.missing] == [
        ("le ou la CPIP référent·e de la personne",
         reverse("participants:participant_update", args=[pathway.participant_id]))]
    assert not GeneratedDocument.objects.exists()


def test_a_candidate_not_yet_selected_gets_no_participant_document(programme, referent):
    pathway = pathway_at(PathwayStatus.CANDIDATE, programme=programme, **person(programme, referent))

    for kind in (CHARTER, CONTRACT):
        labels = [item.label for item in spec_of(kind).missing(pathway)]
        assert labels[0] == "la décision « retenu·e » de la commission de sélection"
    assert spec_of(CHARTER).missing(pathway)[0].url == reverse("participants:pathway_step",
                                                                 args=[pathway.pk, "decision"])


# --- The contract: CEP from 1 May 2022 ----------------------------------------------------------------------


def test_the_cep_carries_its_mandatory_mentions(in_workshop, tmp_path):
    snapshot, text = render(CONTRACT, in_workshop, tmp_path)

    assert snapshot["title"] == f"Contrat d'emploi pénitentiaire — programme MEAUX-APRES — parcours {ref(in_workshop)}"
    assert "Contrat d'emploi pénitentiaire" in text
    # the parties: the SIAE as donneur d'ordre, with its SIRET, and the person as "l'opérateur"
    assert "Après — Groupe ARES" in text and f"SIRET {SIRET_PRINTED}" in text
    assert "ci-après désigné « le donneur d'ordre »" in text
    assert "Monsieur LEFÈVRE Jérôme Élie" in text and "numéro d'écrou 58213" in text
    assert "ci-après désigné « l'opérateur »" in text
    # the mentions
    assert "Régime de travail Insertion par l'activité économique (IAE)" in text
    assert ("Nature du contrat À durée déterminée, jusqu'au 23 mars 2027 au plus tard (24 mois, durée maximale "
            "d'un parcours d'insertion)") in text
    assert "Date de début 24 mars 2025" in text
    assert "Période d'essai un mois" in text
    assert "Poste et missions Logistique et conditionnement (secteur : Logistique)" in text
    assert "Durée du travail 24 h par semaine" in text
    assert "6,00 €, soit 50,5 % du SMIC horaire brut en vigueur le 24 mars 2025 (11,88 €)" in text
    assert "selon la charte d'accompagnement jointe" in text
    assert "Décision de classement au travail 10 mars 2025, après avis favorable de la CPU" in text
    assert "Décision d'affectation 17 mars 2025" in text
    assert "Risques particuliers du poste Port de charges jusqu'à 15 kg" in text
    assert "Périodes d'astreinte Aucune astreinte" in text
    assert "Prime d'assiduité de 20 € par mois complet" in text
    assert "Vu la décision de classement au travail du 10 mars 2025" in text
    # suspension and termination terms
    assert "difficultés d'approvisionnement" in text
    assert "non-respect de l'accompagnement socio-professionnel, après un entretien préalable" in text
    assert "Anaïs Cœurderoy" in text


def test_a_cep_needs_the_post_s_risks_on_call_periods_and_bonuses_entered_with_the_programme(in_workshop):
    programme = in_workshop.programme
    programme.post_risks = programme.on_call = programme.bonuses = ""
    edit = reverse("programmes:programme_update", args=[programme.pk])

    assert [(item.label, item.url) for item in spec_of(CONTRACT).missing(in_workshop)] == [
        ("les risques particuliers du poste du programme MEAUX-APRES", edit),
        ("les périodes d'astreinte du poste (« Aucune astreinte » s'il n'y en a pas) du programme MEAUX-APRES", edit),
        ("les primes du poste (« Aucune prime » s'il n'y en a pas) du programme MEAUX-APRES", edit)]


def test_the_contract_is_an_acte_d_engagement_until_30_april_2022_and_a_cep_from_1_may(programme, referent):
    before = started_on(programme, referent, datetime.date(2022, 4, 30), ecrou="40001")
    after = started_on(programme, referent, datetime.date(2022, 5, 1), ecrou="40002", last_name="Mérieux")

    assert before.contract_kind == "ENGAGEMENT_ACT" and after.contract_kind == "CEP"
    assert spec_of(CONTRACT).title(before) == f"Acte d'engagement — programme MEAUX-APRES — parcours {ref(before)}"
    assert (spec_of(CONTRACT).title(after)
            == f"Contrat d'emploi pénitentiaire — programme MEAUX-APRES — parcours {ref(after)}")
    assert spec_of(CONTRACT).missing(before) == []  # an acte d'engagement needs no classification date
    assert spec_of(CONTRACT).missing(after) == []  # classified and assigned through the application
    # Entered through an import, its classification and assignment reconstituted without their dates (issue 15):
    Pathway.objects.filter(pk=after.pk).update(classified_on=None, cpu_opinion="", assigned_on=None)
    after.refresh_from_db()
    missing_after = [item.label for item in spec_of(CONTRACT).missing(after)]
    assert missing_after == ["la date de la décision de classement au travail",
                             "l'avis de la commission pluridisciplinaire unique (CPU) sur le classement",
                             "la date de la décision d'affectation"]


def test_the_acte_d_engagement_is_signed_by_the_head_of_the_establishment_and_the_person(programme, referent,
                                                                                         tmp_path):
    pathway = started_on(programme, referent, datetime.date(2021, 9, 13))

    snapshot, text = render(CONTRACT, pathway, tmp_path)

    assert snapshot["is_cep"] is False
    assert "Acte d'engagement" in text
    assert "Vu la loi n° 2009-1436 du 24 novembre 2009 pénitentiaire" in text
    assert "l'opérateur" not in text and "donneur d'ordre" not in text
    assert "ci-après désigné « l'administration pénitentiaire »" in text
    assert "Pour l'établissement pénitentiaire" in text and "Le chef d'établissement" in text
    assert "La personne détenue" in text
    assert "à compter du 13 septembre 2021" in text
    assert "Période d'essai" not in text  # a CEP notion
    assert "Durée de l'engagement Jusqu'au 12 septembre 2023 au plus tard (24 mois" in text
    # 5,00 € against the SMIC of 1 January 2021 (10,25 €): 48,8 %
    assert "5,00 €, soit 48,8 % du SMIC horaire brut en vigueur le 13 septembre 2021 (10,25 €)" in text
    assert "30 h par semaine" in text
    assert f"SIRET {SIRET_PRINTED}" in text


def test_an_acte_d_engagement_ends_with_its_programme_when_that_comes_first(programme, referent):
    programme.end_date = datetime.date(2021, 12, 31)
    programme.save()
    pathway = started_on(programme, referent, datetime.date(2021, 9, 13))

    rows = dict(spec_of(CONTRACT).build(pathway, TODAY)["mentions"])
    assert rows["Durée de l'engagement"] == ("Jusqu'au 31 décembre 2021 au plus tard (date de fin du programme "
                                             "MEAUX-APRES)")


def test_a_contract_that_has_not_started_lists_what_to_enter_with_the_forms(programme, referent):
    pathway = pathway_at(PathwayStatus.ASSIGNED, programme=programme, **person(programme, referent))

    with pytest.raises(services.MissingData) as refusal:
        services.document_request(kind=CONTRACT, subject=pathway, by=None)

    entry = reverse("participants:pathway_step", args=[pathway.pk, "entree"])
    assert [(item.label, item.url) for item in refusal.value.missing] == [
        ("la date d'entrée en atelier (le début du contrat)", entry),
        ("le nombre d'heures de travail par semaine", entry),
        ("la rémunération horaire brute", entry),
    ]
    assert "Des informations manquent pour établir ce document" in refusal.value.messages[0]
    assert not GeneratedDocument.objects.exists()


def test_hours_and_pay_missing_after_the_start_point_to_the_contract_form(in_workshop):
    Pathway.objects.filter(pk=in_workshop.pk).update(hours_per_week=None, hourly_pay=None)
    in_workshop.refresh_from_db()

    contract_form = reverse("participants:pathway_step", args=[in_workshop.pk, "contrat"])
    assert [(item.label, item.url) for item in spec_of(CONTRACT).missing(in_workshop)] == [
        ("le nombre d'heures de travail par semaine", contract_form),
        ("la rémunération horaire brute", contract_form)]


def test_a_cep_without_classification_points_to_the_classification_form_while_it_is_open(programme, referent):
    """Classification is a step from "retenu·e" only: later, the list points to the pathway's page."""
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme, **person(programme, referent))
    Pathway.objects.filter(pk=pathway.pk).update(classified_on=None, assigned_on=None, cpu_opinion="")
    pathway.refresh_from_db()

    missing = {item.label: item.url for item in spec_of(CONTRACT).missing(pathway)}
    assert missing["la date de la décision de classement au travail"] == pathway.get_absolute_url()
    assert missing["la date de la décision d'affectation"] == pathway.get_absolute_url()

    selected = pathway_at(PathwayStatus.SELECTED, programme=programme, session__date=datetime.date(2025, 3, 4),
                          **person(programme, referent, ecrou="77001"))
    Pathway.objects.filter(pk=selected.pk).update(contract_start=datetime.date(2025, 3, 24), contract_kind="CEP",
                                                  hours_per_week=Decimal("24"), hourly_pay=Decimal("6.00"))
    selected.refresh_from_db()
    missing = {item.label: item.url for item in spec_of(CONTRACT).missing(selected)}
    assert missing["la date de la décision de classement au travail"] == reverse(
        "participants:pathway_step", args=[selected.pk, "classement"])


def test_a_contract_start_without_a_known_smic_is_refused(in_workshop):
    Pathway.objects.filter(pk=in_workshop.pk).update(contract_start=datetime.date(2015, 6, 1),
                                                     contract_kind="ENGAGEMENT_ACT")
    in_workshop.refresh_from_db()

    assert [(item.label, item.url) for item in spec_of(CONTRACT).missing(in_workshop)] == [
        ("le SMIC horaire en vigueur le 1er juin 2015", reverse("admin:programmes_smicrate_add"))]


def test_an_siae_without_siret_is_refused_for_both_documents(in_workshop):
    pathway = Pathway.objects.select_related("programme__siae").get(pk=in_workshop.pk)
    pathway.programme.siae.siret = ""  # the database refuses it (a constraint): a form would not save it either

    for kind in (CHARTER, CONTRACT):
        assert [(item.label, item.url) for item in spec_of(kind).missing(pathway)] == [
            ("le SIRET de la SIAE « Après — Groupe ARES »",
             reverse("programmes:siae_update", args=[pathway.programme.siae_id]))]


def test_the_trial_period_follows_the_length_of_the_contract(in_workshop, programme):
    from documents.kinds.work_contract import trial_period

    assert trial_period(datetime.date(2025, 3, 24), datetime.date(2027, 3, 23)) == "un mois"
    assert trial_period(datetime.date(2025, 3, 24), datetime.date(2025, 6, 30)) == "deux semaines"
    assert trial_period(datetime.date(2025, 3, 24), datetime.date(2025, 4, 20)) == "4 jours"
    # a programme ending earlier shortens the fixed term, and so the trial period: 9 full weeks, 9 days
    programme.end_date = datetime.date(2025, 5, 31)
    programme.save()
    snapshot = spec_of(CONTRACT).build(Pathway.objects.get(pk=in_workshop.pk), TODAY)
    assert snapshot["end"] == "31 mai 2025"
    assert snapshot["end_reason"] == "date de fin du programme MEAUX-APRES"
    assert snapshot["trial_period"] == "9 jours"


# --- What never reaches a document ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [CHARTER, CONTRACT])
def test_the_spip_note_and_judicial_dates_never_reach_a_document(kind, in_workshop, tmp_path):
    snapshot, text = render(kind, in_workshop, tmp_path)

    frozen = json.dumps(snapshot, ensure_ascii=False)
    for secret in (SPIP_NOTE, "Chelles", "14 février 2027", "3 décembre 2026", "2027-02-14", "14/02/2027"):
        assert secret not in frozen
        assert secret not in text


@pytest.mark.parametrize("kind", [CHARTER, CONTRACT])
def test_a_name_holding_html_is_printed_as_text(kind, programme, referent, tmp_path):
    pathway = pathway_at(PathwayStatus.IN_WORKSHOP, programme=programme,
                         **person(programme, referent, first_names="Jean <script>alert('x')</script>"))
    snapshot = spec_of(kind).build(pathway, TODAY)

    html = render_to_string(spec_of(kind).template, {"doc": snapshot, "template_version": "test"})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    text = flat(pdf_text(renderer.render_document(kind, snapshot), tmp_path))
    assert "LEFÈVRE Jean <script>alert('x')</script>" in text


@pytest.mark.parametrize(("kind", "title"), [(CHARTER, "Charte d'accompagnement — programme MEAUX-APRES"),
                                             (CONTRACT, "Contrat d'emploi pénitentiaire — programme MEAUX-APRES")])
def test_the_pdf_metadata_name_the_document_not_the_person(kind, title, in_workshop, tmp_path):
    snapshot = spec_of(kind).build(in_workshop, TODAY)
    path = tmp_path / "document.pdf"
    path.write_bytes(renderer.render_document(kind, snapshot))

    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    assert f"Title:           {title}" in info
    assert "Author:          Après — Groupe ARES" in info
    for personal in ("LEFÈVRE", "Lefèvre", "Jérôme", "58213", "Cœurderoy"):
        assert personal not in info  # tests/documents/test_pdf_metadata.py reads the XMP too


def test_a_requested_document_freezes_the_person_as_they_were(in_workshop):
    document = services.document_request(kind=CONTRACT, subject=in_workshop, by=None)
    in_workshop.participant.last_name = "Autrenom"
    in_workshop.participant.save()

    document.refresh_from_db()
    assert document.snapshot["person"]["name"] == "LEFÈVRE Jérôme Élie"
    assert document.snapshot["hourly_pay"] == "6,00\u00a0€"
    assert document.title == f"Contrat d'emploi pénitentiaire — programme MEAUX-APRES — parcours {ref(in_workshop)}"
    assert "LEFÈVRE" not in document.title and "Lefèvre" not in document.title
