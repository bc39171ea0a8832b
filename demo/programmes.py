"""The client's pilot sites (seed documents, docs/domain.md §11.1) as demo data; loading twice changes nothing.

The seed does not state each pilot SIAE's kind: Après is the "entreprise d'insertion" of the Meaux
press release (EI); the others, associations, are recorded as ACI. Their SIRET numbers are demo
values (valid check digit), not the real ones.

What binds the programmes (issue 3, section 5):

- from the seed: the Meaux partnership convention (Préfecture, Pôle emploi, ARES, DISP; 1 July 2017 to
  31 December 2018), the partners named in the press release with their roles, the steering committee of
  22 March 2018 and its attendees (public officials named in the press release, stored as names only),
  and the 15 stages of the 2021 Tour de France (docs/domain.md §11.4; the seed gives no date for Nice,
  Orléans and Caen, the Toulouse date comes from the DIRECCTE Occitanie page);
- invented, plausible **demo values**, not the real ones: every State convention and financial annex
  (ASP numbers are built as type + department + year + a demo structure code 0001 to 0008, never a real
  structure's number), ETP conventionnés, implantation contracts (posts, hours, pay at 45 % of the SMIC
  in force at their start, rounded up to the cent), and the Département's funding at Meaux.

Dates that move with the day load_demo runs (so that `make run` always shows a live situation):

- Après has a current State convention (reference DEMO-77-APRES-EI-MP) with two annexes:
  the last one ends 45 days after today, with no successor, so DREETS Île-de-France, DDETS 77 and Après
  see its alert on their home page; the convention itself runs one more year so that the successor fits.
  The experiment (MEAUX-APRES) ended on 31 December 2018; today's workshop at Meaux is MEAUX-ARES (same
  establishment and SIAE, 2022-regime implantation contract from 2 January 2023, renewed): its funding lines are
  those of this current convention, MEAUX-APRES's those of the experiment's convention (DEMO-77-APRES-2017);
- the other pilots have a convention (reference DEMO-<department>-<programme>) over the previous, current
  and next calendar years, with one annex a year (next year's in draft): none of them alerts.

Those rows keep the same natural key (the convention's reference; an annex's convention, measure and
year): loading twice the same day gives the same rows; a later day updates their dates in place, and
annexes left outside their convention's new period (in a later year) are deleted.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import two_factor
from accounts.enums import Role
from accounts.models import User
from partners.enums import MeetingKind, PartnerRoleKind
from partners.enums import OrganisationKind as OK
from partners.models import (
    Contact,
    Event,
    Meeting,
    MeetingAttendee,
    Organisation,
    OrganisationFormerName,
    PartnerRole,
)
from programmes import rates
from programmes.enums import (
    AidScheme,
    AnnexStatus,
    AspMeasure,
    ConventionStatus,
    Funder,
    ImplantationRegime,
    ProgrammePhase,
    ProgrammeStage,
    SiaeKind,
)
from programmes.enums import EstablishmentKind as EK
from programmes.models import (
    AidRate,
    ConventionParty,
    Department,
    Disp,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Quartier,
    Region,
    Siae,
    StateConvention,
)
from programmes.validators import luhn_is_valid

# (establishment, kind, department, quartiers, SIAE, SIAE kind, programme code, quartier, activity, sector)
PILOTS = [
    ("CP de Grenoble-Varces", EK.CP, "38", ["QMA", "QCD"], "La Remise", SiaeKind.ACI, "VARCES-LA-REMISE",
     None, "Tri de textiles", "Textile"),
    ("CP de Saint-Denis de La Réunion", EK.CP, "974", ["QMA", "QCD"], "Ti Tang", SiaeKind.ACI,
     "SAINT-DENIS-TI-TANG", None, "Collecte et revente de textiles, fabrication et vente de sacs en tissu",
     "Textile"),
    ("CP de Meaux-Chauconin", EK.CP, "77", ["QA", "QCP", "QMA", "QCD", "QNC", "QSL", "QPA"],
     "Après (Groupe ARES)", SiaeKind.EI, "MEAUX-APRES", "QNC",
     "Collage d'étiquettes, conditionnement de lingettes pour kits de prélèvement, boîtes cartonnées "
     "pour téléphones", "Recyclage et tri"),
    ("CP de Metz", EK.CP, "57", ["QMA", "QCD"], "EFIC", SiaeKind.ACI, "METZ-EFIC", None,
     "Reconditionnement de palettes, fabrication de meubles", "Bois et ameublement"),
    ("CD d'Oermingen", EK.CD, "67", ["QCD"], "Emmaüs Mundo", SiaeKind.ACI, "OERMINGEN-EMMAUS-MUNDO", None,
     "Restauration de meubles, atelier de menuiserie", "Bois et ameublement"),
    ("CP de Perpignan", EK.CP, "66", ["QMA", "QCD"], "AEPI", SiaeKind.ACI, "PERPIGNAN-AEPI", None,
     "Relooking de meubles", "Bois et ameublement"),
    ("CP de Toulouse-Seysses", EK.CP, "31", ["QMA", "QSL"], "Territoire actif", SiaeKind.ACI,
     "SEYSSES-TERRITOIRE-ACTIF", "QSL", "Nettoyage des berges du canal du Midi (semi-liberté)",
     "Espaces verts"),
    ("MA de Nice", EK.MA, "06", ["QMA"], "L'assiette bleue (Forum Jorge François)", SiaeKind.ACI,
     "NICE-ASSIETTE-BLEUE", None, "Restauration, mess du personnel de la maison d'arrêt", "Restauration"),
]

# (username, first name, last name, role, organisation kind, organisation name or None)
ACCOUNTS = [
    ("cpip.meaux", "Camille", "Morel", Role.CPIP, OK.SPIP, "SPIP de Seine-et-Marne (77)"),
    ("siae.ares", "Dominique", "Laurent", Role.SIAE_DIRECTOR, OK.SIAE, "Après (Groupe ARES)"),
    ("disp.paris", "Nadia", "Benali", Role.DISP_STAFF, OK.DISP, "DISP de Paris"),
    ("dreets.idf", "Julien", "Petit", Role.DREETS_STAFF, OK.DREETS, "DRIEETS Île-de-France"),
    ("national", "Claire", "Fontaine", Role.NATIONAL, None, None),
    ("admin", "Alex", "Admin", Role.ADMIN, None, None),
    ("cpip.metz", "Yanis", "Muller", Role.CPIP, OK.SPIP, "SPIP de la Moselle (57)"),
    ("siae.efic", "Sophie", "Weber", Role.SIAE_DIRECTOR, OK.SIAE, "EFIC"),
    ("disp.strasbourg", "Marc", "Schmitt", Role.DISP_STAFF, OK.DISP, "DISP de Strasbourg"),
]

SPIP_NAMES = {
    "38": "SPIP de l'Isère (38)", "974": "SPIP de La Réunion (974)", "77": "SPIP de Seine-et-Marne (77)",
    "57": "SPIP de la Moselle (57)", "67": "SPIP du Bas-Rhin (67)", "66": "SPIP des Pyrénées-Orientales (66)",
    "31": "SPIP de la Haute-Garonne (31)", "06": "SPIP des Alpes-Maritimes (06)",
}

NATIONAL_BODIES = [
    (OK.NATIONAL_AGENCY, "Agence du travail d'intérêt général et de l'insertion professionnelle (ATIGIP)"),
    (OK.NATIONAL_AGENCY, "Délégation générale à l'emploi et à la formation professionnelle (DGEFP)"),
    (OK.NATIONAL_AGENCY, "Direction de l'administration pénitentiaire (DAP)"),
    (OK.IAE_NETWORK, "Fédération des acteurs de la solidarité"),
    (OK.IAE_NETWORK, "Chantier école"),
    (OK.IAE_NETWORK, "Fédération des entreprises d'insertion"),
    (OK.IAE_NETWORK, "COORACE"),
    (OK.IAE_NETWORK, "Emmaüs France"),
    (OK.DELEGATED_MANAGER, "GEPSA"),
]


def demo_siret(index: int) -> str:
    base = f"9{index:012d}"
    return next(base + str(d) for d in range(10) if luhn_is_valid(base + str(d)))


def _org(kind, name, **fields):
    org, _ = Organisation.objects.update_or_create(kind=kind, name=name, defaults=fields)
    return org


def _former(org, name, until):
    OrganisationFormerName.objects.update_or_create(organisation=org, name=name, defaults={"valid_until": until})


# Today's workshop at Meaux (issue 15, §4): after the experiment (MEAUX-APRES, ended 31 December 2018), Après runs a
# workshop again at the CP de Meaux-Chauconin under the code pénitentiaire (implantation contract from
# MEAUX_TODAY_START, 2022 regime); its funding is that of Après's current convention (DEMO-77-APRES-EI-MP).
MEAUX_TODAY, MEAUX_TODAY_START = "MEAUX-ARES", datetime.date(2023, 1, 2)


def _meaux_today() -> None:
    apres = Programme.objects.get(code="MEAUX-APRES")
    Programme.objects.update_or_create(code=MEAUX_TODAY, defaults={
        "siae": apres.siae, "establishment": apres.establishment, "activity": apres.activity, "sector": apres.sector,
        "quartier": apres.quartier, "phase": ProgrammePhase.PILOT, "stage": ProgrammeStage.MISE_EN_OEUVRE,
        "start_date": MEAUX_TODAY_START, "end_date": None,
    })


@transaction.atomic
def load_demo(*, today: datetime.date | None = None) -> dict[str, int]:
    """Load or update the demo rows; ``today`` (default: the local date) anchors the dates that move."""
    for kind, name in NATIONAL_BODIES:
        _org(kind, name)
    gepsa = Organisation.objects.get(kind=OK.DELEGATED_MANAGER, name="GEPSA")
    for disp in Disp.objects.all():
        _org(OK.DISP, "DISP de " + disp.seat if disp.code != "DSPOM" else disp.name, disp=disp)

    for index, (est_name, est_kind, dept, quartiers, siae_name, siae_kind, code, quartier, activity, sector) in (
        enumerate(PILOTS, start=1)
    ):
        department = Department.objects.get(code=dept)
        establishment, _ = Establishment.objects.update_or_create(
            name=est_name,
            defaults={"kind": est_kind, "department": department,
                      "delegated_manager": gepsa if code == "MEAUX-APRES" else None},
        )
        for q in quartiers:
            Quartier.objects.get_or_create(establishment=establishment, kind=q)
        siae, _ = Siae.objects.update_or_create(
            siret=demo_siret(index),
            defaults={"name": siae_name, "kind": siae_kind, "department": department,
                      "legal_form": "Association" if siae_kind == SiaeKind.ACI else "SAS"},
        )
        Programme.objects.update_or_create(
            code=code,
            defaults={
                "siae": siae, "establishment": establishment, "activity": activity, "sector": sector,
                "quartier": Quartier.objects.get(establishment=establishment, kind=quartier) if quartier else None,
                "phase": ProgrammePhase.PILOT,
                "stage": ProgrammeStage.SUIVI if code == "MEAUX-APRES" else ProgrammeStage.MISE_EN_OEUVRE,
                "start_date": datetime.date(2017, 7, 1) if code == "MEAUX-APRES" else None,
                "end_date": datetime.date(2018, 12, 31) if code == "MEAUX-APRES" else None,
            },
        )
        _org(OK.SIAE, siae_name, siae=siae, department=department)
        _org(OK.ESTABLISHMENT, est_name, establishment=establishment, department=department)
        spip = _org(OK.SPIP, SPIP_NAMES[dept], department=department)
        spip.served_establishments.add(establishment)
    _meaux_today()

    seine_et_marne = Department.objects.get(code="77")
    _org(OK.PREFECTURE, "Préfecture de Seine-et-Marne", department=seine_et_marne)
    france_travail = _org(OK.FRANCE_TRAVAIL, "France Travail Meaux", department=seine_et_marne)
    _former(france_travail, "Pôle emploi Meaux", datetime.date(2023, 12, 31))
    _org(OK.MISSION_LOCALE, "Missions locales de Seine-et-Marne", department=seine_et_marne)
    _org(OK.JUDICIAL, "Tribunal judiciaire de Meaux (application des peines)", department=seine_et_marne)
    for region_code, name, former in [
        ("11", "DRIEETS Île-de-France", "DIRECCTE Île-de-France"),
        ("44", "DREETS Grand Est", "DIRECCTE Grand Est"),
    ]:
        dreets = _org(OK.DREETS, name, region=Region.objects.get(code=region_code))
        _former(dreets, former, datetime.date(2021, 3, 31))
    _load_bindings(today or timezone.localdate())

    for username, first, last, role, org_kind, org_name in ACCOUNTS:
        org = Organisation.objects.get(kind=org_kind, name=org_name) if org_kind else None
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "role": role, "organisation": org,
                      "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN,
                      "email": f"{username}@demo.invalid"},
        )
        if not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if two_factor.requires_two_factor(user):  # the demo's known key: `python manage.py demo_code <username>`
            two_factor.demo_device(user)
    return {
        "programmes": Programme.objects.count(),
        "establishments": Establishment.objects.count(),
        "siae": Siae.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
    }


# --- What binds the programmes: conventions, contracts, partners, committees, events (issue 3) ----------

# Demo ETP conventionnés and implantation contracts of each pilot:
# (programme code, ETP, posts, weekly hours, 2016-regime contract start).
BINDINGS = {
    "VARCES-LA-REMISE": (Decimal("8.00"), 12, Decimal("24.0"), datetime.date(2017, 9, 1)),
    "SAINT-DENIS-TI-TANG": (Decimal("6.00"), 10, Decimal("24.0"), datetime.date(2017, 10, 2)),
    "MEAUX-APRES": (Decimal("16.00"), 30, Decimal("26.0"), datetime.date(2017, 7, 1)),
    "METZ-EFIC": (Decimal("7.00"), 12, Decimal("28.0"), datetime.date(2018, 1, 8)),
    "OERMINGEN-EMMAUS-MUNDO": (Decimal("5.00"), 8, Decimal("24.0"), datetime.date(2018, 3, 1)),
    "PERPIGNAN-AEPI": (Decimal("5.00"), 8, Decimal("24.0"), datetime.date(2018, 2, 1)),
    "SEYSSES-TERRITOIRE-ACTIF": (Decimal("4.00"), 6, Decimal("30.0"), datetime.date(2018, 4, 3)),
    "NICE-ASSIETTE-BLEUE": (Decimal("4.00"), 6, Decimal("30.0"), datetime.date(2019, 9, 2)),
    MEAUX_TODAY: (Decimal("16.00"), 20, Decimal("30.0"), MEAUX_TODAY_START),  # Après's annexes: none of its own
}
CODE_2022_START = datetime.date(2022, 5, 1)  # the code pénitentiaire's regime starts (docs/domain.md §3.2)
DIRECCTE_UNTIL = datetime.date(2021, 3, 31)
SOON_ANNEX_DAYS = 45  # the last annex of Après ends that many days after the day load_demo runs

DREETS_SINCE = datetime.date(2021, 4, 1)  # the DIRECCTE's unités départementales became the DDETS (décret 2020-1545)

# DREETS of each region (DRIEETS in Île-de-France, DEETS overseas; DIECCTE before 1 April 2021 overseas).
OVERSEAS_REGIONS = {"01", "02", "03", "04", "06"}
NO_STATE_LABOUR_SERVICE = {"NC", "PF", "PM"}  # collectivities with their own labour services: no DREETS


def dreets_name(region) -> tuple[str, str]:
    """(current name, name until 31 March 2021) of a region's DREETS."""
    if region.code == "11":
        return "DRIEETS Île-de-France", "DIRECCTE Île-de-France"
    if region.code in OVERSEAS_REGIONS:
        return f"DEETS {region.name}", f"DIECCTE {region.name}"
    return f"DREETS {region.name}", f"DIRECCTE {region.name}"


MEAUX_PARTNERSHIP = "Convention d'expérimentation du programme Après au quartier nouveau concept de Meaux"
MEAUX_PARTNERSHIP_PURPOSE = (
    "Créer un parcours pluridisciplinaire de préparation à la sortie : initié en détention au quartier nouveau "
    "concept du CP de Meaux-Chauconin, l'accompagnement se poursuit à l'extérieur pour une réinsertion sociale "
    "et professionnelle durable (période expérimentale de juillet 2017 au 31 décembre 2018)."
)
MEAUX_START, MEAUX_END = datetime.date(2017, 7, 1), datetime.date(2018, 12, 31)
MEAUX_COMMITTEE_DATE = datetime.date(2018, 3, 22)
MEAUX_HEALTH = "Unité sanitaire du CP de Meaux-Chauconin"
MEAUX_SPORT_CULTURE = "Intervenants sport et culture du CP de Meaux-Chauconin"
MEAUX_DEPARTEMENT = "Conseil départemental de Seine-et-Marne"

TOUR_TITLE = "Tour de France de l'IAE en détention — {}"
TOUR_PROGRAMME = "\n".join([
    "Ouverture institutionnelle",
    "Présentation du guide « Implantation des structures IAE en milieu pénitentiaire »",
    "Retours d'expérience : SIAE, établissement pénitentiaire, SPIP, Direccte",
    "Échanges sur les dispositifs IAE pour les personnes suivies par la Justice",
    "Rencontres entre les acteurs locaux",
])
LIVESTORM = "https://app.livestorm.co/agence-du-tig-et-de-l-insertion-professionnelle/{}"
# (stage, date or None when the seed gives none, region codes, DISP code, replay slug) — docs/domain.md §11.4.
TOUR_STAGES = [
    ("Nice (ouverture)", None, ["93"], "DISP_MARSEILLE", "nice-etape-du-tour-de-france-de-liae-en-detention"),
    ("Toulouse", datetime.date(2021, 2, 11), ["76"], "DISP_TOULOUSE",
     "toulouse-etape-du-tour-de-france-de-liae-en-detention"),
    ("Orléans", None, ["24"], "DISP_DIJON", "orleans-etape-du-tour-de-france-de-liae-en-detention"),
    ("Caen", None, ["28"], "DISP_RENNES", "caen-etape-du-tour-de-france-de-liae-en-detention"),
    ("La Réunion & Mayotte", datetime.date(2021, 2, 25), ["04", "06"], "DSPOM",
     "la-reunion-and-mayotte-etape-du-tour-de-france-de-liae-en-detention"),
    ("Nouvelle-Calédonie", datetime.date(2021, 3, 9), ["NC"], "DSPOM",
     "nouvelle-caledonie-etape-du-tour-de-france-de-liae-en-detention"),
    ("Polynésie française", datetime.date(2021, 3, 9), ["PF"], "DSPOM",
     "polynesie-francaise-etape-du-tour-de-france-de-liae-en-detention"),
    ("Lyon", datetime.date(2021, 3, 11), ["84"], "DISP_LYON", "lyon-etape-du-tour-de-france-iae-en-detention"),
    ("Bordeaux", datetime.date(2021, 3, 16), ["75"], "DISP_BORDEAUX",
     "bordeaux-etape-du-tour-de-france-de-liae-en-detention"),
    ("Martinique / Guadeloupe / Guyane / Saint-Pierre", datetime.date(2021, 3, 18), ["02", "01", "03", "PM"],
     "DSPOM", "martinique-guadeloupe-guyane-st-pierre-etape-du-tour-de-france-de-liae-en-detention-copie"),
    ("Dijon", datetime.date(2021, 3, 23), ["27"], "DISP_DIJON", "dijon-etape-du-tour-de-france-de-liae-en-detention"),
    ("Paris", datetime.date(2021, 3, 30), ["11"], "DISP_PARIS", "paris-etape-du-tour-de-france-de-liae-en-detention"),
    ("Lille", datetime.date(2021, 4, 6), ["32"], "DISP_LILLE", "lille-etape-du-tour-de-france-de-liae-en-detention"),
    ("Rennes", datetime.date(2021, 4, 8), ["53"], "DISP_RENNES", "rennes-etape-du-tour-de-france-de-liae-en-detention"),
    ("Strasbourg (clôture)", datetime.date(2021, 4, 15), ["44"], "DISP_STRASBOURG",
     "strasbourg-etape-du-tour-de-france-de-liae-en-detention"),
]


def disp_organisation(disp_code: str) -> Organisation:
    return Organisation.objects.get(kind=OK.DISP, disp_id=disp_code)


def asp_number(siae: Siae, year: int, structure_code: int) -> str:
    """Demo ASP number: type, department on 3 digits, year on 2, demo structure code on 4."""
    return f"{siae.kind}{siae.department_id.zfill(3)}{year % 100:02d}{structure_code:04d}"


def measure_of(siae: Siae) -> str:
    return AspMeasure.EI_MP if siae.kind == SiaeKind.EI else AspMeasure.ACI_MP


def soon_annex_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Start and end of Après's last annex, the one ending soon (browser tests fill in its successor)."""
    end = today + datetime.timedelta(days=SOON_ANNEX_DAYS)
    return end - relativedelta(years=1) + datetime.timedelta(days=1), end


def _demo_typed_amount(annex) -> Decimal:
    """The demo's signed amount where the table lacks the socle (ACI from 1 January 2025, not found in the sources):
    the latest socle the table knows, as the signed annex might say. The table itself is never filled by the demo."""
    siae = annex.convention.siae
    known = (AidRate.objects.filter(scheme=AidScheme.COMMON, siae_kind=siae.kind, territory=rates.territory_of(siae),
                                    valid_from__lte=annex.start_date, base_amount__isnull=False)
             .latest("valid_from"))
    socle = rates.AidSocle(socle=known.base_amount, modulated_pct=Decimal(5), etp_cap=None, socle_row=known,
                           rule_row=known)
    return rates.annex_aid_with(annex, socle).amount


def _annex(convention, siae, *, start, end, etp, structure_code, status, establishment):
    """An annex of the programme's prison measure; its aid is computed from the table in force at its start
    (programmes.rates). Before 1 August 2022 the specific prison aid paid 10 ETP per establishment at most: the
    demo's annexes of those years convention that many (Meaux: 10 of its 16 ETP)."""
    measure = measure_of(siae)
    annex = FinancialAnnex(convention=convention, measure=measure, year=start.year, start_date=start, end_date=end,
                           etp=etp, establishment=establishment)
    try:
        socle = rates.annex_socle(annex)
    except ValidationError:
        amount = _demo_typed_amount(annex)
    else:
        if socle.etp_cap is not None:
            annex.etp = min(etp, socle.etp_cap)
        amount = rates.annex_aid_with(annex, socle).amount
    annex, _ = FinancialAnnex.objects.update_or_create(
        convention=convention, measure=measure, year=start.year,
        defaults={"asp_number": asp_number(siae, start.year, structure_code), "start_date": start,
                  "end_date": end, "etp": annex.etp, "aid_amount": amount, "status": status,
                  "establishment": establishment},
    )
    return annex


def _convention(siae, authority, reference, start, end, status):
    convention, _ = StateConvention.objects.update_or_create(
        siae=siae, reference=reference,
        defaults={"authority": authority, "start_date": start, "end_date": end, "status": status},
    )
    return convention


def _prune(convention) -> None:
    """A later day moves the demo periods: annexes left outside their convention's period (a past year) go."""
    convention.annexes.exclude(start_date__gte=convention.start_date, end_date__lte=convention.end_date).delete()


def _state_conventions(programmes: dict, authorities: dict, today: datetime.date) -> None:
    year = today.year
    for structure_code, code in enumerate(BINDINGS, start=1):
        programme = programmes[code]
        siae, etp, place = programme.siae, BINDINGS[code][0], programme.establishment
        authority = authorities[siae.department_id]
        if code == "MEAUX-APRES":
            # The experimental period, signed with the unité départementale of the DIRECCTE.
            old = _convention(siae, authority, "DEMO-77-APRES-2017", MEAUX_START, MEAUX_END, ConventionStatus.EXPIRED)
            _annex(old, siae, start=MEAUX_START, end=datetime.date(2017, 12, 31), etp=etp,
                   structure_code=structure_code, status=AnnexStatus.VALIDATED, establishment=place)
            _annex(old, siae, start=datetime.date(2018, 1, 1), end=MEAUX_END, etp=etp,
                   structure_code=structure_code, status=AnnexStatus.VALIDATED, establishment=place)
            # Today's convention: its last annex ends soon and nothing follows it yet.
            soon_start, soon_end = soon_annex_period(today)
            previous_start = soon_start - relativedelta(years=1)
            current = _convention(siae, authority, "DEMO-77-APRES-EI-MP", previous_start,
                                  soon_end + relativedelta(years=1), ConventionStatus.ACTIVE)
            _annex(current, siae, start=previous_start, end=soon_start - datetime.timedelta(days=1), etp=etp,
                   structure_code=structure_code, status=AnnexStatus.VALIDATED, establishment=place)
            _annex(current, siae, start=soon_start, end=soon_end, etp=etp,
                   structure_code=structure_code, status=AnnexStatus.VALIDATED, establishment=place)
            _prune(current)
            continue
        if code == MEAUX_TODAY:
            continue  # the SIAE's conventions are Après's, above
        start, end = datetime.date(year - 1, 1, 1), datetime.date(year + 1, 12, 31)
        convention = _convention(siae, authority, f"DEMO-{siae.department_id}-{code}", start, end,
                                 ConventionStatus.ACTIVE)
        for annex_year in (year - 1, year, year + 1):
            _annex(convention, siae, start=datetime.date(annex_year, 1, 1), end=datetime.date(annex_year, 12, 31),
                   etp=etp, structure_code=structure_code, establishment=place,
                   status=AnnexStatus.DRAFT if annex_year > year else AnnexStatus.VALIDATED)
        _prune(convention)


CONTRACT_YEARS = 7  # the demo's 2022-regime contracts run seven years, then are renewed for as long again


def contract_mentions_2022(code: str, posts: int) -> dict:
    """The 2022 regime's mentions of a demo implantation contract (docs/domain.md §7.4; demo values): MEAUX-ARES's
    own, a plausible set for the other pilots."""
    if code == MEAUX_TODAY:
        return MEAUX_TODAY_CONTRACT
    return {
        "premises_area": Decimal(posts * 15), "equipment": "Établis, outillage et rayonnages fournis par la SIAE.",
        "staff_access": "Les encadrants de la SIAE, habilités par le chef d'établissement, accèdent à l'atelier aux "
                        "heures de travail.",
        "monthly_fee": Decimal("0.00"), "fluids": "À la charge de l'établissement.",
        "insurance": "La SIAE assure sa responsabilité civile et ses équipements.",
        "renewal_terms": "Dénonciation par lettre recommandée trois mois avant le terme.",
        "modification_terms": "Par avenant signé des parties.",
        "termination_terms": "Par lettre recommandée, pour manquement d'une partie à ses obligations.",
        "termination_notice_months": 3,
    }


MEAUX_TODAY_CONTRACT = {
    "premises": "Atelier et zone de stockage du quartier nouveau concept, quai de livraison partagé avec le "
                "gestionnaire délégué",
    "premises_area": Decimal("570.0"),
    "equipment": "Tables de conditionnement, deux étiqueteuses, une filmeuse, transpalettes et cage de stockage "
                 "sécurisée, fournies et entretenues par Après.",
    "staff_access": "Trois encadrants techniques et la CIP d'Après, habilités par le chef d'établissement après "
                    "enquête administrative ; badges nominatifs remis à l'entrée.",
    "monthly_fee": Decimal("450.00"),
    "fluids": "Électricité et eau de l'atelier refacturées par l'établissement au réel, sur relevé de sous-compteur.",
    "insurance": "Après assure sa responsabilité civile et les équipements de l'atelier (attestation annuelle remise "
                 "à l'établissement).",
    "renewal_terms": "Chaque partie peut s'opposer au renouvellement par lettre recommandée six mois avant le terme.",
    "modification_terms": "Par avenant signé du chef d'établissement et du donneur d'ordre.",
    "termination_terms": "Par lettre recommandée motivée, pour manquement grave aux règles de sécurité ou arrêt de "
                         "l'activité.",
    "termination_notice_months": 3,
}


def _implantation_contracts(programmes: dict, today: datetime.date) -> None:
    """The 2016-regime contract of each pilot, then the 2022-regime one from 1 May 2022 (MEAUX-ARES: from its start,
    the 2022 regime only), renewed (one row per
    period) while the running one would end within a year of ``today``: a workshop of the demo always has a contract
    in force (MEAUX-APRES excepted, which ended with its experimental period on 31 December 2018)."""
    for code, (_etp, posts, hours, start) in BINDINGS.items():
        programme = programmes[code]
        premises = (f"Atelier du {programme.quartier.get_kind_display().lower()}" if programme.quartier
                    else "Atelier de l'établissement")
        common = {"premises": premises, "posts": posts, "weekly_hours": hours}
        if code == "MEAUX-APRES":
            ImplantationContract.objects.update_or_create(
                programme=programme, start_date=start,
                defaults={**common, "regime": ImplantationRegime.R2016, "end_date": MEAUX_END,
                          "tacit_renewal": False, "hourly_pay": rates.pay_floor(rates.smic_on(start))},
            )
            continue
        if start < CODE_2022_START:
            ImplantationContract.objects.update_or_create(
                programme=programme, start_date=start,
                defaults={**common, "regime": ImplantationRegime.R2016, "tacit_renewal": False,
                          "end_date": CODE_2022_START - datetime.timedelta(days=1),
                          "hourly_pay": rates.pay_floor(rates.smic_on(start))},
            )
        start = max(start, CODE_2022_START)
        while True:
            end = start + relativedelta(years=CONTRACT_YEARS) - datetime.timedelta(days=1)
            ImplantationContract.objects.update_or_create(
                programme=programme, start_date=start,
                defaults={**common, **contract_mentions_2022(code, posts), "regime": ImplantationRegime.R2022,
                          "tacit_renewal": True, "end_date": end, "hourly_pay": rates.pay_floor(rates.smic_on(start))},
            )
            if end > today + relativedelta(years=1):
                break
            start = end + datetime.timedelta(days=1)


def _meaux(programme: Programme, orgs: dict) -> None:
    """The seed's Meaux: partnership convention, partners and roles, steering committee of 22 March 2018."""
    partnership, _ = PartnershipConvention.objects.update_or_create(
        programme=programme, title=MEAUX_PARTNERSHIP,
        defaults={"purpose": MEAUX_PARTNERSHIP_PURPOSE, "start_date": MEAUX_START, "end_date": MEAUX_END},
    )
    for key, role in [
        ("prefecture", "Représentant de l'État, signataire"),
        ("pole_emploi", "Service public de l'emploi, signataire"),
        ("siae", "Structure d'insertion porteuse du programme, signataire"),
        ("disp", "Administration pénitentiaire, signataire"),
    ]:
        ConventionParty.objects.update_or_create(convention=partnership, organisation=orgs[key],
                                                 defaults={"role": role})

    # (organisation, role, until): from the start of the experiment; signatories until its end.
    for key, role, until in [
        ("prefecture", PartnerRoleKind.SIGNATORY, MEAUX_END),
        ("pole_emploi", PartnerRoleKind.SIGNATORY, MEAUX_END),
        ("siae", PartnerRoleKind.SIGNATORY, MEAUX_END),
        ("disp", PartnerRoleKind.SIGNATORY, MEAUX_END),
        ("spip", PartnerRoleKind.PRESCRIBER, None),
        ("siae", PartnerRoleKind.ACCOMPANIMENT, None),
        ("gepsa", PartnerRoleKind.STEERING, None),
        ("dreets", PartnerRoleKind.STEERING, None),
        ("ddets", PartnerRoleKind.FUNDER, None),
        ("departement", PartnerRoleKind.FUNDER, None),
        ("pole_emploi", PartnerRoleKind.EMPLOYMENT, None),
        ("missions_locales", PartnerRoleKind.EMPLOYMENT, None),
        ("health", PartnerRoleKind.HEALTH, None),
        ("sport_culture", PartnerRoleKind.SPORT_CULTURE, None),
        ("judicial", PartnerRoleKind.JUDICIAL, None),
    ]:
        PartnerRole.objects.update_or_create(
            programme=programme, organisation=orgs[key], role=role, start_date=MEAUX_START,
            defaults={"end_date": until},
        )

    committee, _ = Meeting.objects.update_or_create(
        kind=MeetingKind.STEERING, programme=programme, date=MEAUX_COMMITTEE_DATE,
        defaults={"establishment": programme.establishment,
                  "agenda": "Premier bilan de l'expérimentation du programme Après au quartier nouveau concept : "
                            "sessions de recrutement, parcours des personnes détenues, sorties et suites "
                            "à l'extérieur."},
    )
    # Who attended, as the press release of 30 March 2018 names them (organisation, quality, person).
    for key, quality, person in [
        ("disp", "Directeur interrégional des services pénitentiaires de Paris", "Laurent Ridel"),
        ("spip", "Représentant du SPIP de Seine-et-Marne", "Yannick Le Meur"),
        ("establishment", "Directeur du centre pénitentiaire de Meaux-Chauconin", "Pascal Bruneau"),
        ("siae", "Directeur général du Groupe ARES", "Thibault Guilluy"),
        ("gepsa", "Gestionnaire délégué", ""),
        ("dreets", "DIRECCTE Île-de-France", ""),
        ("pole_emploi", "Pôle emploi", ""),
        ("missions_locales", "Missions locales", ""),
    ]:
        MeetingAttendee.objects.update_or_create(meeting=committee, organisation=orgs[key], role=quality,
                                                 defaults={"person": person})


# What the standard documents certify about Meaux's signatories (issue 5): the SIAE's address and director, the
# heads who sign the implantation contract (names of the press release of 30 March 2018).
MEAUX_SIAE_ADDRESS = "Groupe ARES — Après\n77100 Meaux"


def _signatories(programmes: dict, orgs: dict) -> None:
    meaux = programmes["MEAUX-APRES"]
    Siae.objects.filter(pk=meaux.siae_id, address="").update(address=MEAUX_SIAE_ADDRESS)
    Siae.objects.filter(pk=meaux.siae_id, director_name="").update(director_name="Thibault Guilluy")
    for code, (etp, posts, _hours, _start) in BINDINGS.items():
        Programme.objects.filter(code=code, places_planned__isnull=True).update(places_planned=posts)
        Programme.objects.filter(code=code, etp_planned__isnull=True).update(etp_planned=etp)
    for key, first, last, function in [
        ("establishment", "Pascal", "Bruneau", "Directeur du centre pénitentiaire de Meaux-Chauconin"),
        ("disp", "Laurent", "Ridel", "Directeur interrégional des services pénitentiaires de Paris"),
    ]:
        Contact.objects.update_or_create(organisation=orgs[key], first_name=first, last_name=last,
                                         defaults={"function": function})
    # Metz (demo values): EFIC's seat and director, the head of the CP de Metz, so that its documents generate.
    metz = programmes["METZ-EFIC"]
    Siae.objects.filter(pk=metz.siae_id, address="").update(address=METZ_SIAE_ADDRESS)
    Siae.objects.filter(pk=metz.siae_id, director_name="").update(director_name="Sophie Weber")
    Siae.objects.filter(pk=metz.siae_id, governance="").update(governance=METZ_GOVERNANCE)
    Contact.objects.update_or_create(
        organisation=Organisation.objects.get(kind=OK.ESTABLISHMENT, establishment=metz.establishment),
        first_name="Claire", last_name="Lambert",
        defaults={"function": "Directrice du centre pénitentiaire de Metz", "email": "direction.metz@demo.invalid"})


METZ_SIAE_ADDRESS = "EFIC — adresse de démonstration\n57000 Metz"
METZ_GOVERNANCE = ("Association loi 1901 : assemblée générale annuelle, conseil d'administration de neuf membres, "
                   "bureau réuni chaque mois.")


# Today's Meaux project (issue 17, §2): what the fiche-projet, the dossier unique and the CEP print (demo values).
MEAUX_TODAY_PROJECT = {
    "target_public": "Hommes détenus au quartier nouveau concept du CP de Meaux-Chauconin, condamnés, à 6 à 24 mois "
                     "de leur libération prévisible ; 20 places, environ 35 personnes par an.",
    "schedule": "Du lundi au vendredi, de 8 h à 12 h et de 13 h 30 à 15 h 30 (sauf le vendredi après-midi).",
    "markets": "Conditionnement et sous-traitance industrielle pour des entreprises d'Île-de-France : étiquetage, "
               "kits de prélèvement, emballages cartonnés ; chiffre d'affaires attendu : 180 000 € par an.",
    "premises": "Atelier de 450 m² au quartier nouveau concept, zone de stockage de 120 m², quai de livraison "
                "partagé avec le gestionnaire délégué.",
    "equipment": "Tables de conditionnement, deux étiqueteuses, une filmeuse, transpalettes, cage de stockage "
                 "sécurisée.",
    "supervisors_etp": Decimal("2.00"),
    "cip_etp": Decimal("1.00"),
    "cip_name": "Nadia Benali",
    "permanent_staff": "Un responsable d'atelier (1 ETP, titre d'encadrant technique d'insertion), un encadrant "
                       "technique (1 ETP), une conseillère en insertion professionnelle (1 ETP).",
    "accompaniment_plan": "Diagnostic à l'entrée, un entretien individuel toutes les deux semaines, ateliers "
                          "collectifs (droits, santé, recherche d'emploi), formation gestes et postures "
                          "et préparation au CACES, levée des freins avec le SPIP, préparation de la sortie.",
    "continuity": "Embauche en CDDI à l'atelier extérieur d'Après à Meaux (jusqu'à 6 postes par an) ou relais vers "
                  "une autre SIAE, avec France Travail et la Mission locale.",
    "timeline": "Janvier 2023 : contrat d'implantation (régime 2022) et premières sessions de recrutement.\n"
                "Chaque année : annexe financière, comité de pilotage et bilan d'activité.",
    "target_entries": 35,
    "target_durable_pct": Decimal("25.00"),
    "target_dynamic_pct": Decimal("60.00"),
    "budget_pay": Decimal("168000.00"),
    "budget_staff": Decimal("150000.00"),
    "budget_purchases": Decimal("30000.00"),
    "budget_premises": Decimal("24000.00"),
    "budget_overheads": Decimal("36000.00"),
    "budget_sales": Decimal("180000.00"),
    "post_risks": "Gestes répétitifs et manutention de cartons : gants et chaussures de sécurité fournis, formation "
                  "gestes et postures à l'entrée.",
    "on_call": "Aucune astreinte.",
    "bonuses": "Aucune prime.",
}
MEAUX_TODAY_CONVENTION = {
    "cdiae_opinion_on": None,  # set from the convention's start (the demo's dates move with today)
    "signatory_name": "Claire Morel",
    "signatory_title": "Directrice départementale de l'emploi, du travail et des solidarités de Seine-et-Marne",
    "target_dynamic_pct": Decimal("60.00"),
    "target_durable_pct": Decimal("25.00"),
    "objectives": "Chaque personne suit au moins une formation qualifiante pendant son parcours.",
}
MEAUX_GOVERNANCE = ("SAS détenue par le Groupe ARES : un président, un comité stratégique du groupe réuni chaque "
                    "trimestre, la direction générale du groupe.")


def _generic_project(programme: Programme, posts: int, hours: Decimal) -> dict:
    """A plausible project for a pilot (demo values), so that every demo programme's documents generate."""
    place = programme.quartier.get_kind_display().lower() if programme.quartier else "détention"
    return {
        "target_public": f"Personnes détenues ({place}), condamnées, à moins de 24 mois de leur libération "
                         f"prévisible ; {posts} places.",
        "schedule": f"Du lundi au vendredi, {rates.format_number(hours, 0)} h par semaine selon l'emploi du temps "
                    "de l'établissement.",
        "markets": f"{programme.activity} pour des clients du territoire.",
        "premises": f"Atelier de l'établissement ({place}) et zone de stockage.",
        "equipment": "Postes de travail, outillage et moyens de manutention.",
        "supervisors_etp": Decimal("1.00"), "cip_etp": Decimal("0.50"), "cip_name": "Sam Girard",
        "permanent_staff": "Un encadrant technique d'insertion (1 ETP), une CIP (0,5 ETP).",
        "accompaniment_plan": "Diagnostic à l'entrée, entretiens individuels réguliers, formation, levée des freins "
                              "avec le SPIP, préparation de la sortie.",
        "continuity": "Embauche en CDDI à l'extérieur ou relais vers une autre SIAE, avec France Travail.",
        "timeline": "Contrat d'implantation, sessions de recrutement, bilan annuel et renouvellement de l'annexe.",
        "target_entries": posts * 2, "target_durable_pct": Decimal("20.00"), "target_dynamic_pct": Decimal("50.00"),
        "budget_pay": Decimal(posts * 5000), "budget_staff": Decimal("80000.00"),
        "budget_purchases": Decimal("10000.00"), "budget_premises": Decimal("6000.00"),
        "budget_overheads": Decimal("12000.00"), "budget_sales": Decimal(posts * 3000),
        "post_risks": "Aucun risque particulier ; formation à la sécurité du poste à l'entrée.",
        "on_call": "Aucune astreinte.", "bonuses": "Aucune prime.",
    }


def _convention_details() -> None:
    """Every demo convention names the CDIAE's opinion, the prefect's signatory and its exit targets (demo values),
    the signatory's title as the service was called when the convention started."""
    for convention in StateConvention.objects.select_related("authority"):
        if convention.authority.kind == OK.DREETS:  # overseas: the DEETS
            title = "Directeur de l'économie, de l'emploi, du travail et des solidarités"
        elif convention.start_date < DREETS_SINCE:
            title = "Responsable de l'unité départementale de la DIRECCTE"
        else:
            title = "Directeur départemental de l'emploi, du travail et des solidarités"
        StateConvention.objects.filter(pk=convention.pk).update(
            cdiae_opinion_on=convention.start_date - datetime.timedelta(days=30), signatory_name="Alain Fournier",
            signatory_title=title, target_dynamic_pct=Decimal("50.00"), target_durable_pct=Decimal("20.00"))


def _meaux_today_project(programmes: dict, orgs: dict) -> None:
    """Every demo programme and convention fills the fields its documents print (issue 17, §2); today's Meaux with its
    own project, convention, SIAE governance and the head's coordinates."""
    for code, (_etp, posts, hours, _start) in BINDINGS.items():
        Programme.objects.filter(pk=programmes[code].pk).update(**_generic_project(programmes[code], posts, hours))
    _convention_details()
    Programme.objects.filter(code=MEAUX_TODAY).update(**MEAUX_TODAY_PROJECT)
    siae = Programme.objects.get(code=MEAUX_TODAY).siae
    Siae.objects.filter(pk=siae.pk).update(governance=MEAUX_GOVERNANCE)
    convention = StateConvention.objects.get(siae=siae, reference=FUNDED_BY[MEAUX_TODAY])
    StateConvention.objects.filter(pk=convention.pk).update(**{
        **MEAUX_TODAY_CONVENTION, "cdiae_opinion_on": convention.start_date - datetime.timedelta(days=30)})
    Contact.objects.filter(organisation=orgs["establishment"], first_name="Pascal", last_name="Bruneau",
                           email="").update(email="direction.meaux@demo.invalid", phone="01 60 00 00 01")
    # Today's Meaux works with the partners of the experiment still there (docs/domain.md §7.1: the fiche-projet's
    # partners), from its own start.
    for key, role in [("spip", PartnerRoleKind.PRESCRIBER), ("ddets", PartnerRoleKind.FUNDER),
                      ("pole_emploi", PartnerRoleKind.EMPLOYMENT), ("missions_locales", PartnerRoleKind.EMPLOYMENT),
                      ("health", PartnerRoleKind.HEALTH)]:
        PartnerRole.objects.update_or_create(programme=programmes[MEAUX_TODAY], organisation=orgs[key], role=role,
                                             start_date=MEAUX_TODAY_START, defaults={"end_date": None})


FUNDED_BY = {"MEAUX-APRES": "DEMO-77-APRES-2017", MEAUX_TODAY: "DEMO-77-APRES-EI-MP"}


def _funding(programmes: dict, orgs: dict) -> None:
    """The State's aide au poste of each validated annex year; the Département's share at Meaux (demo values)."""
    for programme in programmes.values():
        by_year: dict[tuple[int, int], Decimal] = {}
        annexes = FinancialAnnex.objects.filter(convention__siae=programme.siae, status=AnnexStatus.VALIDATED)
        if programme.code in FUNDED_BY:  # Après's two programmes, each funded by its own convention
            annexes = annexes.filter(convention__reference=FUNDED_BY[programme.code])
        for annex in annexes.select_related("convention"):
            key = (annex.year, annex.convention.authority_id)
            by_year[key] = by_year.get(key, Decimal(0)) + annex.aid_amount
        for (year, authority_id), amount in by_year.items():
            FundingLine.objects.update_or_create(
                programme=programme, year=year, funder=Funder.STATE, organisation_id=authority_id,
                defaults={"amount": amount},
            )
        # Years whose annexes went (the demo dates move with today).
        stale = FundingLine.objects.filter(programme=programme, funder=Funder.STATE)
        for year, authority_id in by_year:
            stale = stale.exclude(year=year, organisation_id=authority_id)
        stale.delete()
    for year, amount in [(2017, Decimal("18000.00")), (2018, Decimal("36000.00"))]:
        FundingLine.objects.update_or_create(
            programme=programmes["MEAUX-APRES"], year=year, funder=Funder.DEPARTEMENT,
            organisation=orgs["departement"], defaults={"amount": amount},
        )


def _tour_de_france(dreets_by_region: dict) -> None:
    for stage, date, region_codes, disp_code, slug in TOUR_STAGES:
        event, _ = Event.objects.update_or_create(
            title=TOUR_TITLE.format(stage),
            defaults={"date": date, "programme_items": TOUR_PROGRAMME, "replay_url": LIVESTORM.format(slug)},
        )
        event.regions.set(Region.objects.filter(code__in=region_codes))
        event.co_organisers.set(
            [disp_organisation(disp_code)] + [dreets_by_region[c] for c in region_codes if c in dreets_by_region]
        )


def _load_bindings(today: datetime.date) -> None:
    dreets_by_region = {}
    for region in Region.objects.exclude(code__in=NO_STATE_LABOUR_SERVICE):
        name, former = dreets_name(region)
        dreets_by_region[region.code] = _org(OK.DREETS, name, region=region)
        _former(dreets_by_region[region.code], former, DIRECCTE_UNTIL)

    # The State's signatory of each pilot's convention: the DDETS (an unité départementale of the
    # DIRECCTE until 31 March 2021); at La Réunion the DEETS, regional and departmental at once.
    authorities = {}
    for dept, spip_name in SPIP_NAMES.items():
        department = Department.objects.get(code=dept)
        if department.region_id in OVERSEAS_REGIONS:
            authorities[dept] = dreets_by_region[department.region_id]
            continue
        suffix = spip_name.removeprefix("SPIP ")
        ddets = _org(OK.DDETS, f"DDETS {suffix}", department=department)
        _former(ddets, f"{dreets_name(department.region)[1]} — unité départementale {suffix}", DIRECCTE_UNTIL)
        authorities[dept] = ddets

    seine_et_marne = Department.objects.get(code="77")
    programmes = {p.code: p for p in Programme.objects.filter(code__in=BINDINGS).select_related(
        "siae", "establishment", "quartier")}
    meaux = programmes["MEAUX-APRES"]
    orgs = {
        "prefecture": Organisation.objects.get(kind=OK.PREFECTURE, name="Préfecture de Seine-et-Marne"),
        "pole_emploi": Organisation.objects.get(kind=OK.FRANCE_TRAVAIL, name="France Travail Meaux"),
        "siae": Organisation.objects.get(kind=OK.SIAE, siae=meaux.siae),
        "establishment": Organisation.objects.get(kind=OK.ESTABLISHMENT, establishment=meaux.establishment),
        "disp": disp_organisation("DISP_PARIS"),
        "spip": Organisation.objects.get(kind=OK.SPIP, name=SPIP_NAMES["77"]),
        "gepsa": Organisation.objects.get(kind=OK.DELEGATED_MANAGER, name="GEPSA"),
        "dreets": dreets_by_region["11"],
        "ddets": authorities["77"],
        "missions_locales": Organisation.objects.get(kind=OK.MISSION_LOCALE, name="Missions locales de Seine-et-Marne"),
        "judicial": Organisation.objects.get(kind=OK.JUDICIAL,
                                             name="Tribunal judiciaire de Meaux (application des peines)"),
        "health": _org(OK.HEALTH, MEAUX_HEALTH, department=seine_et_marne),
        "sport_culture": _org(OK.SPORT_CULTURE, MEAUX_SPORT_CULTURE, department=seine_et_marne),
        "departement": _org(OK.DEPARTEMENT, MEAUX_DEPARTEMENT, department=seine_et_marne),
    }
    _state_conventions(programmes, authorities, today)
    _implantation_contracts(programmes, today)
    _meaux(meaux, orgs)
    _signatories(programmes, orgs)
    _meaux_today_project(programmes, orgs)
    _funding(programmes, orgs)
    _tour_de_france(dreets_by_region)
