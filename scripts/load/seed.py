"""Data for the load test (R-1): synthetic participants at scale and the personas' own accounts.

Called by scripts/load/runner.py in a process where Django is set up on the target database:
- ``generate_synthetic --scale small --multiplier M --force`` (COPY on PostgreSQL, invented SYNTH identities)
  until the database holds ``participants`` participants, then the dashboards' monthly summaries rebuilt; skipped
  when it already holds them (a reused database);
- a SPIP organisation serving the synthetic establishment with the most people (the counsellors' caseload), the
  largest synthetic SIAE's organisation, and the DISP Paris of the demonstration;
- ``users`` accounts per persona: load.cpip.N, load.siae.N, load.disp.N, password ``password``;
- up to 12 READY documents in the SIAE's scope (rendered here, through documents.services), for its downloads.
"""

import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATHWAYS_PER_SMALL_SCALE = 2_000
PARTICIPANTS_PER_PATHWAY = 0.8  # measured: about 1 person in 5 applies again
ROLES = ("cpip", "siae", "disp")


def seed(env: dict, participants: int, users: int, password: str, log=print) -> dict:
    from django.db.models import Count

    from participants.models import Participant

    started = time.monotonic()
    present = Participant.objects.count()
    if present < participants:
        multiplier = math.ceil(participants / (PATHWAYS_PER_SMALL_SCALE * PARTICIPANTS_PER_PATHWAY))
        log(f"Génération des données synthétiques (small × {multiplier})…")
        result = subprocess.run([sys.executable, "manage.py", "generate_synthetic", "--scale", "small",  # noqa: S603
                                 "--multiplier", str(multiplier), "--force"], cwd=ROOT, env=env,
                                capture_output=True, text=True, check=False)
        if result.returncode:
            raise RuntimeError(f"generate_synthetic a échoué :\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    total = Participant.objects.count()
    from programmes.models import Establishment

    establishment = (Establishment.objects.filter(name__startswith="SYNTH")
                     .annotate(n=Count("participants")).order_by("-n").first())
    caseload = establishment.n if establishment else 0
    accounts = _accounts(establishment, users, password)
    documents = _documents(accounts["siae"])
    return {"participants": total, "caseload": caseload, "documents": documents,
            "seconds": time.monotonic() - started}


def _accounts(establishment, users: int, password: str) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from accounts.enums import Role
    from accounts.models import User
    from partners.enums import OrganisationKind
    from partners.models import Organisation
    from programmes.models import Siae

    spip, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.SPIP, name="SPIP SYNTH (test de charge)",
        defaults={"department": establishment.department})
    spip.served_establishments.add(establishment)
    siae = Siae.objects.filter(name__startswith="SYNTH").annotate(n=Count("programmes__pathways")).order_by("-n")[0]
    siae_org = getattr(siae, "organisation", None) if hasattr(siae, "organisation") else None
    if siae_org is None:
        siae_org, _ = Organisation.objects.get_or_create(kind=OrganisationKind.SIAE, siae=siae,
                                                         defaults={"name": f"{siae.name} (test de charge)"})
    disp_org = User.objects.get(username="disp.paris").organisation
    hashed = make_password(password)
    try:
        from accounts.two_factor import demo_device
    except ImportError:  # before the two-factor step existed
        demo_device = None
    organisations = {"cpip": (Role.CPIP, spip), "siae": (Role.SIAE_DIRECTOR, siae_org),
                     "disp": (Role.DISP_STAFF, disp_org)}
    made = {}
    for role, (user_role, organisation) in organisations.items():
        for number in range(1, users + 1):
            user, _ = User.objects.update_or_create(
                username=f"load.{role}.{number}",
                defaults={"role": user_role, "organisation": organisation, "password": hashed, "is_active": True,
                          "first_name": "Charge", "last_name": f"{role.upper()} {number}"})
            made.setdefault(role, user)
            if demo_device is not None:  # second factor: the demo key (the locust users compute its codes)
                demo_device(user)
    return made


def _documents(user, wanted: int = 12) -> int:
    """READY documents in ``user``'s scope (an SIAE director): made here when fewer than ``wanted``."""
    from access import scope
    from documents import kinds  # noqa: F401 - registers every kind
    from documents.enums import DocumentStatus, SubjectType
    from documents.registry import REGISTRY
    from documents.services import document_generate, document_request

    ready = scope.documents_for(user).filter(status=DocumentStatus.READY)
    if ready.count() >= wanted:
        return ready.count()
    candidates = {SubjectType.PROGRAMME: scope.programmes_for(user), SubjectType.PATHWAY: scope.pathways_for(user),
                  SubjectType.CONVENTION: scope.state_conventions_for(user)}
    for kind, spec in sorted(REGISTRY.items()):
        if spec.options:
            continue
        for subject in candidates[spec.subject_type].order_by("pk")[:40]:
            if ready.count() >= wanted:
                return ready.count()
            if spec.missing(subject):
                continue
            document = document_request(kind=kind, subject=subject, by=user)
            document_generate(document.pk)  # rendered here: the load test needs no worker
    return ready.count()
