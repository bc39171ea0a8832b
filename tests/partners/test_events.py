"""Regional events (the 2021 Tour de France): regions and co-organisers from the user's scope, projects at
the emergence stage only, the list (filters, pages, exports, queries) and the scope."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from partners.models import Event
from programmes.models import Region
from tests.accounts.pages import page_text
from tests.partners.steering_factories import EventFactory
from tests.programmes.factories import ProgrammeFactory
from tests.programmes.test_list_queries import PAGE_FRAME

pytestmark = pytest.mark.django_db

EVENTS = reverse("partners:event_list")
CREATE = reverse("partners:event_create")


def region(code):
    return Region.objects.get(code=code)


def emerging(scope, code="ALPHA-EMERGENCE"):
    return ProgrammeFactory(code=code, siae=scope.siae, establishment=scope.establishment, stage="EMERGENCE")


def event_data(**overrides) -> dict:
    data = {"title": "Tour de France de l'IAE en détention — Paris", "date": "2021-03-30", "regions": ["11"],
            "co_organisers": [], "programme_items": "Ouverture\nPrésentation du guide\nTémoignages",
            "replay_url": "https://app.livestorm.co/atigip/paris", "projects": []}
    return {**data, **overrides}


def test_event_is_recorded_with_regions_co_organisers_and_projects(client_as, scope_a):
    project = emerging(scope_a)
    disp, dreets = scope_a.organisations["disp"], scope_a.organisations["dreets"]

    response = client_as("DREETS_STAFF_A").post(CREATE, event_data(co_organisers=[disp.pk, dreets.pk],
                                                                    projects=[project.pk]))

    event = Event.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert list(event.regions.all()) == [region("11")]
    assert set(event.co_organisers.all()) == {disp, dreets}
    assert list(event.projects.all()) == [project]


def test_a_programme_past_the_emergence_stage_is_refused_in_french(client_as, scope_a):
    scope_a.programme.stage = "MISE_EN_OEUVRE"
    scope_a.programme.save()

    response = client_as("DISP_STAFF_A").post(CREATE, event_data(projects=[scope_a.programme.pk]))

    assert response.status_code == 200
    assert "Seuls les programmes au stade Émergence de votre périmètre peuvent être rattachés" in page_text(response)
    assert not Event.objects.exists()


def test_a_programme_of_another_scope_is_refused(client_as, scope_a, scope_b):
    response = client_as("DISP_STAFF_A").post(CREATE, event_data(projects=[emerging(scope_b, "BRAVO-EM").pk]))

    assert "Seuls les programmes au stade Émergence" in page_text(response)
    assert not Event.objects.exists()


def test_co_organiser_of_another_scope_is_refused(client_as, scope_a, scope_b):
    response = client_as("DISP_STAFF_A").post(CREATE, event_data(co_organisers=[scope_b.organisations["disp"].pk]))

    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("regions", [], "Choisissez au moins une région."),
        ("regions", ["44"], "Sélectionnez un choix valide"),  # Grand Est is not scope A's
        ("replay_url", "pas une adresse", "Saisissez une URL valide."),
        ("title", "", "Ce champ est obligatoire."),
    ],
)
def test_event_with_bad_input_is_refused_in_french(client_as, scope_a, field, value, message):
    response = client_as("DREETS_STAFF_A").post(CREATE, event_data(**{field: value}))

    assert response.status_code == 200
    assert message in page_text(response)
    assert not Event.objects.exists()


def test_a_project_linked_at_emergence_stays_linked_once_it_has_moved_on(client_as, scope_a):
    project = emerging(scope_a)
    event = EventFactory(regions=[region("11")])
    event.projects.set([project])
    project.stage = "INSTRUCTION"
    project.save()

    response = client_as("DISP_STAFF_A").post(reverse("partners:event_update", args=[event.pk]),
                                              event_data(projects=[project.pk]))

    assert response.status_code == 302
    assert list(event.projects.all()) == [project]


def test_editing_keeps_the_regions_the_user_does_not_see(client_as, scope_a):
    event = EventFactory(regions=[region("11"), region("44")])

    client_as("DREETS_STAFF_A").post(reverse("partners:event_update", args=[event.pk]), event_data(regions=["11"]))

    assert set(event.regions.values_list("code", flat=True)) == {"11", "44"}


def test_event_page_shows_regions_co_organisers_programme_replay_and_projects(client_as, scope_a):
    event = EventFactory(title="Étape de Paris", regions=[region("11")], programme_items="Ouverture\nTémoignages",
                         replay_url="https://app.livestorm.co/atigip/paris")
    event.co_organisers.set([scope_a.organisations["disp"]])
    event.projects.set([emerging(scope_a)])

    text = page_text(client_as("CPIP_A").get(event.get_absolute_url()))

    assert "Île-de-France" in text and "DISP Alpha" in text
    assert "<li>Témoignages</li>" in text
    assert 'href="https://app.livestorm.co/atigip/paris"' in text
    assert "ALPHA-EMERGENCE" in text


def test_persona_of_another_region_gets_404_on_an_event(client_as, scope_a, scope_b):
    event = EventFactory(regions=[region("11")])

    assert client_as("DREETS_STAFF_B").get(event.get_absolute_url()).status_code == 404
    assert client_as("NATIONAL").get(event.get_absolute_url()).status_code == 200


def test_list_filters_by_region_and_year(client_as, scope_a):
    paris = EventFactory(title="Paris 2021", regions=[region("11")], date=datetime.date(2021, 3, 30))
    strasbourg = EventFactory(title="Strasbourg 2021", regions=[region("44")], date=datetime.date(2021, 4, 15))
    later = EventFactory(title="Paris 2023", regions=[region("11")], date=datetime.date(2023, 5, 1))
    client = client_as("NATIONAL")

    def listed(**filters):
        return set(client.get(EVENTS, filters).context["object_list"])

    assert listed(region="11") == {paris, later}
    assert listed(year="2021") == {paris, strasbourg}
    assert listed(region="44", year="2021") == {strasbourg}
    assert {e.title for e in client_as("DISP_STAFF_A").get(EVENTS).context["object_list"]} == {"Paris 2021",
                                                                                               "Paris 2023"}


def test_list_shows_20_events_then_the_rest_on_page_2(client_as, scope_a):
    for day in range(1, 24):
        EventFactory(title=f"Étape {day:02d}", regions=[region("11")], date=datetime.date(2021, 3, day))
    client = client_as("DISP_STAFF_A")

    first, second = page_text(client.get(EVENTS)), page_text(client.get(EVENTS, {"page": 2}))

    assert "Étape 20" in first and "Étape 21" not in first
    assert "Étape 21" in second and "Page 2 sur 2" in second


@pytest.mark.parametrize("rows", [3, 25])
def test_list_query_count_does_not_grow_with_rows(client_as, scope_a, rows, django_assert_num_queries):
    for _ in range(rows):
        event = EventFactory(regions=[region("11"), region("44")])
        event.co_organisers.set([scope_a.organisations["disp"], scope_a.organisations["dreets"]])
    client = client_as("DREETS_STAFF_A")

    # + regions offered by the filter form
    # + COUNT of the events in scope (paginator)
    # + one page of events, with the number of projects annotated
    # + their regions, + their co-organisers (two prefetches)
    with django_assert_num_queries(PAGE_FRAME + 5):
        response = client.get(EVENTS)

    assert response.context["paginator"].count == rows


def test_exports_re_read_with_formulas_neutralised(client_as, scope_a):
    event = EventFactory(title="=1+1", regions=[region("11")], date=datetime.date(2021, 3, 30))
    event.co_organisers.set([scope_a.organisations["disp"]])
    event.projects.set([emerging(scope_a)])
    EventFactory(title="Ailleurs", regions=[region("44")])
    client = client_as("NATIONAL")

    csv_rows = list(csv.reader(io.StringIO(client.get(EVENTS, {"format": "csv", "region": "11"}).content
                                           .decode("utf-8-sig")), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(EVENTS, {"format": "xlsx", "region": "11"}).content)).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))

    assert csv_rows == [["Date", "Intitulé", "Régions", "Co-organisateurs", "Lien du replay", "Projets issus"],
                        ["30/03/2021", "'=1+1", "Île-de-France", "DISP Alpha", "", "1"]]
    assert xlsx_rows[1] == (datetime.datetime(2021, 3, 30), "'=1+1", "Île-de-France", "DISP Alpha", None, 1)
