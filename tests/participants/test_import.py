"""The import of pathway spreadsheets (participants.importing): reading, checking, writing all or nothing."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from participants import importing
from participants.enums import (
    ContractKind,
    EducationLevel,
    ExitReason,
    JobseekerDuration,
    Outcome,
    PathwayStatus,
    SessionDecision,
    Sex,
    Transition,
)
from participants.importing import error_text, run_import
from participants.models import Participant, Pathway, PathwayLog, RecruitmentSession, Suspension
from tests.participants.factories import ParticipantFactory, pathway_in_workshop, selected_pathway

BASE_COLUMNS = ["programme", "numero_ecrou", "nom", "prenom", "date_naissance", "sexe", "date_session",
                "decision_session", "date_entree", "date_sortie", "motif_sortie", "situation_sortie",
                "date_liberation_previsible", "rsa", "deld", "niveau_formation", "heures_travaillees", "pmsmp"]
# The exit details: a release under adjustment names its measure, a return its reason, a job its contract.
FULL_COLUMNS = [*BASE_COLUMNS, "amenagement", "motif_retour", "type_contrat", "duree_contrat_mois"]
DEFAULTS = {"programme": "ALPHA-1", "numero_ecrou": "1001", "nom": "Martin", "prenom": "Paul",
            "date_naissance": "12/04/1990", "sexe": "M", "date_session": "06/01/2025", "decision_session": "retenu"}


def row(**values) -> dict:
    return {**DEFAULTS, **values}


def csv_file(rows, *, columns=FULL_COLUMNS, sep=";", encoding="utf-8", bom=False) -> bytes:
    lines = [sep.join(columns)] + [sep.join(str(r.get(c, "")) for c in columns) for r in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def person(n: int, **values) -> dict:
    """Row of the n-th person of a generated file: distinct écrou, name and birth date."""
    return row(numero_ecrou=f"{20000 + n}", nom=f"Nom{n}", prenom="Alex",
               date_naissance=(datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)).strftime("%d/%m/%Y"),
               **values)


def texts(report) -> list[str]:
    return [error_text(error) for error in report["errors"]]


def db_snapshot():
    """Everything the import may write, as plain values (versions and timestamps included)."""
    return (
        sorted(Participant.objects.values_list("pk", "last_name", "first_names", "birth_date", "sex", "rsa",
                                               "jobseeker", "education_level", "stay_ended_on", "version",
                                               "updated_at")),
        sorted(RecruitmentSession.objects.values_list("pk", "programme_id", "date")),
        sorted(Pathway.objects.values_list("pk", "status", "decision", "contract_start", "exit_on", "outcome",
                                           "imported_hours_worked", "imported_pmsmp", "version", "updated_at")),
        PathwayLog.objects.count(),
    )


@pytest.fixture
def cpip(personas):
    return personas["CPIP_A"]


# --- A clean file --------------------------------------------------------------------------------------------


def test_a_clean_file_creates_the_participant_the_session_and_the_pathway(scope_a, cpip):
    data = csv_file([row(date_entree="03/02/2025", heures_travaillees="312,5", pmsmp="2", rsa="oui", deld="oui",
                         niveau_formation="sans_diplome", date_liberation_previsible="30/09/2026", sexe="F",
                         nom="Lefèvre", prenom="Hélène")])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert report["written"] is True
    assert report["counts"] == {"participants": {"created": 1, "updated": 0, "unchanged": 0},
                                "sessions": {"created": 1, "updated": 0, "unchanged": 0},
                                "pathways": {"created": 1, "updated": 0, "unchanged": 0}}
    participant = Participant.objects.get()
    assert (participant.last_name, participant.first_names, participant.sex) == ("Lefèvre", "Hélène", Sex.F)
    assert participant.establishment == scope_a.establishment
    assert participant.birth_date == datetime.date(1990, 4, 12)
    assert participant.ecrou_key == "1001"
    assert participant.rsa is True
    assert participant.jobseeker == JobseekerDuration.DELD
    assert participant.education_level == EducationLevel.NONE
    assert participant.expected_release_date == datetime.date(2026, 9, 30)
    pathway = Pathway.objects.get()
    assert pathway.programme == scope_a.programme
    assert pathway.session.date == datetime.date(2025, 1, 6)
    assert pathway.decision == SessionDecision.SELECTED
    assert pathway.status == PathwayStatus.IN_WORKSHOP
    assert pathway.contract_start == datetime.date(2025, 2, 3)
    assert pathway.contract_kind == ContractKind.CEP
    assert pathway.imported_hours_worked == Decimal("312.5")
    assert pathway.imported_pmsmp == 2
    log = PathwayLog.objects.get(transition=Transition.IMPORT)
    assert (log.from_status, log.to_status) == (PathwayStatus.ASSIGNED, PathwayStatus.IN_WORKSHOP)
    assert log.by == cpip
    assert log.by_label.startswith("CPIP_A")
    assert list(pathway.log.filter(reconstituted=True).values_list("transition", flat=True)) == [
        Transition.CLASSIFY, Transition.ASSIGN]


def test_the_status_follows_from_the_decision_and_the_dates(scope_a, cpip):
    data = csv_file([
        person(1, decision_session="non_retenu"),
        person(2, decision_session="desiste"),
        person(3),
        person(4, date_entree="03/02/2025"),
        person(5, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="retour_detention_ordinaire",
               motif_retour="a_sa_demande"),
    ])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    statuses = dict(Pathway.objects.values_list("participant__last_name", "status"))
    assert statuses == {"Nom1": PathwayStatus.NOT_SELECTED, "Nom2": PathwayStatus.WITHDRAWN,
                        "Nom3": PathwayStatus.SELECTED, "Nom4": PathwayStatus.IN_WORKSHOP,
                        "Nom5": PathwayStatus.EXITED}
    withdrawn = Pathway.objects.get(participant__last_name="Nom2")
    assert withdrawn.withdrawn_on == datetime.date(2025, 1, 6)
    assert RecruitmentSession.objects.count() == 1  # five rows, one session


def test_an_empty_outcome_takes_the_default_of_the_exit_reason(scope_a, cpip):
    data = csv_file([
        person(1, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="retour_detention_ordinaire",
               motif_retour="a_sa_demande"),
        person(2, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="transfert"),
        person(3, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine",
               situation_sortie="emploi_durable", type_contrat="cdi"),
    ])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    outcomes = dict(Pathway.objects.values_list("participant__last_name", "outcome"))
    assert outcomes == {"Nom1": Outcome.OTHER, "Nom2": Outcome.NEUTRALISED, "Nom3": Outcome.DURABLE}
    assert report["preview"][0]["outcome_defaulted"] is True
    assert report["preview"][2]["outcome_defaulted"] is False


def test_a_release_or_a_transfer_ends_the_stay_in_the_establishment(scope_a, cpip):
    data = csv_file([
        person(1, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine",
               situation_sortie="sortie_positive"),
        person(2, date_entree="03/02/2025", date_sortie="15/05/2025", motif_sortie="transfert"),
        person(3, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="demission",
               situation_sortie="autre_sortie"),
    ])

    run_import(data, "parcours.csv", user=cpip, wet_run=True)

    ends = dict(Participant.objects.values_list("last_name", "stay_ended_on"))
    assert ends == {"Nom1": datetime.date(2025, 6, 30), "Nom2": datetime.date(2025, 5, 15), "Nom3": None}


def test_an_entry_before_1_may_2022_is_an_engagement_act(scope_a, cpip):
    data = csv_file([row(date_session="01/03/2022", date_entree="15/03/2022")])

    run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert Pathway.objects.get().contract_kind == ContractKind.ENGAGEMENT_ACT


def test_the_optional_exit_details_are_read_and_checked_like_the_services(scope_a, cpip):
    columns = [*BASE_COLUMNS, "amenagement", "type_contrat", "duree_contrat_mois"]
    data = csv_file([
        person(1, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_amenagement",
               amenagement="ddse", situation_sortie="emploi_durable", type_contrat="cdi"),
        person(2, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine",
               situation_sortie="emploi_durable", type_contrat="cdd", duree_contrat_mois="3"),
    ], columns=columns)

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert texts(report) == ["Ligne 3, colonne situation_sortie : un CDD de 3 mois est un emploi de transition "
                             "(durable : plus de 6 mois)."]
    assert Pathway.objects.count() == 0


def test_the_format_columns_are_the_issue_s_and_the_documentation_lists_them_all(settings):
    documentation = (settings.BASE_DIR / "docs" / "import-format.md").read_text(encoding="utf-8")

    assert importing.COLUMN_NAMES[:18] == tuple(BASE_COLUMNS)
    for name in importing.COLUMN_NAMES:
        assert f"`{name}`" in documentation, name


@pytest.mark.parametrize("name", ["parcours-exemple.csv", "parcours-exemple.xlsx"])
def test_the_example_files_of_the_documentation_import(settings, scope_a, name):
    from programmes.models import Programme

    Programme.objects.filter(pk=scope_a.programme.pk).update(code="MEAUX-APRES")
    example = settings.BASE_DIR / "docs" / "examples" / name

    report = run_import(example.read_bytes(), example.name, wet_run=True)

    assert texts(report) == []
    assert report["counts"]["pathways"]["created"] == 8
    statuses = dict(Pathway.objects.values_list("participant__last_name", "status"))
    assert statuses["Petit"] == PathwayStatus.NOT_SELECTED
    assert statuses["Benali"] == PathwayStatus.IN_WORKSHOP
    assert Pathway.objects.get(participant__last_name="Garnier").outcome == Outcome.NEUTRALISED


# --- Encodings, separators, spreadsheets ------------------------------------------------------------------------


def test_utf8_with_a_byte_order_mark_reads_the_first_header_and_the_accents(scope_a, cpip):
    data = csv_file([row(nom="Noël", prenom="Zoé")], bom=True)

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert Participant.objects.get().first_names == "Zoé"


def test_windows_1252_is_detected_and_the_accented_names_kept(scope_a, cpip):
    data = csv_file([row(nom="Lefèvre", prenom="Jérôme")], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file really is not UTF-8

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    participant = Participant.objects.get()
    assert (participant.last_name, participant.first_names) == ("Lefèvre", "Jérôme")


@pytest.mark.parametrize("sep", [";", ","])
def test_semicolon_and_comma_separators_are_detected(scope_a, cpip, sep):
    data = csv_file([row(), person(1)], sep=sep)

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert Pathway.objects.count() == 2


def test_headers_are_read_without_case_spaces_or_accents_in_any_order(scope_a, cpip):
    columns = ["Numéro d'écrou", " NOM ", "Prénom", "Date de naissance", "Sexe", "Programme", "Date_Session",
               "Décision_Session", "Commentaire"]
    values = {"Numéro d'écrou": "1001", " NOM ": "Martin", "Prénom": "Paul", "Date de naissance": "1990-04-12",
              "Sexe": "m", "Programme": "alpha-1", "Date_Session": "2025-01-06", "Décision_Session": "Retenu·e",
              "Commentaire": "à revoir"}

    report = run_import(csv_file([values], columns=columns), "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert report["warnings"] == ["La colonne « Commentaire » ne fait pas partie du format : elle est ignorée."]
    assert Pathway.objects.get().status == PathwayStatus.SELECTED


def test_an_xlsx_file_with_date_cells_and_a_numeric_ecrou_imports(scope_a, cpip):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(BASE_COLUMNS)
    sheet.append(["ALPHA-1", 1001, "Martin", "Paul", datetime.datetime(1990, 4, 12), "M",
                  datetime.datetime(2025, 1, 6), "retenu", datetime.date(2025, 2, 3), None, None, None, None,
                  "non", "non", 4, 312.5, 1])
    sheet.append([None] * len(BASE_COLUMNS))  # an empty row is skipped
    sheet.append(["ALPHA-1", "A-77", "Durand", "Léa", "01/02/1995", "F", "06/01/2025", "non_retenu"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = run_import(buffer.getvalue(), "parcours.xlsx", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert report["preview"][1]["line"] == 4  # numbered as in the spreadsheet, the empty row counted
    first = Pathway.objects.get(participant__last_name="Martin")
    assert first.contract_start == datetime.date(2025, 2, 3)
    assert first.imported_hours_worked == Decimal("312.5")
    assert first.participant.ecrou == "1001"
    assert first.participant.education_level == EducationLevel.LEVEL_4
    assert Pathway.objects.get(participant__last_name="Durand").status == PathwayStatus.NOT_SELECTED


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(scope_a, cpip):
    report = run_import(b"%PDF-1.4", "parcours.pdf", user=cpip)

    assert texts(report) == ["Le fichier « parcours.pdf » n'est ni un CSV ni un XLSX (extension .csv ou .xlsx)."]


def test_a_damaged_xlsx_file_gets_a_french_message(scope_a, cpip):
    report = run_import(b"not a zip file", "parcours.xlsx", user=cpip)

    assert texts(report) == ["Le fichier XLSX ne peut pas être lu : enregistrez-le à nouveau depuis votre tableur."]


def test_a_header_without_rows_is_reported(scope_a, cpip):
    report = run_import(csv_file([]), "parcours.csv", user=cpip)

    assert texts(report) == ["Le fichier ne contient aucune ligne de données sous l'en-tête."]


# --- Errors, each with its line and column ---------------------------------------------------------------------


def test_a_missing_required_column_is_named(scope_a, cpip):
    columns = [c for c in BASE_COLUMNS if c != "date_session"]

    report = run_import(csv_file([row()], columns=columns), "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 1 : la colonne obligatoire « date_session » est absente de l'en-tête."]


def test_an_unknown_programme_is_reported_on_its_line(scope_a, cpip):
    report = run_import(csv_file([row(), row(programme="INCONNU-9", numero_ecrou="2")]), "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 3, colonne programme : programme « INCONNU-9 » inconnu."]


def test_a_programme_of_another_scope_gets_the_same_answer_as_an_unknown_one(scope_a, scope_b, cpip):
    report = run_import(csv_file([row(programme="BRAVO-1")]), "parcours.csv", user=cpip, wet_run=True)

    assert texts(report) == ["Ligne 2, colonne programme : programme « BRAVO-1 » inconnu."]
    assert Participant.objects.count() == 0


def test_the_command_line_without_a_user_acts_for_every_programme(scope_a, scope_b):
    report = run_import(csv_file([row(programme="BRAVO-1")]), "parcours.csv", wet_run=True)

    assert report["errors"] == []
    assert Pathway.objects.get().programme == scope_b.programme
    assert PathwayLog.objects.get().by_label == "Import en ligne de commande"


@pytest.mark.parametrize(("value", "message"), [
    ("31/02/2024", "la date « 31/02/2024 » n'existe pas."),
    ("2024-13-01", "la date « 2024-13-01 » n'existe pas."),
    ("bientôt", "« bientôt » n'est pas une date : écrivez JJ/MM/AAAA ou AAAA-MM-JJ."),
    ("3 février", "« 3 février » n'est pas une date : écrivez JJ/MM/AAAA ou AAAA-MM-JJ."),
])
def test_a_bad_date_is_reported_with_its_line_and_column(scope_a, cpip, value, message):
    report = run_import(csv_file([row(), person(1, date_entree=value)]), "parcours.csv", user=cpip)

    assert texts(report) == [f"Ligne 3, colonne date_entree : {message}"]


def test_a_date_in_the_future_is_refused(scope_a, cpip):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    report = run_import(csv_file([row(date_entree=tomorrow.strftime("%d/%m/%Y"))]), "parcours.csv", user=cpip)

    assert texts(report) == [f"Ligne 2, colonne date_entree : l'entrée en atelier ne peut pas être dans le futur "
                             f"({tomorrow:%d/%m/%Y})."]


def test_an_entry_without_selection_is_refused(scope_a, cpip):
    report = run_import(csv_file([row(decision_session="non_retenu", date_entree="03/02/2025")]), "parcours.csv",
                        user=cpip)

    assert texts(report) == ["Ligne 2, colonne date_entree : une entrée en atelier suppose la décision « retenu » "
                             "(ici « non_retenu ») : pas d'entrée sans sélection."]


def test_an_entry_before_the_session_is_refused(scope_a, cpip):
    report = run_import(csv_file([row(date_entree="03/01/2025")]), "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 2, colonne date_entree : l'entrée en atelier (03/01/2025) ne peut pas précéder "
                             "la commission de sélection (06/01/2025)."]


def test_an_exit_before_the_entry_is_refused(scope_a, cpip):
    data = csv_file([row(date_entree="03/03/2025", date_sortie="01/02/2025", motif_sortie="demission",
                         situation_sortie="autre_sortie")])

    report = run_import(data, "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 2, colonne date_sortie : la sortie (01/02/2025) ne peut pas précéder l'entrée "
                             "en atelier (03/03/2025)."]


def test_an_exit_needs_an_entry_a_reason_and_an_outcome(scope_a, cpip):
    data = csv_file([
        person(1, date_sortie="30/06/2025", motif_sortie="demission", situation_sortie="autre_sortie"),
        person(2, date_entree="03/02/2025", date_sortie="30/06/2025"),
        person(3, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine"),
        person(4, date_entree="03/02/2025", motif_sortie="demission"),
    ])

    report = run_import(data, "parcours.csv", user=cpip)

    assert texts(report) == [
        "Ligne 2, colonne date_sortie : une sortie suppose une entrée en atelier : date_entree est vide.",
        "Ligne 3, colonne motif_sortie : indiquez le motif de sortie.",
        "Ligne 3, colonne situation_sortie : indiquez la situation à la sortie.",
        "Ligne 4, colonne situation_sortie : indiquez la situation à la sortie.",
        "Ligne 5, colonne motif_sortie : cette colonne ne se remplit que pour une sortie : date_sortie est vide.",
    ]


@pytest.mark.parametrize(("column", "value", "message"), [
    ("decision_session", "peut-être", "« peut-être » n'est pas une valeur possible : retenu, non_retenu ou desiste."),
    ("sexe", "X", "« X » n'est pas une valeur possible : F ou M."),
    ("rsa", "parfois", "« parfois » n'est pas une valeur possible : oui ou non."),
    ("niveau_formation", "bac", "« bac » n'est pas une valeur possible : sans_diplome, 3, 4, 5 ou 6."),
    ("pmsmp", "deux", "« deux » n'est pas un nombre entier positif ou nul."),
    ("nom", "", "cette cellule est obligatoire et elle est vide."),
    ("numero_ecrou", "--", "le numéro d'écrou doit contenir au moins une lettre ou un chiffre."),
    ("date_naissance", "01/01/1900", "la date de naissance 01/01/1900 donne un âge de "),
])
def test_a_value_outside_the_format_is_reported_in_french(scope_a, cpip, column, value, message):
    report = run_import(csv_file([row(**{column: value})]), "parcours.csv", user=cpip)

    assert len(report["errors"]) == 1
    assert texts(report)[0].startswith(f"Ligne 2, colonne {column} : {message}")


def test_the_same_ecrou_for_two_different_people_is_an_error_on_both_lines(scope_a, cpip):
    data = csv_file([
        row(numero_ecrou="1001", date_naissance="12/04/1990"),
        person(1),
        row(numero_ecrou="001-001", nom="Durand", prenom="Léa", date_naissance="01/02/1995", sexe="F"),
    ])

    report = run_import(data, "parcours.csv", user=cpip)

    assert texts(report) == [
        "Ligne 2, colonne numero_ecrou : le numéro d'écrou « 001-001 » désigne une autre personne ligne 4 (nom, "
        "prénom ou date de naissance différents) : un numéro d'écrou ne désigne qu'une personne par établissement.",
        "Ligne 4, colonne numero_ecrou : le numéro d'écrou « 001-001 » désigne une autre personne ligne 2 (nom, "
        "prénom ou date de naissance différents) : un numéro d'écrou ne désigne qu'une personne par établissement.",
    ]


def test_the_same_person_on_two_lines_is_one_participant_with_two_pathways(scope_a, cpip):
    data = csv_file([
        row(date_session="06/01/2025", decision_session="non_retenu"),
        row(numero_ecrou="001001", nom="MARTIN", date_session="03/03/2025"),
    ])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert Participant.objects.count() == 1
    assert Pathway.objects.count() == 2
    assert RecruitmentSession.objects.count() == 2


def test_two_open_pathways_of_one_person_in_one_programme_are_refused(scope_a, cpip):
    data = csv_file([row(date_session="06/01/2025"), row(date_session="03/03/2025")])

    report = run_import(data, "parcours.csv", user=cpip)

    assert texts(report) == [
        "Ligne 2 : cette personne aurait deux parcours en cours dans ce programme (ligne 3) : un seul parcours peut "
        "être en cours.",
        "Ligne 3 : cette personne aurait deux parcours en cours dans ce programme (ligne 2) : un seul parcours peut "
        "être en cours.",
    ]


def test_an_open_pathway_already_recorded_in_another_session_is_taken_into_account(scope_a, cpip):
    participant = ParticipantFactory(establishment=scope_a.establishment, ecrou="1001",
                                     birth_date=datetime.date(1990, 4, 12))
    selected_pathway(programme=scope_a.programme, participant=participant)

    report = run_import(csv_file([row(date_session="01/12/2025")]), "parcours.csv", user=cpip)

    assert len(report["errors"]) == 1
    assert "cette personne aurait deux parcours en cours dans ce programme (parcours de la session du" in \
        texts(report)[0]


def test_the_same_pathway_twice_in_the_file_is_reported(scope_a, cpip):
    report = run_import(csv_file([row(), row()]), "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 3 : ce parcours (même personne, même programme, même session) figure déjà "
                             "ligne 2."]


def test_an_ecrou_already_worn_by_someone_else_in_the_establishment_is_refused(scope_a, cpip):
    ParticipantFactory(establishment=scope_a.establishment, ecrou="1001", birth_date=datetime.date(1985, 1, 1))

    report = run_import(csv_file([row()]), "parcours.csv", user=cpip)

    assert texts(report) == ["Ligne 2, colonne numero_ecrou : une personne présente dans cet établissement porte "
                             "déjà le numéro d'écrou « 1001 », avec une autre date de naissance : vérifiez le numéro "
                             "ou la date de naissance."]


def test_every_error_of_the_file_is_listed(scope_a, cpip):
    data = csv_file([person(n, date_entree="31/02/2025") for n in range(1, 41)] + [row(programme="NOPE")])

    report = run_import(data, "parcours.csv", user=cpip)

    assert report["error_count"] == 41
    assert [error["line"] for error in report["errors"]] == list(range(2, 43))


# --- All or nothing, dry run, re-import ----------------------------------------------------------------------


def test_one_bad_row_at_the_end_and_nothing_is_written(scope_a, cpip):
    data = csv_file([person(n, date_entree="03/02/2025") for n in range(1, 300)] + [person(300, sexe="?")])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert texts(report) == ["Ligne 301, colonne sexe : « ? » n'est pas une valeur possible : F ou M."]
    assert report["written"] is False
    assert Participant.objects.count() == RecruitmentSession.objects.count() == Pathway.objects.count() == 0
    assert PathwayLog.objects.count() == 0


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(scope_a, cpip):
    data = csv_file([person(n) for n in range(1, 6)])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=False)

    assert report["errors"] == []
    assert report["written"] is False
    assert report["counts"]["pathways"] == {"created": 5, "updated": 0, "unchanged": 0}
    assert report["counts"]["sessions"]["created"] == 1
    assert Participant.objects.count() == RecruitmentSession.objects.count() == Pathway.objects.count() == 0


def test_importing_the_same_file_again_changes_nothing(scope_a, cpip):
    data = csv_file([
        person(1, decision_session="non_retenu"),
        person(2, date_entree="03/02/2025", heures_travaillees="120", rsa="oui"),
        person(3, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine",
               situation_sortie="emploi_transition", type_contrat="cdd", duree_contrat_mois="4"),
        person(4, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="transfert"),
    ])
    run_import(data, "parcours.csv", user=cpip, wet_run=True)
    before = db_snapshot()

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert report["counts"] == {"participants": {"created": 0, "updated": 0, "unchanged": 4},
                                "sessions": {"created": 0, "updated": 0, "unchanged": 1},
                                "pathways": {"created": 0, "updated": 0, "unchanged": 4}}
    assert db_snapshot() == before


def test_a_changed_row_updates_its_pathway_and_logs_the_import(scope_a, cpip):
    run_import(csv_file([person(1, date_entree="03/02/2025"), person(2)]), "parcours.csv", user=cpip, wet_run=True)
    pathway = Pathway.objects.get(participant__last_name="Nom1")

    report = run_import(csv_file([
        person(1, date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="liberation_fin_de_peine",
               situation_sortie="emploi_durable", type_contrat="cdi"),
        person(2),
    ]), "parcours.csv", user=cpip, wet_run=True)

    assert report["counts"]["pathways"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert report["counts"]["participants"] == {"created": 0, "updated": 1, "unchanged": 1}  # the stay ended
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.EXITED
    assert (pathway.exit_on, pathway.exit_reason) == (datetime.date(2025, 6, 30), ExitReason.RELEASE_END_OF_SENTENCE)
    assert pathway.version == 2
    assert pathway.participant.stay_ended_on == datetime.date(2025, 6, 30)
    last = pathway.log.order_by("-at", "-pk").first()
    assert (last.transition, last.from_status, last.to_status) == (
        Transition.IMPORT, PathwayStatus.IN_WORKSHOP, PathwayStatus.EXITED)


def test_an_empty_optional_cell_keeps_what_is_recorded(scope_a, cpip):
    run_import(csv_file([row(rsa="oui", heures_travaillees="40", date_entree="03/02/2025")]), "parcours.csv",
               user=cpip, wet_run=True)

    report = run_import(csv_file([row()]), "parcours.csv", user=cpip, wet_run=True)

    assert report["counts"]["pathways"]["unchanged"] == 1
    pathway = Pathway.objects.get()
    assert pathway.participant.rsa is True
    assert pathway.imported_hours_worked == Decimal("40.0")
    assert pathway.status == PathwayStatus.IN_WORKSHOP


def test_a_pathway_recorded_in_the_application_is_matched_and_moved_on(scope_a, cpip):
    pathway = pathway_in_workshop(by=cpip, programme=scope_a.programme,
                                  participant=ParticipantFactory(establishment=scope_a.establishment, ecrou="A-12",
                                                                 last_name="Bernard", first_names="Luc",
                                                                 birth_date=datetime.date(1988, 8, 8)))
    start, session_date = pathway.contract_start, pathway.session.date
    data = csv_file([row(numero_ecrou="a12", nom="BERNARD", prenom="Luc", date_naissance="08/08/1988",
                         date_session=f"{session_date:%d/%m/%Y}", date_entree=f"{start:%d/%m/%Y}",
                         date_sortie=f"{start + datetime.timedelta(days=30):%d/%m/%Y}", motif_sortie="sante")])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert report["counts"]["pathways"] == {"created": 0, "updated": 1, "unchanged": 0}
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.EXITED
    assert pathway.outcome == Outcome.NEUTRALISED
    assert pathway.hours_per_week == Decimal("24")  # what the import does not carry stays
    assert pathway.participant.last_name == "Bernard"  # same name written otherwise: left as recorded


def test_an_exit_of_a_suspended_pathway_closes_its_suspension(scope_a, cpip):
    from participants import services
    from participants.enums import SuspensionReason

    pathway = pathway_in_workshop(by=cpip, programme=scope_a.programme,
                                  participant=ParticipantFactory(establishment=scope_a.establishment, ecrou="77",
                                                                 birth_date=datetime.date(1990, 4, 12)))
    suspended_on = pathway.contract_start + datetime.timedelta(days=10)
    services.pathway_suspend(pathway=pathway, start=suspended_on, reason=SuspensionReason.SUPPLY, by=cpip)
    exit_on = suspended_on + datetime.timedelta(days=5)
    data = csv_file([row(numero_ecrou="77", nom=pathway.participant.last_name, prenom="Camille",
                         date_session=f"{pathway.session.date:%d/%m/%Y}",
                         date_sortie=f"{exit_on:%d/%m/%Y}", motif_sortie="rupture", situation_sortie="autre_sortie")])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert report["errors"] == []
    assert Suspension.objects.get(pathway=pathway).end == exit_on


def test_a_recorded_entry_forbids_a_decision_other_than_retenu(scope_a, cpip):
    pathway = pathway_in_workshop(by=cpip, programme=scope_a.programme,
                                  participant=ParticipantFactory(establishment=scope_a.establishment, ecrou="88",
                                                                 birth_date=datetime.date(1990, 4, 12)))
    data = csv_file([row(numero_ecrou="88", nom=pathway.participant.last_name, prenom="Camille",
                         date_session=f"{pathway.session.date:%d/%m/%Y}", decision_session="desiste")])

    report = run_import(data, "parcours.csv", user=cpip, wet_run=True)

    assert texts(report) == [f"Ligne 2, colonne decision_session : le parcours est entré en atelier le "
                             f"{pathway.contract_start:%d/%m/%Y} selon l'application : la décision ne peut pas être "
                             f"« desiste »."]


def test_data_changed_between_the_check_and_the_write_stops_the_import(scope_a, cpip, monkeypatch):
    run_import(csv_file([row()]), "parcours.csv", user=cpip, wet_run=True)
    pathway = Pathway.objects.get()
    real_write = importing.Importer.write

    def write_after_someone_saved(self, by_label):
        Pathway.objects.filter(pk=pathway.pk).update(version=9)  # another user saved meanwhile
        return real_write(self, by_label)

    monkeypatch.setattr(importing.Importer, "write", write_after_someone_saved)

    report = run_import(csv_file([row(date_entree="03/02/2025")]), "parcours.csv", user=cpip, wet_run=True)

    assert report["written"] is False
    assert "ont été modifiés dans l'application pendant l'import : rien n'a été importé" in texts(report)[0]
    pathway.refresh_from_db()
    assert pathway.status == PathwayStatus.SELECTED


# --- Size and speed -------------------------------------------------------------------------------------------


def test_the_check_makes_the_same_few_queries_for_10_or_200_rows(scope_a, cpip, django_assert_max_num_queries):
    # programmes, sessions, participants, pathways (with their session), open suspensions, implantation contracts
    for count in (10, 200):
        with django_assert_max_num_queries(6):
            report = run_import(csv_file([person(n) for n in range(count)]), "parcours.csv", user=cpip)
        assert report["counts"]["pathways"]["created"] == count


def test_a_file_of_10000_rows_imports(scope_a, cpip):
    rows = []
    for n in range(10_000):
        if n % 4 == 0:
            rows.append(person(n, decision_session="non_retenu"))
        elif n % 4 == 1:
            rows.append(person(n, date_entree="03/02/2025", heures_travaillees="150"))
        elif n % 4 == 2:
            rows.append(person(n, date_entree="03/02/2025", date_sortie="30/06/2025",
                               motif_sortie="retour_detention_ordinaire",
               motif_retour="a_sa_demande"))
        else:
            rows.append(person(n, date_session="03/03/2025"))
    progress = []

    report = run_import(csv_file(rows), "parcours.csv", user=cpip, wet_run=True,
                        on_progress=lambda done, total: progress.append(done))

    assert report["errors"] == []
    assert report["counts"]["pathways"]["created"] == 10_000
    assert Pathway.objects.count() == Participant.objects.count() == 10_000
    # One import row per pathway, and for the 5,000 entries the classification and assignment reconstituted.
    assert PathwayLog.objects.filter(transition=Transition.IMPORT).count() == 10_000
    assert PathwayLog.objects.filter(reconstituted=True).count() == 10_000
    assert Pathway.objects.filter(status=PathwayStatus.EXITED).count() == 2_500
    assert progress[0] == 0 and progress[-1] == 10_000 and 5_000 in progress


def test_the_report_is_plain_json(scope_a, cpip):
    import json

    data = csv_file([row(date_entree="03/02/2025", date_sortie="30/06/2025", motif_sortie="transfert"),
                     person(1, sexe="?")])

    report = run_import(data, "parcours.csv", user=cpip)

    assert json.loads(json.dumps(report)) == report
    assert report["preview"][0]["outcome"] == "Sortie neutralisée"


def test_the_preview_marks_every_line_with_an_error_and_shows_unreadable_cells_as_written(scope_a, cpip):
    data = csv_file([row(), row(numero_ecrou="2", nom="Deux", date_naissance="31/02/1990"),
                     row(nom="Autre", date_naissance="01/01/1980", date_session="03/03/2025"), person(2)])

    report = run_import(data, "parcours.csv", user=cpip)

    assert [line["action"] for line in report["preview"]] == ["error", "error", "error", "created"]
    assert report["preview"][0]["status"] == ""  # line 2 is clean, but line 4 gives its écrou to someone else
    assert report["preview"][1]["birth_date"] == "31/02/1990"
    assert report["preview"][3]["status"] == "Retenu·e"
