"""The annex's aide au poste as saved and shown: pro rata of its days, its formula with its figures, and the cap of
10 ETP per establishment of the specific prison aid until 31 July 2022 (programmes/aid.py, services.annex_save).
Every figure is computed by hand from docs/domain.md §3.3."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import aid, services
from programmes.models import FinancialAnnex
from tests.accounts.pages import page_text
from tests.programmes.convention_factories import make_convention
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
NBSP = "\u00a0"
CAP_MESSAGE = ("L'aide spécifique en milieu pénitentiaire est limitée à 10 ETP par établissement jusqu'au 31 juillet "
               "2022 : le {day}, {place} en compterait {total}{others}.")


def refused(**kwargs) -> dict:
    with pytest.raises(ValidationError) as error:
        services.annex_save(**kwargs, by=None)
    return error.value.message_dict


@pytest.fixture
def place():
    return EstablishmentFactory(name="CP de Meaux-Chauconin")


def implanted(kind, place, number):
    siae = SiaeFactory(kind=kind)
    ProgrammeFactory(siae=siae, establishment=place)
    return make_convention(siae=siae, start=D(2017, 1, 1), end=D(2019, 12, 31)), number


def new_annex(convention_and_number, *, etp, start=None, end=None, aid_amount=None):
    convention, number = convention_and_number
    start, end = start or D(2019, 1, 1), end or D(2019, 12, 31)
    kind = convention.siae.kind
    return FinancialAnnex(convention=convention, asp_number=f"{kind}077{start.year % 100:02d}{number:04d}",
                          measure=f"{kind}_MP", year=start.year, start_date=start, end_date=end, etp=Decimal(etp),
                          aid_amount=aid_amount)


def test_the_annex_counts_in_the_only_establishment_of_its_siae(place):
    annex = services.annex_save(annex=new_annex(implanted("EI", place, 1), etp="2"), by=None)

    assert annex.establishment == place


def test_an_siae_in_two_establishments_must_say_which_one(place):
    convention, number = implanted("EI", place, 1)
    ProgrammeFactory(siae=convention.siae, establishment=EstablishmentFactory())

    assert refused(annex=new_annex((convention, number), etp="2")) == {"establishment": [
        "La SIAE est implantée dans plusieurs établissements : choisissez celui où sont les postes de cette annexe."
    ]}
    assert not FinancialAnnex.objects.exists()

    annex = new_annex((convention, number), etp="2")
    annex.establishment = EstablishmentFactory()  # where the SIAE has no programme
    assert refused(annex=annex) == {"establishment": ["La SIAE n'a pas de programme dans cet établissement."]}


def test_10_etp_of_specific_prison_aid_in_one_establishment_are_accepted(place):
    # 10 x 6 312 (EI in prison, 2019) x 1,05 = 66 276,00 €
    annex = services.annex_save(annex=new_annex(implanted("EI", place, 1), etp="10"), by=None)

    assert annex.aid_amount == Decimal("66276.00")


def test_10_5_etp_are_refused_with_the_cap_named_and_nothing_saved(place):
    errors = refused(annex=new_annex(implanted("EI", place, 1), etp="10.5"))

    assert errors == {"etp": [
        CAP_MESSAGE.format(day="1er janvier 2019", place="CP de Meaux-Chauconin", total="10,5", others=""),
        "Réduisez les ETP, ou saisissez le montant inscrit dans l'annexe signée si elle en dit autrement.",
    ]}
    assert not FinancialAnnex.objects.exists()


def test_the_cap_adds_up_the_annexes_of_every_siae_of_the_establishment(place):
    services.annex_save(annex=new_annex(implanted("EI", place, 1), etp="6"), by=None)
    aci = implanted("ACI", place, 2)
    services.annex_save(annex=new_annex(aci, etp="4", start=D(2019, 7, 1)), by=None)  # 6 + 4 = 10 from 1 July

    errors = refused(annex=new_annex(implanted("ACI", place, 3), etp="0.5", start=D(2019, 9, 1)))

    assert errors["etp"][0] == CAP_MESSAGE.format(day="1er septembre 2019", place="CP de Meaux-Chauconin",
                                                  total="10,5", others=" (avec ACI077190002, EI077190001)")


def test_annexes_that_do_not_overlap_in_time_do_not_add_up(place):
    ei = implanted("EI", place, 1)
    services.annex_save(annex=new_annex(ei, etp="8", end=D(2019, 6, 30)), by=None)

    # 8 ETP until 30 June, then 8 others from 1 July: never more than 8 at once.
    annex = services.annex_save(annex=new_annex(implanted("ACI", place, 2), etp="8", start=D(2019, 7, 1)), by=None)
    # 1 July - 31 December 2019 = 184 days: 8 x 12 119 = 96 952; x 1,05 = 101 799,60; x 184 = 18 731 126,4;
    # / 365 = 51 318,154... -> 51 318,15 €
    assert annex.aid_amount == Decimal("51318.15")


def test_a_typed_amount_over_the_cap_is_kept_and_flagged(place):
    annex = services.annex_save(annex=new_annex(implanted("EI", place, 1), etp="10.5",
                                                aid_amount=Decimal("69000")), by=None)

    assert annex.aid_amount == Decimal("69000")
    summary = aid.summaries_for([annex])[annex.pk]
    assert summary.typed
    assert summary.excess.total == Decimal("10.5")
    # the table gives 10,5 x 6 312 x 1,05 = 69 589,80 €
    assert summary.computation.formula.replace(NBSP, " ") == "10,5 ETP × 6 312 € × 1,05 = 69 589,80 €"


def test_from_1_august_2022_there_is_no_cap(place):
    convention, number = implanted("EI", place, 1)
    convention.end_date = D(2022, 12, 31)
    convention.save()

    # 1 August - 31 December 2022 = 153 days: 12 x 11 609 = 139 308; x 1,05 = 146 273,40; x 153 = 22 379 830,2;
    # / 365 = 61 314,603... -> 61 314,60 €
    annex = services.annex_save(annex=new_annex((convention, number), etp="12", start=D(2022, 8, 1),
                                                end=D(2022, 12, 31)), by=None)
    assert annex.aid_amount == Decimal("61314.60")

    # the day before, the specific aid and its cap: refused
    other, number = implanted("EI", place, 2)
    other.end_date = D(2022, 12, 31)
    other.save()
    errors = refused(annex=new_annex((other, number), etp="12", start=D(2022, 7, 31), end=D(2022, 12, 31)))
    assert "limitée à 10 ETP par établissement" in errors["etp"][0]


# --- The convention page shows the formula with its figures -------------------------------------------------


def test_the_convention_page_shows_each_annex_formula(client_as, scope_a):
    siae = scope_a.siae
    siae.kind = "EI"
    siae.save()
    convention = make_convention(siae=siae, authority=scope_a.organisations["ddets"], start=D(2017, 7, 1),
                                 end=D(2018, 12, 31))
    services.annex_save(annex=FinancialAnnex(
        convention=convention, asp_number="EI077170001", measure="EI_MP", year=2017, start_date=D(2017, 7, 1),
        end_date=D(2017, 12, 31), etp=Decimal("10")), by=None)
    services.annex_save(annex=FinancialAnnex(
        convention=convention, asp_number="EI077180001", measure="EI_MP", year=2018, start_date=D(2018, 1, 1),
        end_date=D(2018, 12, 31), etp=Decimal("10"), aid_amount=Decimal("64000")), by=None)

    text = page_text(client_as("SIAE_DIRECTOR_A").get(reverse("programmes:convention_detail", args=[convention.pk])))
    text = text.replace(NBSP, " ")

    assert "10 ETP × 6 142 € × 1,05 × 184/365 = 32 510,53 €" in text
    assert "Montant saisi (annexe signée) ; le barème donne" in text
    assert "10 ETP × 6 218 € × 1,05 = 65 289,00 €" in text
    assert "64 000,00 €" in text


def test_an_annex_needing_a_socle_not_found_asks_for_the_signed_amount_and_keeps_it_when_typed(place):
    convention, number = implanted("ACI", place, 1)
    convention.start_date, convention.end_date = D(2025, 1, 1), D(2027, 12, 31)
    convention.save()

    errors = refused(annex=new_annex((convention, number), etp="4", start=D(2025, 1, 1), end=D(2025, 12, 31)))
    assert errors == {"aid_amount": [
        "Le montant socle ACI de droit commun en vigueur depuis le 01/01/2025 n'a pas été trouvé dans les sources : "
        "un administrateur doit le saisir dans la table des taux d'aide au poste.",
        "Saisissez le montant de l'aide inscrit dans l'annexe.",
    ]}

    annex = services.annex_save(annex=new_annex((convention, number), etp="4", start=D(2025, 1, 1),
                                                end=D(2025, 12, 31), aid_amount=Decimal("101000")), by=None)
    assert annex.aid_amount == Decimal("101000")
    assert aid.summaries_for([annex])[annex.pk].computation is None
