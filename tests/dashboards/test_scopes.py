"""Which programmes a dashboard counts, where each role lands, and 404 outside the viewer's own scope.

Personas (tests/accounts/personas.py): scope A is CP Alpha in Seine-et-Marne (77, Île-de-France 11, DISP Paris)
with SIAE Alpha's programme ALPHA-1; scope B is CP Bravo in Moselle (57, Grand Est 44, DISP Strasbourg) with
BRAVO-1.
"""

import pytest
from django.http import Http404

from dashboards import scopes
from dashboards.scopes import Level
from programmes.enums import SiaeKind
from tests.dashboards import builders as b
from tests.programmes.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("persona", "expected"), [
    ("NATIONAL", (Level.NATIONAL, "")),
    ("ADMIN", (Level.NATIONAL, "")),
    ("DISP_STAFF_A", (Level.DISP, "DISP_PARIS")),
    ("DISP_STAFF_B", (Level.DISP, "DISP_STRASBOURG")),
    ("DREETS_STAFF_A", (Level.REGION, "11")),
    ("DREETS_STAFF_B", (Level.REGION, "44")),
    ("DDETS_STAFF_A", (Level.DEPARTMENT, "77")),
    ("DDETS_STAFF_B", (Level.DEPARTMENT, "57")),
])
def test_national_and_territorial_staff_land_on_their_territory(personas, persona, expected):
    assert scopes.landing_for(personas[persona]) == expected


@pytest.mark.parametrize("persona", ["SIAE_DIRECTOR_A", "SIAE_STAFF_A"])
def test_siae_people_land_on_their_siae(personas, scope_a, persona):
    assert scopes.landing_for(personas[persona]) == (Level.SIAE, scope_a.siae.siret)


@pytest.mark.parametrize("persona", ["CPIP_A", "SPIP_MANAGER_A", "ESTABLISHMENT_STAFF_A"])
def test_spip_and_establishment_staff_land_on_their_establishment(personas, scope_a, persona):
    assert scopes.landing_for(personas[persona]) == (Level.ESTABLISHMENT, str(scope_a.establishment.pk))


def test_every_landing_resolves_for_its_own_user(personas):
    for name, user in personas.items():
        if user is None:
            continue
        level, key = scopes.landing_for(user)
        scope = scopes.resolve(user, level, key)
        assert scope.programmes.exists(), name


def test_a_disp_officer_cannot_reach_another_disp_s_dashboards(personas, scope_a, scope_b):
    officer = personas["DISP_STAFF_A"]
    for level, key in [
        (Level.ESTABLISHMENT, str(scope_b.establishment.pk)),
        (Level.DISP, "DISP_STRASBOURG"),
        (Level.REGION, "44"),
        (Level.DEPARTMENT, "57"),
        (Level.PROGRAMME, "BRAVO-1"),
        (Level.SIAE, scope_b.siae.siret),
        (Level.NATIONAL, ""),
    ]:
        with pytest.raises(Http404):
            scopes.resolve(officer, level, key)
    own = scopes.resolve(officer, Level.ESTABLISHMENT, str(scope_a.establishment.pk))
    assert list(own.programmes) == [scope_a.programme]


@pytest.mark.parametrize(("persona", "level", "key"), [
    ("DREETS_STAFF_A", Level.REGION, "44"),
    ("DREETS_STAFF_A", Level.DISP, "DISP_PARIS"),  # a DREETS officer has no interregion dashboard
    ("DDETS_STAFF_A", Level.DEPARTMENT, "57"),
    ("DDETS_STAFF_A", Level.REGION, "11"),
    ("SIAE_DIRECTOR_A", Level.SIAE, "B"),
    ("SIAE_DIRECTOR_A", Level.PROGRAMME, "BRAVO-1"),
    ("SIAE_DIRECTOR_A", Level.DEPARTMENT, "77"),  # a territory's name over their own programmes: no
    ("CPIP_A", Level.ESTABLISHMENT, "B"),
    ("CPIP_A", Level.PROGRAMME, "BRAVO-1"),
    ("ESTABLISHMENT_STAFF_A", Level.NATIONAL, ""),
])
def test_outside_their_scope_users_get_404(personas, scope_b, persona, level, key):
    key = {"B": scope_b.establishment.pk if level == Level.ESTABLISHMENT else scope_b.siae.siret}.get(key, key)

    with pytest.raises(Http404):
        scopes.resolve(personas[persona], level, str(key))


def test_national_staff_reach_every_level(personas, scope_a, scope_b):
    user = personas["NATIONAL"]
    assert set(scopes.resolve(user, Level.NATIONAL).programmes) == {scope_a.programme, scope_b.programme}
    for level, key in [(Level.DISP, "DISP_STRASBOURG"), (Level.REGION, "44"),
                       (Level.DEPARTMENT, "57"), (Level.ESTABLISHMENT, str(scope_b.establishment.pk)),
                       (Level.SIAE, scope_b.siae.siret), (Level.PROGRAMME, "BRAVO-1")]:
        assert list(scopes.resolve(user, level, key).programmes) == [scope_b.programme], level


@pytest.mark.parametrize(("level", "key"), [
    (Level.DISP, "DISP_NULLE_PART"), (Level.REGION, "99"), (Level.DEPARTMENT, "2C"), (Level.ESTABLISHMENT, "999999"),
    (Level.ESTABLISHMENT, "CP-Alpha"), (Level.SIAE, "12345678901234"), (Level.PROGRAMME, "NULLE-PART"),
    ("province", "1"),
])
def test_unknown_codes_and_levels_give_404(personas, scope_a, level, key):
    with pytest.raises(Http404):
        scopes.resolve(personas["NATIONAL"], level, key)


def test_a_dreets_officer_s_siae_dashboard_counts_only_the_programmes_of_their_region(personas, scope_a, scope_b):
    # SIAE Alpha also runs a programme at CP Bravo (Grand Est).
    elsewhere = ProgrammeFactory(code="ALPHA-BRAVO", siae=scope_a.siae, establishment=scope_b.establishment)

    seen_by_dreets = scopes.resolve(personas["DREETS_STAFF_A"], Level.SIAE, scope_a.siae.siret)
    seen_nationally = scopes.resolve(personas["NATIONAL"], Level.SIAE, scope_a.siae.siret)

    assert list(seen_by_dreets.programmes) == [scope_a.programme]
    assert set(seen_nationally.programmes) == {scope_a.programme, elsewhere}


def test_each_level_counts_the_programmes_under_its_key(personas, scope_a, scope_b):
    other_in_77 = b.programme(department_code="77")
    user = personas["NATIONAL"]

    assert set(scopes.resolve(user, Level.NATIONAL).programmes) == {scope_a.programme, scope_b.programme,
                                                                     other_in_77}
    assert set(scopes.resolve(user, Level.DISP, "DISP_PARIS").programmes) == {scope_a.programme, other_in_77}
    assert set(scopes.resolve(user, Level.REGION, "11").programmes) == {scope_a.programme, other_in_77}
    assert set(scopes.resolve(user, Level.DEPARTMENT, "77").programmes) == {scope_a.programme, other_in_77}
    assert set(scopes.resolve(user, Level.ESTABLISHMENT, str(scope_a.establishment.pk)).programmes) == {
        scope_a.programme}


def test_a_disp_officer_s_breadcrumb_stops_at_their_interregion(personas, scope_a):
    officer_view = scopes.resolve(personas["DISP_STAFF_A"], Level.PROGRAMME, "ALPHA-1")
    national_view = scopes.resolve(personas["NATIONAL"], Level.PROGRAMME, "ALPHA-1")

    assert [crumb.label for crumb in officer_view.crumbs] == [
        "Direction interrégionale des services pénitentiaires de Paris", "Île-de-France", "Seine-et-Marne (77)",
        "CP Alpha"]
    assert [crumb.label for crumb in national_view.crumbs][0] == "France entière"
    assert [crumb.url for crumb in officer_view.crumbs] == [crumb.url for crumb in national_view.crumbs][1:]


@pytest.mark.parametrize("persona", ["CPIP_A", "SIAE_DIRECTOR_A", "DISP_STAFF_A", "DREETS_STAFF_A", "DDETS_STAFF_A",
                                     "NATIONAL"])
def test_a_scope_is_the_same_for_every_viewer_who_may_open_it(personas, scope_a, persona):
    """Exact inside (issue 16): who opens the programme changes nothing in what it counts."""
    scope = scopes.resolve(personas[persona], Level.PROGRAMME, "ALPHA-1")

    assert list(scope.programmes) == [scope_a.programme]
    assert list(scopes.with_siae_kind(scope, "ACI").programmes) == [scope_a.programme]  # SIAE Alpha is an ACI


def test_the_siae_kind_filter_keeps_the_programmes_of_that_kind(personas, scope_a):
    ei = b.programme(kind=SiaeKind.EI, establishment=scope_a.establishment)
    scope = scopes.resolve(personas["NATIONAL"], Level.ESTABLISHMENT, str(scope_a.establishment.pk))

    assert set(scope.programmes) == {scope_a.programme, ei}  # SIAE Alpha is an ACI
    assert list(scopes.with_siae_kind(scope, SiaeKind.EI).programmes) == [ei]
    assert list(scopes.with_siae_kind(scope, SiaeKind.ACI).programmes) == [scope_a.programme]
    assert scopes.with_siae_kind(scope, "") is scope
    filtered = scopes.with_siae_kind(scope, SiaeKind.EI)
    assert (filtered.level, filtered.key, filtered.label) == (scope.level, scope.key, scope.label)


@pytest.mark.parametrize(("spec", "expected"), [
    ("national", (Level.NATIONAL, "")),
    (" national ", (Level.NATIONAL, "")),
    ("disp:DISP_PARIS", (Level.DISP, "DISP_PARIS")),
    ("region:11", (Level.REGION, "11")),
    ("department:2A", (Level.DEPARTMENT, "2A")),
    ("establishment:12", (Level.ESTABLISHMENT, "12")),
    ("siae:81000000000001", (Level.SIAE, "81000000000001")),
    ("programme:MEAUX-APRES", (Level.PROGRAMME, "MEAUX-APRES")),
])
def test_from_spec_reads_every_scope_spec(spec, expected):
    assert scopes.from_spec(spec) == expected


@pytest.mark.parametrize("spec", ["", "france", "disp", "disp:", "national:FR", "province:1", "DISP:DISP_PARIS",
                                  "programme"])
def test_from_spec_refuses_anything_else_with_a_french_message(spec):
    with pytest.raises(ValueError) as raised:
        scopes.from_spec(spec)

    assert "non reconnu : attendu national, disp:CODE, region:CODE, department:CODE, establishment:ID, " \
           "siae:SIRET ou programme:CODE." in str(raised.value)


def test_a_scope_spec_round_trips(personas, scope_a):
    for level, key in [(Level.NATIONAL, ""), (Level.DISP, "DISP_PARIS"), (Level.PROGRAMME, "ALPHA-1")]:
        scope = scopes.resolve(personas["NATIONAL"], level, key)
        assert scopes.from_spec(scope.spec) == (level, key)
