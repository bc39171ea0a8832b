"""The dashboard pages (issue 6, section 2): who opens which, where each role lands, the figures they read, the
filters (period, SIAE kind, level listed, sort), the small cells, and a query count that does not grow.

The first tests build their own data with the factories; the last ones read the demo (the Meaux programme), loaded
once for the module (tests/demo.py) after them.
"""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from dashboards import periods
from participants import services
from participants.enums import ExitReason, Outcome, SessionDecision
from programmes.models import Department, Establishment
from tests.accounts.factories import UserFactory
from tests.accounts.personas import PERSONAS
from tests.demo import demo_for_module
from tests.participants.factories import PathwayFactory, enter_workshop, session_of
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory

from .matrix_dashboards import LEVEL_READERS, level_key

pytestmark = pytest.mark.django_db

LANDING = reverse("dashboards:landing")
MEAUX_PERIOD = {"du": "2017-06-01", "au": "2018-03-31"}
SECRET = "secret statistique : moins de 5 personnes"


# --- Reading a dashboard page as a user does -----------------------------------------------------------------


def _text(fragment: str) -> str:
    """Visible text: tags and screen-reader-only spans removed, entities decoded, spaces collapsed."""
    fragment = re.sub(r'<span class="fr-sr-only">.*?</span>', "", fragment, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\xa0", " ").split())


def visible_text(response) -> str:
    return _text(response.content.decode())


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables, self.table, self.row, self.cell, self.caption = {}, None, None, None, None
        self.hidden_depth = 0  # inside a screen-reader-only span

    def handle_starttag(self, tag, attrs):
        if self.hidden_depth:
            self.hidden_depth += tag == "span"
            return
        if tag == "span" and "fr-sr-only" in (dict(attrs).get("class") or ""):
            self.hidden_depth = 1
        elif tag == "table":
            self.table = []
        elif tag == "caption":
            self.caption = ""
        elif tag == "tr" and self.table is not None:
            self.row = []
        elif tag in ("th", "td") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if self.hidden_depth:
            self.hidden_depth -= tag == "span"
            return
        if tag == "caption":
            self.caption_text, self.caption = " ".join(self.caption.split()), None
        elif tag in ("th", "td") and self.cell is not None:
            self.row.append(" ".join(self.cell.replace("\xa0", " ").split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            self.tables[self.caption_text] = self.table
            self.table = None

    def handle_data(self, data):
        if self.hidden_depth:
            return
        if self.caption is not None:
            self.caption += data
        elif self.cell is not None:
            self.cell += data


def page_tables(response) -> dict[str, list[list[str]]]:
    """Each table of the page by its caption: its rows of cell texts, the header row first."""
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def key_figures(response) -> dict[str, str]:
    """The key figure tiles: label -> value as shown."""
    content = response.content.decode()
    return {_text(label): _text(value) for value, label in re.findall(
        r'<p class="app-key-figure__value">(.*?)</p><p class="app-key-figure__label">(.*?)</p>', content, re.S)}


def indicator_values(response) -> dict[str, str]:
    """Every line of the indicator tables (one per section): label -> value as shown."""
    values = {}
    for rows in page_tables(response).values():
        if rows and rows[0] == ["Indicateur", "Valeur"]:
            values.update({label: value for label, value in rows[1:]})
    return values


def detail_labels(response) -> list[str]:
    """The first column of the next level's table, in the order shown."""
    table = next(rows for caption, rows in page_tables(response).items() if caption.startswith("Détail par"))
    return [row[0] for row in table[1:]]


def dashboard_url(level: str, key: str = "") -> str:
    return reverse("dashboards:national") if level == "national" else reverse("dashboards:scope", args=[level, key])


def json_url(level: str, key: str = "") -> str:
    return (reverse("dashboards:national_json") if level == "national"
            else reverse("dashboards:scope_json", args=[level, key]))


# --- Data built here: people entering a programme's workshop -----------------------------------------------

SESSION_DAY = datetime.date(2025, 3, 3)
START_DAY = datetime.date(2025, 3, 24)
YEAR_2025 = {"periode": "2025"}


def entrants(programme, count: int, *, exits: int = 0, outcome=Outcome.OTHER) -> None:
    """``count`` people of one session who entered the workshop on START_DAY; the first ``exits`` left in May."""
    session = session_of(programme, SESSION_DAY)
    for index in range(count):
        pathway = PathwayFactory(programme=programme, session=session)
        pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
        pathway = enter_workshop(pathway, START_DAY)  # classified and assigned first (issue 15)
        if index < exits:
            services.pathway_exit(pathway=pathway, on=datetime.date(2025, 5, 2), reason=ExitReason.RESIGNATION,
                                  outcome=outcome, by=None)


@pytest.fixture
def national_client(db):
    client = Client()
    client.force_login(UserFactory(role=Role.NATIONAL))
    return client


@pytest.fixture
def admin_client(db):
    """An administrator reads names: small cells hidden above the programme only (the rule per level)."""
    client = Client()
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


# --- Who opens which dashboard ------------------------------------------------------------------------------


# The JSON of every level goes through the same resolve(): the access matrix (matrix_dashboards.py) checks it for
# every persona; here one persona per answer is enough.
@pytest.mark.parametrize(("persona", "level", "what"), [
    *[(persona, level, "page") for persona in PERSONAS for level in LEVEL_READERS],
    *[(persona, level, "json") for persona in PERSONAS for level in LEVEL_READERS
      if persona.name in ("NATIONAL", "DISP_STAFF_A", "DISP_STAFF_B", "SIAE_DIRECTOR_A", "anonymous")],
], ids=lambda value: getattr(value, "name", value))
def test_each_level_answers_each_persona_as_the_table_says(persona, level, what, scope_a, client_as):
    url = (dashboard_url if what == "page" else json_url)(level, level_key(scope_a, level))

    response = client_as(persona.name).get(url)

    if persona.role is None:
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
    elif persona.scope == "B" or persona.role not in LEVEL_READERS[level]:
        assert response.status_code == 404
        assert "ne fait pas partie de votre périmètre" in visible_text(response)
    else:
        assert response.status_code == 200
        label = {"national": "France entière", "disp": "Direction interrégionale des services pénitentiaires de Paris",
                 "region": "Île-de-France", "department": "Seine-et-Marne", "establishment": "CP Alpha",
                 "siae": "SIAE Alpha", "programme": "ALPHA-1"}[level]
        if what == "page":
            assert label in response.context["title"]
        else:
            assert label in response.json()["scope"]["label"]


def test_a_dashboard_answers_get_only(national_client, scope_a):
    response = national_client.post(dashboard_url("programme", "ALPHA-1"))

    assert response.status_code == 405


def test_spip_serving_two_establishments_chooses_on_the_landing_page(scope_a, client_as):
    second = EstablishmentFactory(name="MA Beta", department_code="77")
    ProgrammeFactory(code="BETA-1", establishment=second)
    spip = OrganisationFactory(kind="SPIP", name="SPIP double", department=scope_a.establishment.department,
                               served_establishments=[scope_a.establishment, second])
    client = Client()
    client.force_login(UserFactory(role=Role.CPIP, organisation=spip))

    response = client.get(LANDING)

    assert response.status_code == 200
    text = visible_text(response)
    assert "Choisissez le tableau de bord à ouvrir." in text
    content = response.content.decode()
    for level, key in [("establishment", scope_a.establishment.pk), ("establishment", second.pk),
                       ("programme", "ALPHA-1"), ("programme", "BETA-1")]:
        assert f'href="{dashboard_url(level, str(key))}"' in content
    assert client.get(dashboard_url("establishment", str(second.pk))).status_code == 200


def test_account_without_any_programme_gets_a_clear_empty_state(db):
    spip = OrganisationFactory(kind="SPIP", name="SPIP sans établissement",
                               department=Department.objects.get(code="77"))
    client = Client()
    client.force_login(UserFactory(role=Role.CPIP, organisation=spip))

    response = client.get(LANDING)

    assert response.status_code == 200
    assert "Aucun tableau de bord" in visible_text(response)


def test_menu_offers_the_dashboards_to_every_signed_in_role(scope_a, client_as):
    menu_link = f'href="{LANDING}"'

    for persona in PERSONAS:
        content = client_as(persona.name).get(reverse("accounts:home"), follow=True).content.decode()
        assert (menu_link in content) == (persona.role is not None), persona.name


# --- Small cells, sorting, SIAE kind, queries (data built here) --------------------------------------------


def test_every_level_shows_the_exact_small_counts_and_says_they_are_internal(admin_client, national_client):
    """Issue 16, §1: no "< 5" inside the administration; the page says the figures are exact and internal."""
    programme = ProgrammeFactory(code="PETIT-1")
    entrants(programme, 3, exits=1)
    establishment_page = admin_client.get(dashboard_url("establishment", str(programme.establishment_id)),
                                          YEAR_2025)
    national_page = national_client.get(dashboard_url("programme", "PETIT-1"), YEAR_2025)

    for page in (establishment_page, admin_client.get(dashboard_url("programme", "PETIT-1"), YEAR_2025),
                 national_page):
        figures = key_figures(page)
        assert (figures["Entrées en atelier"], figures["En parcours à la fin de la période"],
                figures["Sorties du programme"], figures["Taux de sorties dynamiques"]) == ("3", "2", "1", "0,0 %")
        text = visible_text(page)
        assert SECRET not in text and "< 5" not in text
        assert "Chiffres exacts, à usage interne : ne pas diffuser." in text
    assert "0,0 % des 1 sorties hors sorties neutralisées" in visible_text(national_page)
    assert detail_labels(establishment_page) == ["PETIT-1"]


def test_a_rate_without_exits_shows_a_dash_said_non_calculable(national_client):
    programme = ProgrammeFactory(code="SANS-SORTIE")
    entrants(programme, 2)

    response = national_client.get(dashboard_url("programme", "SANS-SORTIE"), YEAR_2025)

    assert key_figures(response)["Taux de sorties dynamiques"] == "—"
    assert 'title="non calculable">—<span class="fr-sr-only"> (non calculable)</span>' in response.content.decode()


@pytest.fixture
def three_programmes(db):
    """One establishment: GRAND with 6 entrants (2 left, "other exit"), PETIT with 2 (1 left for a training),
    VIDE with no one in 2025 (so no exit rate)."""
    establishment = EstablishmentFactory(name="CP Tri")
    entrants(ProgrammeFactory(code="GRAND", establishment=establishment), 6, exits=2)
    ProgrammeFactory(code="VIDE", establishment=establishment)
    entrants(ProgrammeFactory(code="PETIT", establishment=establishment), 2, exits=1, outcome=Outcome.POSITIVE)
    return establishment


@pytest.mark.parametrize(("tri", "order"), [
    ("", ["GRAND", "PETIT", "VIDE"]),  # by name
    ("-label", ["VIDE", "PETIT", "GRAND"]),
    ("-entrants", ["GRAND", "PETIT", "VIDE"]),  # 6, 2, 0: the largest first
    ("entrants", ["VIDE", "PETIT", "GRAND"]),
    ("-rate_dynamic_exits", ["PETIT", "GRAND", "VIDE"]),  # 100 %, 0 %, then "non calculable" last
    ("rate_dynamic_exits", ["GRAND", "PETIT", "VIDE"]),  # "non calculable" still last
])
def test_sorting_the_next_level_changes_its_order(admin_client, three_programmes, tri, order):
    response = admin_client.get(dashboard_url("establishment", str(three_programmes.pk)), {**YEAR_2025, "tri": tri})

    assert detail_labels(response) == order


def test_small_rows_sort_by_their_exact_value(national_client):
    """Interregions: Paris with 6 entrants, Lyon with none in 2025, Marseille with 3 and Strasbourg with 2."""
    entrants(ProgrammeFactory(establishment=EstablishmentFactory(department_code="77")), 6)
    ProgrammeFactory(establishment=EstablishmentFactory(department_code="69"))
    entrants(ProgrammeFactory(establishment=EstablishmentFactory(department_code="13")), 3)
    entrants(ProgrammeFactory(establishment=EstablishmentFactory(department_code="57")), 2)
    paris, lyon, marseille, strasbourg = (f"Direction interrégionale des services pénitentiaires de {city}"
                                          for city in ("Paris", "Lyon", "Marseille", "Strasbourg"))

    largest_first = national_client.get(dashboard_url("national"), {**YEAR_2025, "tri": "-entrants"})
    smallest_first = national_client.get(dashboard_url("national"), {**YEAR_2025, "tri": "entrants"})

    assert detail_labels(largest_first) == [paris, marseille, strasbourg, lyon]
    assert detail_labels(smallest_first) == [lyon, strasbourg, marseille, paris]
    table = page_tables(largest_first)["Détail par direction interrégionale"]
    assert [row[1] for row in table[1:]] == ["6", "3", "2", "0"]


def test_sort_links_keep_the_period_and_turn_the_order_around(national_client, three_programmes):
    url = dashboard_url("establishment", str(three_programmes.pk))

    response = national_client.get(url, {**YEAR_2025, "tri": "-entrants"})

    content = html.unescape(response.content.decode())
    header = re.search(r'<th scope="col"[^>]*aria-sort="descending"[^>]*>.*?</th>', content, re.S).group(0)
    assert "Entrées en atelier" in header
    assert 'href="?periode=2025&tri=entrants#detail"' in header
    assert 'href="?periode=2025&tri=-in_pathway#detail"' in content  # another column: the largest first


def test_an_unknown_sort_is_ignored(national_client, three_programmes):
    response = national_client.get(dashboard_url("establishment", str(three_programmes.pk)),
                                   {**YEAR_2025, "tri": "nom; DROP"})

    assert response.status_code == 200
    assert detail_labels(response) == ["GRAND", "PETIT", "VIDE"]


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, YEAR_2025)
    assert response.status_code == 200
    return len(queries)


def test_query_count_is_the_same_with_one_or_five_programmes(national_client, django_assert_max_num_queries):
    small = EstablishmentFactory(name="CP Un")
    entrants(ProgrammeFactory(establishment=small), 1)
    large = EstablishmentFactory(name="CP Cinq")
    for _ in range(5):
        entrants(ProgrammeFactory(establishment=large), 2, exits=1)
    national_client.get(dashboard_url("establishment", str(small.pk)), YEAR_2025)  # session and user cached

    one = _page_queries(national_client, dashboard_url("establishment", str(small.pk)))
    # 2: session and user; 4: the establishment, then whether the user may open each level above (DISP,
    # region, department) for the breadcrumb; 8: the totals (the scope's programme ids, then sessions, pathways,
    # events, annexes, follow-ups, and the two medians on SQLite); 9: the programmes listed (their labels, then
    # the same 8 queries grouped); 1: cohorts; 2: trends (entries, exits); 1: funding; 2: django-dsfr's site
    # configuration; 3: the session saved (savepoint, update, release).
    with django_assert_max_num_queries(32):
        five = _page_queries(national_client, dashboard_url("establishment", str(large.pk)))

    assert one == five


# --- The demo: where each role lands, the Meaux figures, scope, period, SIAE kind ------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def demo_client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def meaux_establishment() -> Establishment:
    return Establishment.objects.get(name="CP de Meaux-Chauconin")


@pytest.mark.parametrize(("username", "level", "key"), [
    ("national", "national", ""),
    ("admin", "national", ""),
    ("disp.paris", "disp", "DISP_PARIS"),
    ("disp.strasbourg", "disp", "DISP_STRASBOURG"),
    ("dreets.idf", "region", "11"),
    ("siae.ares", "siae", "ARES"),
    ("siae.efic", "siae", "EFIC"),
    ("cpip.meaux", "establishment", "CP de Meaux-Chauconin"),
    ("cpip.metz", "establishment", "CP de Metz"),
])
def test_each_role_lands_on_its_own_scope(demo, username, level, key):
    if level == "siae":
        key = User.objects.get(username=username).organisation.siae.siret
    elif level == "establishment":
        key = str(Establishment.objects.get(name=key).pk)

    response = demo_client(username).get(LANDING, follow=True)

    assert response.redirect_chain == [(dashboard_url(level, key), 302)]
    assert response.status_code == 200


def test_drill_down_from_the_interregion_to_the_programme_keeps_the_period(demo):
    client = demo_client("disp.paris")
    establishment_url = dashboard_url("establishment", str(meaux_establishment().pk))
    programme_url = dashboard_url("programme", "MEAUX-APRES")

    disp_page = client.get(dashboard_url("disp", "DISP_PARIS"), MEAUX_PERIOD)
    establishment_page = client.get(establishment_url, MEAUX_PERIOD)

    assert f'href="{establishment_url}?du=2017-06-01&amp;au=2018-03-31"' in disp_page.content.decode()
    assert detail_labels(disp_page) == ["CP de Meaux-Chauconin"]
    assert f'href="{programme_url}?du=2017-06-01&amp;au=2018-03-31"' in establishment_page.content.decode()
    # The establishment lists its programmes: the seed's, and today's MEAUX-ARES (the demo, issue 15 §4).
    assert detail_labels(establishment_page) == ["MEAUX-APRES", "MEAUX-ARES"]
    # The breadcrumb leads back up, with the period.
    assert f'href="{dashboard_url("disp", "DISP_PARIS")}?du=2017-06-01&amp;au=2018-03-31"' in (
        establishment_page.content.decode())


def test_the_interregion_may_list_its_regions_instead(demo):
    response = demo_client("disp.paris").get(dashboard_url("disp", "DISP_PARIS"), {**MEAUX_PERIOD, "par": "region"})

    assert detail_labels(response) == ["Île-de-France"]
    assert f'href="{dashboard_url("region", "11")}?du=2017-06-01&amp;au=2018-03-31"' in response.content.decode()


def test_meaux_programme_page_reads_the_press_release_figures(demo):
    response = demo_client("disp.paris").get(dashboard_url("programme", "MEAUX-APRES"), MEAUX_PERIOD)

    assert response.status_code == 200
    assert response.context["title"] == "Programme — MEAUX-APRES — Après (Groupe ARES)"
    assert "Du 01/06/2017 au 31/03/2018" in visible_text(response)
    figures = key_figures(response)
    assert (figures["Entrées en atelier"], figures["Retours en détention ordinaire"], figures["Libérations"],
            figures["En parcours à la fin de la période"]) == ("73", "21", "24", "28")
    values = indicator_values(response)
    assert values["Sessions de recrutement"] == "8"
    assert values["Libérations avec un emploi ou une formation"] == "24"
    # 7 durable + 9 transition + 8 positive over 45 exits (none neutralised): 53.3 %; employment 16/45: 35.6 %.
    assert (values["Emploi durable"], values["Emploi de transition"], values["Sortie positive"]) == ("7", "9", "8")
    assert figures["Taux de sorties dynamiques"] == "53,3 %"
    assert values["Taux de sorties dynamiques"] == "53,3 % des 45 sorties hors sorties neutralisées"
    assert values["Taux de sortie vers l'emploi"] == "35,6 % des 45 sorties hors sorties neutralisées"
    # The same outcomes on the releases (domain.md §6.3): 24 of the 24 releases, none neutralised.
    assert figures["Taux de sorties dynamiques à la libération"] == "100,0 %"
    assert values["Taux de sorties dynamiques à la libération"] == (
        "100,0 % des 24 libérations hors sorties neutralisées")
    cohorts = page_tables(response)["Entonnoir par session de recrutement"]
    assert len(cohorts) == 1 + 8  # the header, then the eight sessions
    assert sum(int(row[3]) for row in cohorts[1:]) == 73  # entered the workshop, session by session


@pytest.mark.parametrize("url", [
    lambda: dashboard_url("establishment", str(Establishment.objects.get(name="CP de Metz").pk)),
    lambda: dashboard_url("programme", "METZ-EFIC"),
    lambda: dashboard_url("disp", "DISP_STRASBOURG"),
    lambda: dashboard_url("region", "44"),
    lambda: dashboard_url("national"),
    lambda: json_url("programme", "METZ-EFIC"),
    lambda: json_url("national"),
], ids=["establishment", "programme", "disp", "region", "national", "programme-json", "national-json"])
def test_a_disp_officer_gets_404_outside_their_interregion(demo, url):
    response = demo_client("disp.paris").get(url(), MEAUX_PERIOD)

    assert response.status_code == 404


def test_the_disp_reads_on_the_meaux_establishment_and_programme_what_the_cpip_reads(demo):
    """Issue 16, §1: the same exact figures for the CPIP of Meaux and the DISP officer, at both levels."""
    for username in ("cpip.meaux", "disp.paris"):
        client = demo_client(username)
        for url in (dashboard_url("establishment", str(meaux_establishment().pk)),
                    dashboard_url("programme", "MEAUX-APRES")):
            page = client.get(url, MEAUX_PERIOD)
            # T3 2017: 29 entered the workshop, 4 left (all "other exits").
            trend = page_tables(page)["Entrées, sorties et taux par trimestre"]
            assert trend[2][:3] == ["T3 2017", "29", "4"], (username, url)
            assert SECRET not in visible_text(page)


@pytest.mark.parametrize(("query", "message"), [
    ({"du": "2018-03-31", "au": "2017-06-01"}, "La fin de la période précède son début."),
    ({"du": "2017-06-01"}, "Indiquez les deux dates de la période (début et fin)."),
    ({"du": "01/06/2017", "au": "2018-03-31"}, "La date de début « 01/06/2017 » n'est pas une date valide"),
    ({"periode": "2017-T5"}, "Période « 2017-T5 » non reconnue"),
    ({"trimestre": "2"}, "Choisissez l'année du trimestre."),
])
def test_a_bad_period_says_why_in_french_and_shows_the_default_period(demo, query, message):
    response = demo_client("disp.paris").get(dashboard_url("programme", "MEAUX-APRES"), query)

    assert response.status_code == 200
    text = visible_text(response)
    assert message in text
    default = periods.default_period()
    assert f"La période par défaut est affichée : les douze derniers mois échus, {default.label}." in text
    assert response.context["period"] == response.context["dashboard"].period == default


def test_without_a_period_the_page_shows_the_last_twelve_months_ended(demo):
    response = demo_client("disp.paris").get(dashboard_url("programme", "MEAUX-APRES"))

    first_of_month = timezone.localdate().replace(day=1)
    shown = periods.Period(first_of_month.replace(year=first_of_month.year - 1),
                           first_of_month - datetime.timedelta(days=1))
    assert response.context["period"] == shown
    assert f"Les douze derniers mois échus, {shown.label}" in visible_text(response)
    assert "La période par défaut est affichée" not in visible_text(response)


def test_a_year_and_a_quarter_chosen_in_the_form(demo):
    client = demo_client("disp.paris")

    quarter = client.get(dashboard_url("programme", "MEAUX-APRES"), {"annee": "2017", "trimestre": "4"})
    year = client.get(dashboard_url("programme", "MEAUX-APRES"), {"annee": "2017", "du": "", "au": ""})

    assert "4e trimestre 2017" in visible_text(quarter)
    assert key_figures(quarter)["Entrées en atelier"] == "18"  # the T4 2017 line of the trends
    assert 'href="?periode=2017-T4&amp;format=xlsx&amp;tableau=indicateurs"' in quarter.content.decode()
    assert "Année 2017" in visible_text(year)
    assert key_figures(year)["Entrées en atelier"] == "47"  # 29 in T3 and 18 in T4 (none before June)


def test_the_siae_kind_filter_narrows_the_dashboard(demo):
    client = demo_client("national")

    everything = client.get(dashboard_url("national"), MEAUX_PERIOD)
    ei_only = client.get(dashboard_url("national"), {**MEAUX_PERIOD, "type": "EI"})
    aci_only = client.get(dashboard_url("national"), {**MEAUX_PERIOD, "type": "ACI"})

    paris = "Direction interrégionale des services pénitentiaires de Paris"
    assert paris in detail_labels(everything) and len(detail_labels(everything)) == 6
    assert detail_labels(ei_only) == [paris]  # Après, at Meaux, is the demo's only EI
    assert key_figures(ei_only)["Entrées en atelier"] == "73"
    assert paris not in detail_labels(aci_only)
    assert key_figures(aci_only)["Entrées en atelier"] == "0"
    assert "Entreprise d'insertion" in visible_text(ei_only)  # the kind is said under the title
    # The rows lead to the next level with the same kind.
    assert "?du=2017-06-01&amp;au=2018-03-31&amp;type=EI" in ei_only.content.decode()


def test_an_unknown_siae_kind_is_refused_in_the_form(demo):
    response = demo_client("national").get(dashboard_url("national"), {**MEAUX_PERIOD, "type": "XYZ"})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in visible_text(response)


def test_the_json_of_a_dashboard_is_the_commands(demo):
    client = demo_client("disp.paris")

    response = client.get(json_url("programme", "MEAUX-APRES"), MEAUX_PERIOD)

    data = response.json()
    assert response.status_code == 200
    assert data["scope"]["spec"] == "programme:MEAUX-APRES"
    assert data["period"] == {"from": "2017-06-01", "to": "2018-03-31", "label": "du 01/06/2017 au 31/03/2018"}
    assert (data["indicators"]["sessions"], data["indicators"]["entrants"],
            data["indicators"]["returns_to_ordinary_detention"], data["indicators"]["releases"],
            data["indicators"]["in_pathway"]) == (8, 73, 21, 24, 28)


@pytest.mark.parametrize(("query", "message"), [
    ({"du": "2018-03-31", "au": "2017-06-01"}, "La fin de la période précède son début."),
    ({"periode": "2017-T9"}, "Période « 2017-T9 » non reconnue"),
    ({"type": "XYZ"}, "Type de SIAE « XYZ » non reconnu"),
])
def test_the_json_refuses_a_bad_period_or_kind_with_a_french_400(demo, query, message):
    response = demo_client("disp.paris").get(json_url("programme", "MEAUX-APRES"), query)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_above_the_programme_many_sessions_give_the_scopes_funnel(demo, monkeypatch):
    monkeypatch.setattr("dashboards.tables.MAX_SESSIONS_LISTED", 7)  # Meaux held 8 sessions in the period
    client = demo_client("disp.paris")

    disp_page = client.get(dashboard_url("disp", "DISP_PARIS"), MEAUX_PERIOD)
    programme_page = client.get(dashboard_url("programme", "MEAUX-APRES"), MEAUX_PERIOD)

    funnel = page_tables(disp_page)["Entonnoir de l'ensemble des sessions de la période"]
    assert funnel[0] == ["Périmètre", "Candidatures", "Personnes retenues", "Entrées en atelier", "Sorties",
                         "Retours en détention ordinaire", "Sorties en emploi ou en formation", "Encore en parcours"]
    assert funnel[1:] == [["8 sessions", "100", "75", "73", "45", "21", "24", "28"]]
    assert "Plus de 7 sessions dans ce périmètre" in visible_text(disp_page)
    assert len(page_tables(programme_page)["Entonnoir par session de recrutement"]) == 1 + 8  # always each one


def test_each_chart_sits_by_its_table_with_a_title(demo):
    response = demo_client("disp.paris").get(dashboard_url("programme", "MEAUX-APRES"), MEAUX_PERIOD)

    content = response.content.decode()
    titles = re.findall(r'<figure class="app-chart"><figcaption>(.*?)</figcaption>\s*<svg', content)
    assert titles == ["Sorties par catégorie", "De la candidature à la sortie", "Entrées et sorties par trimestre",
                      "Taux de sorties par trimestre"]
    assert content.count('role="img"') >= 4
