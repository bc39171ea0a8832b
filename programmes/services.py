"""Writes on the registry: validate, save, nothing half-saved."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import SIAE_KINDS_ALLOWED_IN_DETENTION, SiaeKind
from .models import Establishment, Programme, Quartier, Siae


def check_programme_rules(*, siae: Siae | None, establishment: Establishment | None, quartier: Quartier | None):
    """Rules across tables that constraints cannot hold; raises ValidationError keyed by field."""
    errors = {}
    if siae is not None and siae.kind not in SIAE_KINDS_ALLOWED_IN_DETENTION:
        errors["siae"] = _(
            "Seuls un atelier et chantier d'insertion (ACI) ou une entreprise d'insertion (EI) peuvent "
            "porter un programme en détention ; %(name)s est de type %(kind)s."
        ) % {"name": siae.name, "kind": SiaeKind(siae.kind).label}
    if quartier is not None and establishment is not None and quartier.establishment_id != establishment.pk:
        errors["quartier"] = _("Ce quartier n'appartient pas à l'établissement choisi.")
    if errors:
        raise ValidationError(errors)


def _save(instance, *, exclude=()):
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


@transaction.atomic
def programme_save(*, programme: Programme, by) -> Programme:
    check_programme_rules(siae=programme.siae, establishment=programme.establishment, quartier=programme.quartier)
    return _save(programme)


@transaction.atomic
def establishment_save(*, establishment: Establishment, quartiers: list[str], by) -> Establishment:
    """Save an establishment and set its quartiers to exactly ``quartiers`` (codes)."""
    _save(establishment)
    removed = establishment.quartiers.exclude(kind__in=quartiers)
    in_use = set(removed.filter(programmes__isnull=False).values_list("kind", flat=True))
    if in_use:
        raise ValidationError(
            {"quartiers": _("Impossible de retirer un quartier où un programme est implanté : %(codes)s.")
             % {"codes": ", ".join(sorted(in_use))}}
        )
    removed.delete()
    for kind in quartiers:
        Quartier.objects.get_or_create(establishment=establishment, kind=kind)
    return establishment


@transaction.atomic
def siae_save(*, siae: Siae, by) -> Siae:
    if siae.pk and siae.kind not in SIAE_KINDS_ALLOWED_IN_DETENTION and siae.programmes.exists():
        raise ValidationError(
            {"kind": _("Cette SIAE porte un programme en détention : elle doit rester un ACI ou une EI.")}
        )
    return _save(siae)
