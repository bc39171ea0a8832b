"""Right of access (GDPR art. 15): everything held about one participant, in one JSON file with French keys.

For the SPIP (CPIP, SPIP manager) and administrators, within their scope: the person exercises their rights through
the SPIP (see the privacy notice). Other roles that see the person get 403; outside the scope, 404.
The page asks the date of the person's request (kept in the file: the SPIP answers within a month), then the
file is sent. The download is recorded in the access log by audit's middleware (an attachment response).
"""

import datetime
import decimal
import json
import logging

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from dsfr.forms import DsfrBaseForm

from access import scope
from core.forms import DateInput

from .models import Participant, Pathway

logger = logging.getLogger(__name__)


def may_export_access(user) -> bool:
    """The SPIP roles and administrators: those who see every field of the person, SPIP-only ones included."""
    return scope.sees_spip_fields(user)


class RightOfAccessForm(DsfrBaseForm):
    requested_on = forms.DateField(
        label=_("Date de la demande de la personne"), widget=DateInput(),
        help_text=_("La demande est reçue par le SPIP ; la réponse est due dans un délai d'un mois."),
    )

    def clean_requested_on(self):
        day = self.cleaned_data["requested_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date de la demande ne peut pas être dans le futur."))
        return day


# --- The file's content -------------------------------------------------------------------------------


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
        "Personne": {"Identifiant": str(participant.pk), **_fields(participant, exclude={"ecrou_key"})},
        "Parcours": pathway_data,
        "Historique des modifications": history if history is not None else "Non disponible",
        "Consultations du dossier": consultations if consultations is not None else "Non disponible",
    }


# --- The page -----------------------------------------------------------------------------------------


class RightOfAccessView(FormView):
    """participants:participant_access_export: GET shows the form, a valid POST answers the JSON file."""

    form_class = RightOfAccessForm
    template_name = "participants/right_of_access.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.participant = get_object_or_404(scope.participants_for(request.user), pk=kwargs["pk"])
            if not may_export_access(request.user):
                raise PermissionDenied(_("Seuls le SPIP et les administrateurs exportent les données d'une personne "
                                         "au titre du droit d'accès."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"requested_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        participant = self.participant
        context.update(
            participant=participant, title=_("Droit d'accès : exporter toutes les données"),
            breadcrumb_parent={"label": str(participant), "url": participant.get_absolute_url()},
            breadcrumb_current=_("Droit d'accès"), cancel_url=participant.get_absolute_url(),
        )
        return context

    def form_valid(self, form):
        data = access_export(self.participant, requested_on=form.cleaned_data["requested_on"], by=self.request.user)
        body = json.dumps(data, ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="droit-d-acces-{self.participant.pk}.json"'
        # Ids only: never a name in the logs.
        logger.info("right of access export: participant %s, user %s", self.participant.pk, self.request.user.pk)
        return response
