"""Pure rules of the registry that database constraints cannot hold (they read several tables): the forms and the
services call them alike, so a page and an import refuse the same thing with the same French message."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .enums import SIAE_KINDS_ALLOWED_IN_DETENTION, SiaeKind
from .models import Establishment, Quartier, Siae


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
