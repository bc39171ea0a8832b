"""Find anyone (issue 18, §1): the caseload, the pathways list and the administration find a person by name, first
name or écrou whatever the case, the accents, the spaces, hyphens and apostrophes ("saidi" = "SAÏDI" = "Saïdi";
"jean pierre" = "Jean-Pierre"), through the columns the database keeps (core.search), also for a person the import
writes with its bulk statements; on PostgreSQL (trigram indexes) and on SQLite (make run's database)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.db.models import Value
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from core.search import Fold, fold
from participants.importing import run_import
from participants.models import Participant
from tests.participants.factories import candidacy
from tests.participants.test_caseload import names, search
from tests.participants.test_import import csv_file, row

pytestmark = pytest.mark.django_db

PEOPLE = [("Saïdi", "Amina"), ("N'Diaye", "Jean-Pierre"), ("Lê", "Văn Thành"), ("Lefèvre", "Hélène"),
          ("Durand", "Paul")]
FOUND = {
    "saidi": ["Saïdi"], "SAÏDI": ["Saïdi"], "Saïdi": ["Saïdi"], "SAIDI": ["Saïdi"], "saïdi amina": ["Saïdi"],
    "jean pierre": ["N'Diaye"], "JEAN-PIERRE": ["N'Diaye"], "ndiaye": ["N'Diaye"], "n’diaye": ["N'Diaye"],
    "N DIAYE": ["N'Diaye"], "van thanh": ["Lê"], "LE": ["Lê", "Lefèvre"], "lefevre helene": ["Lefèvre"],
    "HÉLÈNE": ["Lefèvre"], "paul durand": ["Durand"], "amina durand": [],
}


@pytest.fixture
def people(scope_a):
    for last_name, first_names in PEOPLE:
        candidacy(scope_a.programme, participant__last_name=last_name, participant__first_names=first_names)


@pytest.mark.parametrize(("term", "expected"), FOUND.items())
def test_the_caseload_finds_a_person_whatever_the_case_accents_and_hyphens(client_as, people, term, expected):
    assert sorted(names(search(client_as("CPIP_A"), term))) == sorted(expected)


def test_the_pathways_list_finds_them_the_same_way(client_as, people):
    client = client_as("CPIP_A")
    client.post(reverse("participants:pathway_list"), {"q": "saidi"})

    response = client.get(reverse("participants:pathway_list"))

    assert [pathway.participant.last_name for pathway in response.context["object_list"]] == ["Saïdi"]


def test_the_administration_finds_them_the_same_way(client, people):
    administrator = User.objects.create_user(username="admin.search", password="x", role=Role.ADMIN, is_staff=True,
                                             is_superuser=True)
    client.force_login(administrator)

    response = client.get(reverse("admin:participants_participant_changelist"), {"q": "jean pierre"})

    assert [p.last_name for p in response.context["cl"].result_list] == ["N'Diaye"]


def test_a_person_written_by_the_import_is_found_and_a_renaming_follows(scope_a, personas, client_as):
    cpip = personas["CPIP_A"]
    report = run_import(csv_file([row(nom="Benaïssa", prenom="Zoé")]), "parcours.csv", user=cpip, wet_run=True)
    assert report["errors"] == []

    assert names(search(client_as("CPIP_A"), "BENAISSA zoe")) == ["Benaïssa"]
    Participant.objects.filter(last_name="Benaïssa").update(last_name="Ben Aïssa")  # a bulk statement, no save()
    assert Participant.objects.get().search_last_name == "benaissa"


SAMPLES = ["ÀÉÎÕÜ àéîõü", "Ñúñez", "Œdipe Æsir", "Łukasz Đorđe", "Saint-Exupéry", "d’Artagnan", "Ÿvonne", "ß"]


def test_the_python_and_the_database_fold_alike(people):
    """The term (Python) and the column (the database) follow the same table of letters."""
    for sample in SAMPLES:
        assert Participant.objects.annotate(f=Fold(Value(sample))).values_list("f", flat=True)[0] == fold(sample)


def test_the_trigram_indexes_serve_the_search_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'participants_participant'")
        indexes = {name for (name,) in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM participants_participant WHERE search_last_name LIKE '%%saidi%%'")
        plan = " ".join(line for (line,) in cursor.fetchall())
    assert {"participant_search_last_name_trgm", "participant_search_first_names_trgm"} <= indexes
    assert "participant_search_last_name_trgm" in plan


SQLITE_SCRIPT = """
import json
from participants.models import Participant
from participants.selectors import person_match
from tests.participants.factories import ParticipantFactory
for last, first in [("Saïdi", "Amina"), ("N'Diaye", "Jean-Pierre"), ("Durand", "Paul")]:
    ParticipantFactory(last_name=last, first_names=first)
found = {term: sorted(Participant.objects.filter(person_match(term)).values_list("last_name", flat=True))
         for term in ("saidi", "SAÏDI", "jean pierre", "ÉLODIE")}
print(json.dumps(found))
"""


def test_on_sqlite_the_database_folds_with_the_same_function(tmp_path):
    """make run's database: the columns are added by the migrations and kept by SQLite (core.search's function)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, timeout=300)
    done = subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", SQLITE_SCRIPT], env=env, check=True,
                          capture_output=True, text=True, timeout=120)

    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "saidi": ["Saïdi"], "SAÏDI": ["Saïdi"], "jean pierre": ["N'Diaye"], "ÉLODIE": []}
