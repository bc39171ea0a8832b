"""The dated tables say when they expect their next row: from 15 January of a year without one, administrators and
national staff see a home-page alert naming the table (programmes/rate_watch.py)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes import rate_watch
from programmes.models import AidRate, SmicRate
from tests import clock
from tests.accounts.pages import page_text

pytestmark = pytest.mark.django_db
D = datetime.date
HOME = reverse("accounts:home")
SMIC_LATE = "La table des taux du SMIC n'a aucune ligne pour 2027"
AID_LATE = "La table des taux d'aide au poste n'a aucune ligne pour 2027"


def names(day):
    return [table.name for table in rate_watch.late_tables(day)]


def test_on_14_january_no_table_is_late_yet():
    assert names(D(2027, 1, 14)) == []


def test_from_15_january_a_table_with_no_row_for_the_year_is_late():
    assert names(D(2027, 1, 15)) == ["taux du SMIC", "taux d'aide au poste"]
    assert names(D(2027, 12, 31)) == ["taux du SMIC", "taux d'aide au poste"]


def test_the_smic_expects_a_row_on_1_january_and_the_aid_a_row_within_the_year():
    SmicRate.objects.create(valid_from=D(2027, 3, 1), hourly_amount=Decimal("12.20"))
    AidRate.objects.create(scheme="COMMON", siae_kind="EI", territory="METROPOLE", valid_from=D(2027, 3, 1),
                           base_amount=Decimal("13500"))
    assert names(D(2027, 3, 2)) == ["taux du SMIC"]  # a mid-year row does not stand for 1 January

    SmicRate.objects.create(valid_from=D(2027, 1, 1), hourly_amount=Decimal("12.02"))  # unchanged, entered
    assert names(D(2027, 3, 2)) == []


def test_in_2026_the_smic_has_its_1_january_row_and_the_aid_table_has_none():
    assert names(D(2026, 1, 14)) == []
    assert names(D(2026, 1, 15)) == ["taux d'aide au poste"]


def test_administrators_and_national_staff_get_the_alert_with_the_table_named(personas):
    with clock.at(D(2027, 1, 15)):
        for name in ("ADMIN", "NATIONAL"):
            alerts = rate_watch.alerts_for(user=personas[name], today=D(2027, 1, 15))
            messages = " ".join(alert.message for alert in alerts)
            assert SMIC_LATE in messages and AID_LATE in messages, name
            assert "elle attend un taux au 1er janvier de chaque année, même inchangé" in messages
        for name in ("DREETS_STAFF_A", "SIAE_DIRECTOR_A", "CPIP_A", "DISP_STAFF_A"):
            assert rate_watch.alerts_for(user=personas[name], today=D(2027, 1, 15)) == [], name


def test_the_aid_amounts_not_found_are_named_until_entered(personas):
    [alert] = rate_watch.alerts_for(user=personas["ADMIN"], today=D(2027, 1, 14))

    assert alert.message == (
        "Montants non trouvés dans les sources, à saisir dans la table des taux d'aide au poste : ACI en milieu "
        "pénitentiaire au 1er octobre 2021, ACI de droit commun au 1er janvier 2025."
    )
    AidRate.objects.filter(base_amount__isnull=True, follows_common=False).update(base_amount=Decimal("1"))
    assert rate_watch.alerts_for(user=personas["ADMIN"], today=D(2027, 1, 14)) == []


def test_a_staff_administrator_is_linked_to_the_table_in_the_administration(personas):
    admin = personas["ADMIN"]
    admin.is_staff = True

    urls = {alert.url for alert in rate_watch.alerts_for(user=admin, today=D(2027, 1, 15))}

    assert urls == {reverse("admin:programmes_smicrate_changelist"), reverse("admin:programmes_aidrate_changelist")}
    assert all(alert.url == "" for alert in rate_watch.alerts_for(user=personas["NATIONAL"], today=D(2027, 1, 15)))
    [smic] = [alert for alert in rate_watch.alerts_for(user=personas["NATIONAL"], today=D(2027, 1, 15))
              if "SMIC" in alert.message]
    assert smic.message.endswith("Un administrateur doit vérifier le texte publié et saisir le nouveau taux.")


@pytest.mark.parametrize(("day", "shown"), [(D(2027, 1, 14), False), (D(2027, 1, 15), True)])
def test_the_home_page_shows_the_alert_from_15_january(client_as, day, shown):
    with clock.at(day):
        for name in ("ADMIN", "NATIONAL"):
            text = page_text(client_as(name).get(HOME))
            assert (SMIC_LATE in text) is shown, (name, day)
            assert (AID_LATE in text) is shown, (name, day)
        assert SMIC_LATE not in page_text(client_as("DREETS_STAFF_A").get(HOME))
