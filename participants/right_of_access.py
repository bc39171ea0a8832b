"""Right of access (GDPR art. 15): everything held about one participant, as a JSON-ready dict with French keys.

Read by someone who may see it all (``may_export_access``: the SPIP roles and administrators, within their
scope); the page is participants.access_views.
"""

import datetime
import decimal

from django.apps import apps
from django.db import models
from django.utils import timezone

from access import scope

from .models import Participant, Pathway


def may_export_access(user) -> bool:
    """The SPIP roles and administrators: those who see every field of the person, SPIP-only ones included."""
    return scope.sees_spip_fields(user)



def _value(instance, model_field):
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, model_field.name)
        return str(related) if related is not None else None
    value = model_field.value_from_object(instance)
    if model_field.choices and value not in (None, ""):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


# Columns computed from others (the écrou as compared, the names as searched): not data held on the person.
DERIVED_FIELDS = {"ecrou_key", "search_last_name", "search_first_names"}


def _fields(instance, exclude=()) -> dict:
    """Every stored field under its French label (verbose name)."""
    exclude = {"id", "version", *exclude}
    data = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in exclude:
            continue
        label = str(model_field.verbose_name)
        label = label[0].upper() + label[1:]
        data[label] = _value(instance, model_field)
    return data


def _audit_rows(model_name: str, object_ids: dict[str, list[str]]) -> list[dict] | None:
    """Rows of audit.AccessLog or audit.ChangeRecord about these objects (None when the audit app is absent)."""
    if not apps.is_installed("audit"):
        return None
    model = apps.get_model("audit", model_name)
    query = models.Q()
    for object_type, ids in object_ids.items():
        query |= models.Q(object_type=object_type, object_id__in=ids)
    return [_fields(row, exclude={"user"}) for row in model.objects.filter(query).order_by("at", "pk")]


def access_export(participant: Participant, *, requested_on: datetime.date, by) -> dict:
    """Everything held about ``participant`` (read by someone who may see it all: may_export_access)."""
    pathways = list(Pathway.objects.filter(participant=participant)
                    .select_related("programme__siae", "session").order_by("created_at", "pk"))
    pathway_data = []
    for pathway in pathways:
        block = {"Identifiant": str(pathway.pk), "SIAE": pathway.programme.siae.name,
                 **_fields(pathway, exclude={"participant"})}
        block["Étapes du parcours"] = [_fields(row, exclude={"pathway", "by"}) for row in pathway.log.all()]
        block["Suspensions"] = [_fields(row, exclude={"pathway"}) for row in pathway.suspensions.all()]
        block["Revalorisations de la rémunération"] = [_fields(row, exclude={"pathway", "recorded_by"})
                                                       for row in pathway.pay_rates.all()]
        block["Actions d'accompagnement"] = [_fields(row, exclude={"pathway", "recorded_by"})
                                             for row in pathway.events.all()]
        block["Suivis après la libération"] = [_fields(row, exclude={"pathway", "recorded_by"})
                                               for row in pathway.follow_ups.all()]
        block["Documents générés"] = [
            {"Document": document.get_kind_display(), "Titre": document.title, "Version": document.version,
             "État": document.get_status_display(),
             "Demandé le": timezone.localtime(document.requested_at).isoformat(timespec="seconds"),
             "Téléchargements": document.downloads.count()}
            for document in pathway.documents.order_by("requested_at")
        ]
        pathway_data.append(block)
    ids = {"participant": [str(participant.pk)], "pathway": [str(pathway.pk) for pathway in pathways]}
    history = _audit_rows("ChangeRecord", ids)
    consultations = _audit_rows("AccessLog", ids)
    return {
        "Export": {
            "Objet": "Droit d'accès (article 15 du RGPD) : toutes les données détenues sur cette personne",
            "Date de la demande": requested_on.isoformat(),
            "Établi le": timezone.localtime().isoformat(timespec="seconds"),
            "Établi par": f"{by.get_full_name() or by.get_username()} ({by.get_role_display()})",
        },
        "Personne": {"Identifiant": str(participant.pk), **_fields(participant, exclude=DERIVED_FIELDS)},
        "Parcours": pathway_data,
        "Historique des modifications": history if history is not None else "Non disponible",
        "Consultations du dossier": consultations if consultations is not None else "Non disponible",
    }
