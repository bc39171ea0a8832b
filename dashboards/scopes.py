"""Which programmes a dashboard counts: a level (national, DISP, region, department, establishment, SIAE,
programme), one key, and always the viewer's own scope (access.scope): outside it, 404.

A scope's programmes are ``programmes_for(user)`` narrowed to the level's key, so an SIAE dashboard seen by a
DREETS officer counts only that SIAE's programmes in the officer's region.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from access import scope as access
from accounts.enums import Role
from programmes.models import Department, Disp, Establishment, Region


class Level:
    NATIONAL = "national"
    DISP = "disp"
    REGION = "region"
    DEPARTMENT = "department"
    ESTABLISHMENT = "establishment"
    SIAE = "siae"
    PROGRAMME = "programme"


LEVEL_LABELS = {
    Level.NATIONAL: "National", Level.DISP: "Direction interrégionale", Level.REGION: "Région",
    Level.DEPARTMENT: "Département", Level.ESTABLISHMENT: "Établissement", Level.SIAE: "SIAE",
    Level.PROGRAMME: "Programme",
}
# Every level shows exact figures to whoever may open it (issue 16, §1): no small cell is hidden inside the
# application; the protected "version diffusable" is dashboards/disclosure's.


@dataclass(frozen=True)
class Grouping:
    """How a level lists the next one: the Programme field that groups, and how to name each group."""

    level: str
    path: str  # Programme field path of the group key
    label_path: str  # Programme field path of the group's label
    title: str  # column title


GROUPINGS = {
    Level.DISP: Grouping(Level.DISP, "establishment__department__region__disp_id",
                         "establishment__department__region__disp__name", "Direction interrégionale"),
    Level.REGION: Grouping(Level.REGION, "establishment__department__region_id",
                           "establishment__department__region__name", "Région"),
    Level.DEPARTMENT: Grouping(Level.DEPARTMENT, "establishment__department_id",
                               "establishment__department__name", "Département"),
    Level.ESTABLISHMENT: Grouping(Level.ESTABLISHMENT, "establishment_id", "establishment__name", "Établissement"),
    Level.SIAE: Grouping(Level.SIAE, "siae__siret", "siae__name", "SIAE"),
    Level.PROGRAMME: Grouping(Level.PROGRAMME, "code", "code", "Programme"),
}
# What each level lists (national may also list regions: ``children`` below).
CHILD_LEVEL = {
    Level.NATIONAL: Level.DISP, Level.DISP: Level.ESTABLISHMENT, Level.REGION: Level.ESTABLISHMENT,
    Level.DEPARTMENT: Level.ESTABLISHMENT, Level.ESTABLISHMENT: Level.PROGRAMME, Level.SIAE: Level.PROGRAMME,
    Level.PROGRAMME: None,
}
CHILD_CHOICES = {Level.NATIONAL: (Level.DISP, Level.REGION), Level.DISP: (Level.ESTABLISHMENT, Level.REGION)}


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


@dataclass
class Scope:
    level: str
    key: str  # "" for national
    label: str
    programmes: QuerySet = field(repr=False)
    crumbs: list[Crumb] = field(default_factory=list)  # the levels above, for the breadcrumb

    @property
    def spec(self) -> str:
        return self.level if self.level == Level.NATIONAL else f"{self.level}:{self.key}"

    @property
    def url(self) -> str:
        return url_of(self.level, self.key)

    def child_levels(self) -> tuple[str, ...]:
        if self.level in CHILD_CHOICES:
            return CHILD_CHOICES[self.level]
        child = CHILD_LEVEL[self.level]
        return (child,) if child else ()


def url_of(level: str, key: str = "") -> str:
    if level == Level.NATIONAL:
        return reverse("dashboards:national")
    return reverse("dashboards:scope", args=[level, key])


def _get(queryset, **lookup):
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("Tableau de bord introuvable.")
    return obj


def resolve(user, level: str, key: str = "") -> Scope:
    """The scope ``level:key`` as ``user`` may see it; Http404 when it is not theirs (or does not exist)."""
    visible = access.programmes_for(user)
    if level == Level.NATIONAL:
        if not access.sees_national(user):
            raise Http404("Tableau de bord introuvable.")
        return Scope(level, "", "France entière", visible)
    if level == Level.DISP:
        disp = _get(access.disps_for(user), pk=key)
        return Scope(level, disp.pk, disp.name,
                     visible.filter(establishment__department__region__disp=disp), _crumbs(user, None))
    if level == Level.REGION:
        region = _get(access.regions_for(user).select_related("disp"), pk=key)
        return Scope(level, region.pk, region.name, visible.filter(establishment__department__region=region),
                     _crumbs(user, region.disp))
    if level == Level.DEPARTMENT:
        department = _get(access.territory_departments_for(user).select_related("region__disp"), pk=key)
        return Scope(level, department.pk, str(department), visible.filter(establishment__department=department),
                     _crumbs(user, department.region.disp, department.region))
    if level == Level.ESTABLISHMENT:
        if not str(key).isdigit():
            raise Http404("Tableau de bord introuvable.")
        establishment = _get(access.establishments_for(user).select_related("department__region__disp"), pk=key)
        department = establishment.department
        return Scope(level, str(establishment.pk), establishment.name, visible.filter(establishment=establishment),
                     _crumbs(user, department.region.disp, department.region, department))
    if level == Level.SIAE:
        siae = _get(access.siaes_for(user), siret=key)
        return Scope(level, siae.siret, siae.name, visible.filter(siae=siae), _crumbs(user))
    if level == Level.PROGRAMME:
        programme = _get(visible.select_related("establishment__department__region__disp", "siae"), code=key)
        department = programme.establishment.department
        crumbs = _crumbs(user, department.region.disp, department.region, department, programme.establishment)
        return Scope(level, programme.code, f"{programme.code} — {programme.siae.name}",
                     visible.filter(pk=programme.pk), crumbs)
    raise Http404("Tableau de bord introuvable.")


def _crumbs(user, disp: Disp | None = None, region: Region | None = None, department: Department | None = None,
            establishment: Establishment | None = None) -> list[Crumb]:
    """The levels above that this user may open (one query at most per level, none for national)."""
    crumbs = []
    national = access.sees_national(user)
    if national:  # sees every level: no query to ask
        crumbs.append(Crumb("France entière", url_of(Level.NATIONAL)))
        for obj, level, key in ((disp, Level.DISP, disp and disp.pk), (region, Level.REGION, region and region.pk),
                                (department, Level.DEPARTMENT, department and department.pk),
                                (establishment, Level.ESTABLISHMENT, establishment and str(establishment.pk))):
            if obj is not None:
                crumbs.append(Crumb(obj.name if level != Level.DEPARTMENT else str(obj), url_of(level, key)))
        return crumbs
    if disp is not None and access.disps_for(user).filter(pk=disp.pk).exists():
        crumbs.append(Crumb(disp.name, url_of(Level.DISP, disp.pk)))
    if region is not None and access.regions_for(user).filter(pk=region.pk).exists():
        crumbs.append(Crumb(region.name, url_of(Level.REGION, region.pk)))
    if department is not None and access.territory_departments_for(user).filter(pk=department.pk).exists():
        crumbs.append(Crumb(str(department), url_of(Level.DEPARTMENT, department.pk)))
    if establishment is not None and access.establishments_for(user).filter(pk=establishment.pk).exists():
        crumbs.append(Crumb(establishment.name, url_of(Level.ESTABLISHMENT, str(establishment.pk))))
    return crumbs


def landing_for(user) -> tuple[str, str] | None:
    """Where each role lands: its own territory, its SIAE, its establishment; None when it has no dashboard."""
    if access.sees_national(user):
        return Level.NATIONAL, ""
    org = user.organisation
    if user.role == Role.DISP_STAFF:
        return Level.DISP, org.disp_id
    if user.role == Role.DREETS_STAFF:
        return Level.REGION, org.region_id
    if user.role == Role.DDETS_STAFF:
        return Level.DEPARTMENT, org.department_id
    if user.role in access.SIAE_ROLES and org.siae_id:
        return Level.SIAE, org.siae.siret
    establishments = list(access.establishments_for(user).values_list("pk", flat=True)[:2])
    if len(establishments) == 1:
        return Level.ESTABLISHMENT, str(establishments[0])
    return None


def landing_choices(user) -> tuple[list, list]:
    """For a role without a scope of its own to land on: (establishment, url) and (programme, url) it may open."""
    establishments = access.establishments_for(user).select_related("department").order_by("name")
    programmes = access.programmes_for(user).select_related("siae", "establishment").order_by("code")
    return ([(establishment, url_of(Level.ESTABLISHMENT, str(establishment.pk))) for establishment in establishments],
            [(programme, url_of(Level.PROGRAMME, programme.code)) for programme in programmes])


def from_spec(spec: str) -> tuple[str, str]:
    """``national``, ``disp:CODE``, ``region:CODE``... as (level, key); ValueError with a French message."""
    spec = (spec or "").strip()
    if spec == Level.NATIONAL:
        return Level.NATIONAL, ""
    level, _, key = spec.partition(":")
    if level not in LEVEL_LABELS or level == Level.NATIONAL or not key:
        raise ValueError(f"Périmètre « {spec} » non reconnu : attendu national, disp:CODE, region:CODE, "
                         "department:CODE, establishment:ID, siae:SIRET ou programme:CODE.")
    return level, key


def with_siae_kind(scope: Scope, kind: str) -> Scope:
    """The same scope restricted to one SIAE kind (the dashboards' filter)."""
    if not kind:
        return scope
    return Scope(scope.level, scope.key, scope.label, scope.programmes.filter(siae__kind=kind), scope.crumbs)
