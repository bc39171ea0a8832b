"""python manage.py import_pathways FILE [--wet-run] [--by USERNAME]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from participants.models import Participant, Pathway, PathwayLog
from tests.participants.test_import import csv_file, person, row


def run(*args) -> str:
    out = StringIO()
    call_command("import_pathways", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def good_file(tmp_path, scope_a):
    path = tmp_path / "parcours.csv"
    path.write_bytes(csv_file([person(1), person(2, date_entree="03/02/2025"), person(3, decision_session="desiste")]))
    return path


def test_without_wet_run_the_command_reports_and_writes_nothing(good_file):
    output = run(str(good_file))

    assert "Fichier : parcours.csv (3 lignes)" in output
    assert "Vérification seule, rien n'a été écrit (ajoutez --wet-run pour importer)" in output
    assert "Parcours                         3         0          0" in output
    assert "Sessions de recrutement          1         0          0" in output
    assert Pathway.objects.count() == Participant.objects.count() == 0


def test_with_wet_run_the_command_imports_and_a_second_run_changes_nothing(good_file):
    first = run(str(good_file), "--wet-run")
    second = run(str(good_file), "--wet-run")

    assert "Import effectué :" in first
    assert "Parcours                         3         0          0" in first
    assert "Parcours                         0         0          3" in second
    assert Pathway.objects.count() == 3
    assert set(PathwayLog.objects.values_list("by_label", flat=True)) == {"Import en ligne de commande"}


def test_errors_are_all_printed_and_the_command_fails_with_a_french_message(tmp_path, scope_a):
    path = tmp_path / "parcours.csv"
    path.write_bytes(csv_file([row(), person(1, date_entree="31/02/2025"), person(2, programme="ZZZ")]))
    out = StringIO()

    with pytest.raises(CommandError, match="^2 erreurs dans le fichier : rien n'a été importé.$"):
        call_command("import_pathways", str(path), "--wet-run", stdout=out)

    assert "Ligne 3, colonne date_entree : la date « 31/02/2025 » n'existe pas." in out.getvalue()
    assert "Ligne 4, colonne programme : programme « ZZZ » inconnu." in out.getvalue()
    assert Pathway.objects.count() == 0


def test_by_a_user_limits_the_import_to_their_programmes_and_logs_their_name(tmp_path, scope_a, scope_b, personas):
    path = tmp_path / "parcours.csv"
    path.write_bytes(csv_file([row(), person(1, programme="BRAVO-1")]))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("import_pathways", str(path), "--wet-run", "--by", "cpip_a", stdout=out)
    assert "Ligne 3, colonne programme : programme « BRAVO-1 » inconnu." in out.getvalue()

    path.write_bytes(csv_file([row()]))
    run(str(path), "--wet-run", "--by", "cpip_a")
    assert PathwayLog.objects.get().by == personas["CPIP_A"]


def test_by_a_user_whose_role_may_not_import_is_refused(good_file, personas):
    with pytest.raises(CommandError, match="ne permet pas d'importer des parcours"):
        run(str(good_file), "--by", "siae_staff_a")


def test_an_unknown_user_or_file_is_refused(good_file, db):
    with pytest.raises(CommandError, match="Aucun utilisateur actif « personne »."):
        run(str(good_file), "--by", "personne")
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("/nulle/part.csv")
