"""Who is who in the access tests: one user per role in scope A, the same roles in scope B, and anonymous.

Scope A: establishment "CP Alpha" in Seine-et-Marne (77), region Île-de-France (11), DISP Paris, where
"SIAE Alpha" runs programme ALPHA-1. Scope B: "CP Bravo" in Moselle (57), region Grand Est (44),
DISP Strasbourg, with "SIAE Bravo" and programme BRAVO-1. Each scope has its SPIP, SIAE, establishment,
DISP, DREETS and DDETS organisations; NATIONAL and ADMIN belong to no scope (they see everything).
"""

from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import Role
from partners.enums import OrganisationKind
from programmes.models import Disp, Quartier, Region
from tests.accounts.factories import UserFactory
from tests.partners.factories import OrganisationFactory
from tests.programmes.factories import EstablishmentFactory, ProgrammeFactory, SiaeFactory

SCOPED_ROLES = (
    Role.CPIP,
    Role.SPIP_MANAGER,
    Role.SIAE_DIRECTOR,
    Role.SIAE_STAFF,
    Role.ESTABLISHMENT_STAFF,
    Role.DISP_STAFF,
    Role.DREETS_STAFF,
    Role.DDETS_STAFF,
)
UNSCOPED_ROLES = (Role.NATIONAL, Role.ADMIN)
# Which organisation of a scope a user of each role acts for.
ROLE_ORGANISATION = {
    Role.CPIP: "spip",
    Role.SPIP_MANAGER: "spip",
    Role.SIAE_DIRECTOR: "siae",
    Role.SIAE_STAFF: "siae",
    Role.ESTABLISHMENT_STAFF: "establishment",
    Role.DISP_STAFF: "disp",
    Role.DREETS_STAFF: "dreets",
    Role.DDETS_STAFF: "ddets",
}
SCOPE_GEOGRAPHY = {
    "A": {"word": "Alpha", "department": "77", "region": "11", "disp": "DISP_PARIS"},
    "B": {"word": "Bravo", "department": "57", "region": "44", "disp": "DISP_STRASBOURG"},
}
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Persona:
    role: str | None  # None: anonymous
    scope: str | None  # "A", "B", or None (anonymous, or a role that sees everything)

    @property
    def name(self) -> str:
        if self.role is None:
            return ANONYMOUS
        return f"{self.role}_{self.scope}" if self.scope else str(self.role)


PERSONAS = (
    [Persona(role, "A") for role in SCOPED_ROLES]
    + [Persona(role, "B") for role in SCOPED_ROLES]
    + [Persona(role, None) for role in UNSCOPED_ROLES]
    + [Persona(None, None)]
)
PERSONAS_BY_NAME = {persona.name: persona for persona in PERSONAS}


@dataclass
class Scope:
    key: str
    establishment: object
    quartier: object
    siae: object
    programme: object
    organisations: dict


def build_scope(key: str) -> Scope:
    geo = SCOPE_GEOGRAPHY[key]
    word, dept = geo["word"], geo["department"]
    establishment = EstablishmentFactory(name=f"CP {word}", department_code=dept)
    quartier = Quartier.objects.create(establishment=establishment, kind="QMA")
    Quartier.objects.create(establishment=establishment, kind="QCD")
    siae = SiaeFactory(name=f"SIAE {word}", department_code=dept)
    programme = ProgrammeFactory(
        code=f"{word.upper()}-1", siae=siae, establishment=establishment, quartier=quartier,
        activity=f"Atelier {word}",
    )
    department = establishment.department
    organisations = {
        "spip": OrganisationFactory(kind=OrganisationKind.SPIP, name=f"SPIP {word}", department=department,
                                    served_establishments=[establishment]),
        "siae": OrganisationFactory(kind=OrganisationKind.SIAE, name=f"Structure {word}", siae=siae,
                                    department=department),
        "establishment": OrganisationFactory(kind=OrganisationKind.ESTABLISHMENT, name=f"Greffe {word}",
                                             establishment=establishment, department=department),
        "disp": OrganisationFactory(kind=OrganisationKind.DISP, name=f"DISP {word}",
                                    disp=Disp.objects.get(code=geo["disp"])),
        "dreets": OrganisationFactory(kind=OrganisationKind.DREETS, name=f"DREETS {word}",
                                      region=Region.objects.get(code=geo["region"])),
        "ddets": OrganisationFactory(kind=OrganisationKind.DDETS, name=f"DDETS {word}", department=department),
    }
    return Scope(key, establishment, quartier, siae, programme, organisations)


def build_personas(scopes: dict[str, Scope]) -> dict:
    """Persona name -> user (None for anonymous)."""
    users = {}
    for persona in PERSONAS:
        if persona.role is None:
            users[persona.name] = None
            continue
        organisation = (
            scopes[persona.scope].organisations[ROLE_ORGANISATION[persona.role]] if persona.scope else None
        )
        users[persona.name] = UserFactory(
            username=persona.name.lower(), first_name=persona.name, role=persona.role, organisation=organisation
        )
    return users


def with_second_factor(client: Client, user) -> None:
    """The second factor of ``user`` (a confirmed device, created once) passed in the session of ``client``."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="tests", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def signed_in_sessions(personas: dict) -> dict[str, str | None]:
    """Persona name -> the key of a session signed in as that persona, second factor included (None: anonymous).
    A test opens a new client on it for each request it checks: whatever an answer did to its cookies, the next one
    starts signed in again."""
    keys = {}
    for name, user in personas.items():
        keys[name] = None
        if user is not None:
            client = Client()
            Client.force_login(client, user)
            with_second_factor(client, user)
            keys[name] = client.session.session_key
    return keys


def client_on(session_key: str | None) -> Client:
    """A new test client on a session of signed_in_sessions (anonymous for None)."""
    client = Client()
    if session_key is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client
