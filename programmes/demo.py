"""The client's pilot sites (seed documents, domain.md 2.2) as demo data; loading twice changes nothing.

The seed does not state each pilot SIAE's kind: Après is the "entreprise d'insertion" of the Meaux
press release (EI); the others, associations, are recorded as ACI. Their SIRET numbers are demo
values (valid check digit), not the real ones.
"""

import datetime

from django.conf import settings
from django.db import transaction

from accounts.enums import Role
from accounts.models import User
from partners.enums import OrganisationKind as OK
from partners.models import Organisation, OrganisationFormerName

from .enums import EstablishmentKind as EK
from .enums import ProgrammePhase, ProgrammeStage, SiaeKind
from .models import Department, Disp, Establishment, Programme, Quartier, Region, Siae
from .validators import luhn_is_valid

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


@transaction.atomic
def load_demo() -> dict[str, int]:
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
    return {
        "programmes": Programme.objects.count(),
        "establishments": Establishment.objects.count(),
        "siae": Siae.objects.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
    }
