"""The import as an outside probe tried it (issue 14, item 1, and items 7 and 9): it writes only what the importer
may write through the forms, never reveals a person outside their scope, keeps the history, and holds its bounds."""

import datetime
import io
import zipfile

import pytest

from access import scope
from audit.enums import ChangeAction
from audit.models import ChangeRecord
from participants import rules, services
from participants.enums import PathwayStatus
from participants.importing import format as import_format
from participants.importing import run_import
from participants.models import Participant, Pathway
from tests.participants.factories import ParticipantFactory, selected_pathway
from tests.participants.test_import import csv_file, db_snapshot, row, texts


@pytest.fixture
def cpip(personas):
    return personas["CPIP_A"]


@pytest.fixture
def siae(personas):
    return personas["SIAE_DIRECTOR_A"]


@pytest.fixture
def known(scope_a):
    """A person with a pathway in the SIAE's programme: the SIAE director reads them."""
    pathway = selected_pathway(programme=scope_a.programme, participant__ecrou="1001", participant__last_name="Martin",
                               participant__first_names="Paul", session__date=datetime.date(2025, 1, 6))
    return pathway.participant


# --- Identity: only the roles that edit a person's file change it, by import as by the form -------------------


def test_an_siae_director_cannot_rename_a_person_by_import(known, siae):
    before = db_snapshot()

    report = run_import(csv_file([row(nom="<img src=x onerror=alert(1)>", prenom="Paul")]), "p.csv", user=siae,
                        wet_run=True)

    assert texts(report) == ["Ligne 2, colonne nom : un nom ne contient ni balise, ni formule, ni caractère spécial "
                             "(« < » « > ») : écrivez-le tel qu'à l'état civil, en lettres."]
    report = run_import(csv_file([row(nom="Durand")]), "p.csv", user=siae, wet_run=True)

    assert texts(report) == ["Ligne 2, colonne nom : « Durand » diffère du dossier de la personne (Martin) et votre "
                             "rôle ne permet pas de modifier ce dossier : c'est le SPIP qui le corrige. Laissez la "
                             "cellule vide ou écrivez la valeur enregistrée."]
    assert report["written"] is False
    assert db_snapshot() == before
    assert not ChangeRecord.objects.filter(object_type="participant", action=ChangeAction.UPDATE).exists()


def test_an_siae_director_moves_the_pathway_on_when_the_identity_is_the_recorded_one(known, siae):
    report = run_import(csv_file([row(nom="MARTIN", prenom="paul", date_entree="03/02/2025")]), "p.csv", user=siae,
                        wet_run=True)

    assert report["errors"] == []
    assert report["counts"]["participants"] == {"created": 0, "updated": 0, "unchanged": 1}
    pathway = Pathway.objects.get()
    assert pathway.status == PathwayStatus.IN_WORKSHOP
    known.refresh_from_db()
    assert (known.last_name, known.first_names) == ("Martin", "Paul")
    record = ChangeRecord.objects.filter(object_type="pathway", object_id=str(pathway.pk)).first()  # the newest
    assert record.user == siae
    assert record.changes["status"] == ["Retenu·e", "En atelier"]
    assert record.changes["contract_start"] == [None, "03/02/2025"]


def test_an_siae_director_cannot_change_other_fields_of_the_file_either(known, siae):
    report = run_import(csv_file([row(rsa="oui", sexe="F")]), "p.csv", user=siae)

    assert sorted(texts(report)) == [
        "Ligne 2, colonne rsa : « oui » diffère du dossier de la personne (non) et votre rôle ne permet pas "
        "de modifier ce dossier : c'est le SPIP qui le corrige. Laissez la cellule vide ou écrivez la valeur "
        "enregistrée.",
        "Ligne 2, colonne sexe : « Femme » diffère du dossier de la personne (Homme) et votre rôle ne permet pas de "
        "modifier ce dossier : c'est le SPIP qui le corrige. Laissez la cellule vide ou écrivez la valeur "
        "enregistrée.",
    ]


# --- Matching never reveals a person outside the importer's scope ----------------------------------------------


def test_a_person_outside_the_siae_s_scope_answers_as_an_unknown_ecrou_and_stays_out_of_reach(scope_a, cpip, siae):
    hidden = ParticipantFactory(establishment=scope_a.establishment, ecrou="5005", last_name="Caché",
                                birth_date=row_birth_date())
    assert not scope.participants_for(siae).filter(pk=hidden.pk).exists()  # 404 on its page
    answers = {}
    for case, values in {
        "right birth date": {"numero_ecrou": "5005"},
        "wrong birth date": {"numero_ecrou": "5005", "date_naissance": "01/01/1980"},
        "unknown": {"numero_ecrou": "7007"},
    }.items():
        report = run_import(csv_file([row(nom="Pirate", **values)]), "p.csv", user=siae, wet_run=True)
        answers[case] = [text.replace(values["numero_ecrou"], "N") for text in texts(report)]

    assert answers["right birth date"] == answers["wrong birth date"] == answers["unknown"] == [
        "Ligne 2, colonne numero_ecrou : aucune personne de vos programmes n'a le numéro d'écrou « N » avec cette "
        "date de naissance, et votre rôle ne permet pas de créer le dossier d'une personne : c'est le SPIP qui "
        "l'enregistre. Demandez-le-lui, puis importez à nouveau cette ligne."]
    hidden.refresh_from_db()
    assert hidden.last_name == "Caché"
    assert not Pathway.objects.exists()
    assert not scope.participants_for(siae).filter(pk=hidden.pk).exists()


def row_birth_date():
    return import_format.parse_date(row()["date_naissance"])


# --- One validation per field, shared with the forms ------------------------------------------------------------


@pytest.mark.parametrize("name", ["<img src=x onerror=alert(1)>", '=HYPERLINK("http://x.example","clic")',
                                  "+33 6 00", "@SOMME(A1)", "Nom\x07"])
def test_names_refuse_markup_and_formulas_in_the_import(scope_a, cpip, name):
    report = run_import(csv_file([row(prenom=name)]), "p.csv", user=cpip, wet_run=True)

    assert len(report["errors"]) == 1
    assert texts(report)[0].startswith("Ligne 2, colonne prenom : un nom ne contient ni balise, ni formule")
    assert not Participant.objects.exists()


@pytest.mark.parametrize("name", ["<b>Martin</b>", "=1+1"])
def test_names_refuse_markup_and_formulas_in_the_service_and_the_form(scope_a, client_as, name):
    from django.core.exceptions import ValidationError

    participant = ParticipantFactory.build(establishment=scope_a.establishment, last_name=name)
    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=participant, by=None)
    assert "last_name" in error.value.message_dict

    response = client_as("CPIP_A").post("/participants/nouveau/", {
        "establishment": scope_a.establishment.pk, "ecrou": "4242", "last_name": name, "first_names": "Paul",
        "birth_date": "12/04/1990", "sex": "M"})
    assert response.status_code == 200
    assert "Un nom ne contient ni balise, ni formule" in response.content.decode()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("name", ["N'Diaye", "Jean-Pierre", "Dupont-Aignan", "Saïdi", "O. Le Gall", "Ñúñez (née X)"])
def test_real_names_are_accepted(name):
    from core.validation import validate_person_name

    validate_person_name(name)


def test_the_import_refuses_an_exit_the_exit_form_refuses(scope_a, cpip):
    report = run_import(csv_file([
        row(date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_amenagement",
            situation_sortie="sortie_positive"),
        row(numero_ecrou="1002", nom="Durand", date_entree="03/02/2025", date_sortie="30/06/2025",
            motif_sortie="liberation_fin_de_peine", situation_sortie="emploi_durable"),
    ]), "p.csv", user=cpip, wet_run=True)

    assert texts(report) == ["Ligne 2, colonne amenagement : indiquez l'aménagement de peine obtenu.",
                             "Ligne 3, colonne type_contrat : indiquez le type de contrat de l'emploi."]
    assert not Pathway.objects.exists()


# --- Every write in the change history ---------------------------------------------------------------------------


def test_every_write_of_the_import_is_in_the_change_history(scope_a, cpip):
    run_import(csv_file([row(), row(numero_ecrou="1002", nom="Durand")]), "p.csv", user=cpip, wet_run=True)

    people_and_pathways = ChangeRecord.objects.filter(object_type__in=["participant", "pathway"])
    created = people_and_pathways.filter(action=ChangeAction.CREATE)
    assert sorted(created.values_list("object_type", flat=True)) == ["participant", "participant", "pathway",
                                                                      "pathway"]
    assert {record.user for record in created} == {cpip}
    martin = Participant.objects.get(ecrou="1001")
    person = ChangeRecord.objects.get(object_type="participant", object_id=str(martin.pk))
    assert person.changes["last_name"] == [None, "Martin"]
    assert person.changes["establishment"] == [None, str(scope_a.establishment)]

    run_import(csv_file([row(nom="Martin-Durand", date_entree="03/02/2025"), row(numero_ecrou="1002", nom="Durand")]),
               "p.csv", user=cpip, wet_run=True)

    updates = people_and_pathways.filter(action=ChangeAction.UPDATE)
    assert sorted(updates.values_list("object_type", flat=True)) == ["participant", "pathway"]
    assert updates.get(object_type="participant").changes == {"last_name": ["Martin", "Martin-Durand"]}
    assert updates.get(object_type="pathway").changes["status"] == ["Retenu·e", "En atelier"]


# --- Bounds (item 7) -----------------------------------------------------------------------------------------------


def test_a_file_over_the_row_cap_is_refused_before_any_check(scope_a, cpip, monkeypatch):
    monkeypatch.setattr("participants.importing.reading.MAX_ROWS", 50)
    rows = [row(numero_ecrou=str(3000 + n), nom=f"Nom{n}") for n in range(51)]

    report = run_import(csv_file(rows), "p.csv", user=cpip, wet_run=True)

    assert texts(report) == ["Le fichier a plus de 50 lignes de données : découpez-le en fichiers de 50 lignes au "
                             "plus, chacun avec la ligne d'en-tête, et importez-les l'un après l'autre."]
    assert not Participant.objects.exists()


def test_the_row_cap_is_the_documented_one(settings):
    documentation = (settings.BASE_DIR / "docs" / "import-format.md").read_text(encoding="utf-8")

    assert import_format.MAX_ROWS == 10_000
    assert "10 000 lignes de données au plus" in documentation
    assert f"{import_format.MAX_COLUMNS} colonnes au plus" in documentation


def test_a_file_of_100000_columns_is_refused_with_a_short_report(scope_a, cpip):
    header = ";".join(["programme", *[f"c{n}" for n in range(100_000)]])
    data = (header + "\r\nALPHA-1\r\n").encode()

    report = run_import(data, "p.csv", user=cpip)

    assert texts(report) == ["La ligne 1 a 100\u202f001 cellules : le fichier en a 60 au plus par ligne (le format "
                             "compte 22 colonnes). Supprimez les colonnes en trop."]
    assert len(repr(report)) < 2_000


def test_an_xlsx_that_unzips_to_too_much_is_refused_before_it_is_read(scope_a, cpip):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (import_format.MAX_XLSX_UNCOMPRESSED + 1))
    assert len(buffer.getvalue()) < 200_000  # what the upload page lets through

    report = run_import(buffer.getvalue(), "p.xlsx", user=cpip)

    assert texts(report)[0].startswith("Le classeur XLSX décompressé pèse 50 Mo, au-delà des 50 Mo acceptés")


@pytest.mark.parametrize(("column", "value"), [
    ("heures_travaillees", "1e308"), ("heures_travaillees", "NaN"), ("heures_travaillees", "1000000"),
    ("heures_travaillees", "３１２"), ("pmsmp", "²"), ("pmsmp", "٣"), ("pmsmp", "1e3"),
])
def test_an_unreadable_number_is_a_row_error_not_a_technical_failure(scope_a, cpip, column, value):
    report = run_import(csv_file([row(date_entree="03/02/2025", **{column: value})]), "p.csv", user=cpip,
                        wet_run=True)

    assert len(report["errors"]) == 1
    assert report["errors"][0]["line"] == 2 and report["errors"][0]["column"] == column
    assert not Pathway.objects.exists()


# --- Identifiers folded before they are compared and stored (item 9) ----------------------------------------------


def test_a_full_width_digit_does_not_get_around_one_ecrou_per_establishment(scope_a, cpip):
    ParticipantFactory(establishment=scope_a.establishment, ecrou="339266", birth_date=row_birth_date())
    assert rules.ecrou_key("33926６") == rules.ecrou_key("339266") == "339266"

    report = run_import(csv_file([row(numero_ecrou="33926６", date_naissance="01/01/1980")]), "p.csv", user=cpip)
    assert texts(report) == ["Ligne 2, colonne numero_ecrou : une personne présente dans cet établissement porte "
                             "déjà le numéro d'écrou « 339266 », avec une autre date de naissance : vérifiez le numéro "
                             "ou la date de naissance."]

    from django.core.exceptions import ValidationError

    twin = ParticipantFactory.build(establishment=scope_a.establishment, ecrou="33926６", last_name="Autre")
    with pytest.raises(ValidationError):
        services.participant_save(participant=twin, by=None)
    assert Participant.objects.count() == 1


def test_an_ecrou_is_stored_folded(scope_a):
    participant = ParticipantFactory.build(establishment=scope_a.establishment, ecrou=" ４２ ", ecrou_key="")

    services.participant_save(participant=participant, by=None)

    participant.refresh_from_db()
    assert (participant.ecrou, participant.ecrou_key) == ("42", "42")
