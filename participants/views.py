"""Caseload, participant and pathway pages.

Every object comes from access.scope (404 outside), then the role is checked (403). Writes go through one
service each; a form built on a stale version gets the conflict message with the user's input kept.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView

from access import permissions, scope
from accounts.mixins import ExportMixin, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView
from core.formatting import format_date
from core.forms import CONFLICT, apply_errors, constraint_fields

from . import rules, selectors, services
from .access_views import may_export_access
from .enums import FollowUpMilestone, PathwayStatus
from .forms import (
    STEP_FORMS,
    CaseloadFilterForm,
    EventForm,
    FollowUpForm,
    ParticipantForm,
    PathwayCreateForm,
    PathwayFilterForm,
    candidacy_programmes,
    follow_up_initial,
)
from .models import AccompanimentEvent, FollowUp, ImportJob, Participant, Pathway, Suspension

# --- Service errors beside their fields -------------------------------------------------------------------

FIELD_OF_MESSAGE = constraint_fields(
    Participant, Pathway, AccompanimentEvent, FollowUp, Suspension,
    overrides={  # constraints that name several fields: the one a user corrects
        "participant_ecrou_unique_in_active_stays": "ecrou",
        "participant_ecrou_not_empty": "ecrou",
        "pathway_one_open_per_participant_and_programme": "programme",
        "event_hours_once_per_month": "on",
        "pathway_exit_after_entry": "exit_on",
    },
)


# --- Display helpers ----------------------------------------------------------------------------------


def _display(instance, name: str):
    value = getattr(instance, name)
    model_field = instance._meta.get_field(name)
    if model_field.choices:
        return getattr(instance, f"get_{name}_display")() or _("Non renseigné")
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value) if value not in (None, "") else _("Non renseigné")


def changes_since(form, current) -> list[dict]:
    """What the other person saved that differs from this user's input (a conflict's explanation)."""
    changes = []
    for name, value in form.cleaned_data.items():
        if name == "version" or name not in {f.name for f in current._meta.fields}:
            continue
        if getattr(current, name) != value and not (getattr(current, name) in (None, "") and value in (None, "")):
            changes.append({"label": form.fields[name].label, "current": _display(current, name)})
    return changes


# --- Caseload and participants ------------------------------------------------------------------------


class ParticipantMixin:
    model = Participant
    list_url_name, list_label = ("participants:participant_list", gettext_lazy("Participants"))
    scope_function = scope.participants_for
    permission_kind = Participant


def _filtered(filter_form) -> bool:
    """Whether a filter narrows the list (the sort order does not)."""
    return any(value for name, value in getattr(filter_form, "cleaned_data", {}).items() if name != "tri")


SORT_COLUMNS = [("nom", gettext_lazy("Nom")), ("liberation", gettext_lazy("Libération prévisible")),
                ("statut", gettext_lazy("Dernier parcours"))]


class NominativeListMixin:
    """Lists of named people: roles that read no nominative data (territorial, national) are refused."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not scope.reads_names(request.user):
            raise PermissionDenied(_("Votre rôle ne donne pas accès aux données nominatives des participants."))
        return super().dispatch(request, *args, **kwargs)


class SessionSearchMixin:
    """The name or écrou a user searches never goes in a URL (docs/security.md S-18: URLs end in the web server's and
    runserver's logs): the search form is POSTed, the term kept in the session under ``search_session_key``, then
    the list is redirected to (303) with its other filters in the query string, so pages, sort links and exports
    keep working. ``?effacer=1`` clears the term; an old link with ``?q=`` is moved to the session the same way."""

    search_session_key = None
    SEARCH_PARAMETER, CLEAR_PARAMETER = "q", "effacer"

    def search_term(self) -> str:
        return self.request.session.get(self.search_session_key, "")

    def _store_search(self, term: str) -> None:
        term = term.strip()[:100]
        if term:
            self.request.session[self.search_session_key] = term
        else:
            self.request.session.pop(self.search_session_key, None)

    def _list_redirect(self, query) -> HttpResponseRedirect:
        names = set(self.filter_form_class(None, user=self.request.user).fields) - {self.SEARCH_PARAMETER}
        kept = QueryDict(mutable=True)
        for name in sorted(names):
            values = [value for value in query.getlist(name) if value]
            if values:
                kept.setlist(name, values)
        response = HttpResponseRedirect(f"{self.request.path}?{kept.urlencode()}" if kept else self.request.path)
        response.status_code = 303  # the browser (and htmx) follows with a GET
        return response

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.method == "GET" and (
                self.SEARCH_PARAMETER in request.GET or self.CLEAR_PARAMETER in request.GET):
            self.request = request
            self._store_search("" if self.CLEAR_PARAMETER in request.GET else request.GET[self.SEARCH_PARAMETER])
            return self._list_redirect(request.GET)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._store_search(request.POST.get(self.SEARCH_PARAMETER, ""))
        return self._list_redirect(request.POST)

    def get_queryset(self):
        """ScopedListView's, with the term from the session instead of the query string."""
        data = self.request.GET.copy()
        data.pop(self.SEARCH_PARAMETER, None)
        if self.search_term():
            data[self.SEARCH_PARAMETER] = self.search_term()
        self.filter_form = self.filter_form_class(data or None, user=self.request.user)
        self.filter_form.is_valid()  # an invalid filter is dropped; the valid ones still apply
        filters = getattr(self.filter_form, "cleaned_data", {})
        return type(self).list_selector(user=self.request.user, **{k: v for k, v in filters.items() if v})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query[self.CLEAR_PARAMETER] = "1"
        context.update(search_term=self.search_term(), clear_search_url=f"{self.request.path}?{query.urlencode()}")
        return context


class ParticipantListView(NominativeListMixin, SessionSearchMixin, ParticipantMixin, ExportMixin, ScopedListView):
    search_session_key = "participants:caseload:q"
    list_selector = selectors.caseload_for
    filter_form_class = CaseloadFilterForm
    template_name = "participants/participant_list.html"
    export_filename = "file-active"

    def export_rows(self, queryset):
        headers = ["Nom", "Prénom(s)", "Numéro d'écrou", "Date de naissance", "Sexe", "Établissement", "Quartier",
                   "Date de libération prévisible", "Date d'éligibilité à un aménagement de peine",
                   "Programme du parcours en cours", "Statut du parcours", "Suivi après libération à faire",
                   "CPIP référent·e", "RSA", "ASS", "AAH", "Demandeur d'emploi", "Niveau de formation", "RQTH"]
        rows = (
            [p.last_name, p.first_names, p.ecrou, p.birth_date, p.get_sex_display(), p.establishment.name,
             p.quartier.kind if p.quartier else "", p.expected_release_date, p.adjustment_eligibility_date,
             p.current_programme_code or "", PathwayStatus(p.current_status).label if p.current_status else "",
             p.has_follow_up_due, str(p.counsellor) if p.counsellor else "", p.rsa, p.ass, p.aah,
             p.get_jobseeker_display(), p.get_education_level_display(), p.rqth]
            for p in queryset
        )
        return headers, rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        for participant in context["object_list"]:
            release = participant.expected_release_date
            participant.days_to_release = (release - today).days if release else None
            participant.current_status_label = (
                PathwayStatus(participant.current_status).label if participant.current_status else "")
        asked = self.request.GET.get("tri", "")
        current = asked if asked in selectors.CASELOAD_SORTS else selectors.DEFAULT_CASELOAD_SORT
        columns = {}
        for key, label in SORT_COLUMNS:
            query = self.request.GET.copy()
            query.pop("page", None)
            query["tri"] = f"-{key}" if current == key else key
            columns[key] = {
                "label": label, "url": f"?{query.urlencode()}",
                "sort": "ascending" if current == key else "descending" if current == f"-{key}" else "",
            }
        context.update(
            title=_("Participants"), columns=columns, today=today, filtered=_filtered(self.filter_form),
            sort=asked if asked in selectors.CASELOAD_SORTS else "",
            can_import=permissions.can_create(user, ImportJob),
        )
        return context


def _pathway_context(user) -> dict:
    return {
        "can_edit_pathway": permissions.can_edit(user, Pathway),
        "can_add_event": permissions.can_create(user, AccompanimentEvent),
        "can_delete_event": permissions.can_edit(user, AccompanimentEvent),
        "can_follow_up": permissions.can_edit(user, FollowUp),
    }


class ParticipantDetailView(ParticipantMixin, ScopedDetailView):
    detail_selector = selectors.participant_detail_for
    template_name = "participants/participant_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, participant = self.request.user, self.object
        today = timezone.localdate()
        pathways = scope.pathways_for(user).filter(participant=participant).order_by("-created_at")
        release = participant.expected_release_date
        context.update(
            _pathway_context(user),
            age=rules.age_on(participant.birth_date, today),
            days_to_release=(release - today).days if release and not participant.stay_ended_on else None,
            sees_spip_fields=scope.sees_spip_fields(user),
            blocks=selectors.pathway_blocks(pathways, today),
            can_create_pathway=permissions.can_create(user, Pathway) and not participant.stay_ended_on,
            can_export_access=may_export_access(user),
        )
        return context


class ParticipantFormMixin(ParticipantMixin):
    form_class = ParticipantForm
    template_name = "participants/participant_form.html"

    def save(self, form):
        version = None if form.instance._state.adding else form.cleaned_data.get("version")
        return services.participant_save(participant=form.instance, by=self.request.user, expected_version=version)

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = self.save(form)
        except services.EditConflict as conflict:
            current = Participant.objects.select_related("establishment", "quartier", "counsellor").get(
                pk=form.instance.pk)
            form.set_version(current.version)
            return self.render_to_response(self.get_context_data(
                form=form, conflict=conflict.messages[0], changes=changes_since(form, current)))
        except ValidationError as error:
            apply_errors(form, error, by_message=FIELD_OF_MESSAGE)
            return self.form_invalid(form)
        except IntegrityError:
            form.add_error(None, CONFLICT)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"name": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class ParticipantCreateView(ParticipantFormMixin, ScopedCreateView):
    success_message = gettext_lazy("Le dossier de %(name)s est créé.")
    extra_context = {"title": gettext_lazy("Nouveau dossier de participant")}


class ParticipantUpdateView(ParticipantFormMixin, ScopedUpdateView):
    success_message = gettext_lazy("Le dossier de %(name)s est enregistré.")

    def get_queryset(self):
        return selectors.participant_detail_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Modifier le dossier de %(name)s") % {"name": self.object}
        context["breadcrumb_parent"] = {"label": str(self.object), "url": self.object.get_absolute_url()}
        context["breadcrumb_current"] = _("Modifier")
        return context


# --- Pathways -----------------------------------------------------------------------------------------


class PathwayMixin:
    model = Pathway
    list_url_name, list_label = ("participants:pathway_list", gettext_lazy("Parcours"))
    scope_function = scope.pathways_for
    permission_kind = Pathway


class PathwayListView(NominativeListMixin, SessionSearchMixin, PathwayMixin, ExportMixin, ScopedListView):
    search_session_key = "participants:pathways:q"
    list_selector = selectors.pathway_list_for
    filter_form_class = PathwayFilterForm
    template_name = "participants/pathway_list.html"
    export_filename = "parcours"

    def export_rows(self, queryset):
        headers = [
            "Programme", "SIAE", "Numéro d'écrou", "Nom", "Prénom(s)", "Date de naissance", "Sexe", "Statut",
            "Date de la session", "Décision de la commission", "Motif de la décision", "Avis de la CPU",
            "Date de classement", "Date d'affectation", "Contrat", "Date d'entrée en atelier",
            "Date de signature du contrat", "Heures par semaine", "Rémunération horaire brute (€)",
            "Date du désistement", "Date de sortie", "Motif de sortie", "Aménagement de peine",
            "Motif du retour en détention ordinaire", "Situation à la sortie", "Type de contrat de l'emploi",
            "Durée du contrat (mois)", "Précision sur la sortie", "Heures travaillées", "PMSMP",
        ]
        rows = (
            [p.programme.code, p.programme.siae.name, p.participant.ecrou, p.participant.last_name,
             p.participant.first_names, p.participant.birth_date, p.participant.get_sex_display(),
             p.get_status_display(), p.session.date if p.session else None, p.get_decision_display(),
             p.decision_reason, p.get_cpu_opinion_display(), p.classified_on, p.assigned_on,
             p.get_contract_kind_display(), p.contract_start, p.contract_signed_on, p.hours_per_week, p.hourly_pay,
             p.withdrawn_on, p.exit_on, p.get_exit_reason_display(), p.get_adjustment_display(),
             p.get_return_reason_display(), p.get_outcome_display(), p.get_job_contract_display(), p.job_months,
             p.exit_note, p.hours_total, p.pmsmp_total]
            for p in queryset
        )
        return headers, rows

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Parcours"), "filtered": _filtered(self.filter_form)}


class PathwayDetailView(PathwayMixin, ScopedDetailView):
    detail_selector = selectors.pathway_detail_for
    template_name = "participants/pathway_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, pathway = self.request.user, self.object
        participant = pathway.participant
        context.update(
            _pathway_context(user),
            pb=selectors.pathway_blocks(scope.pathways_for(user).filter(pk=pathway.pk))[0],
            title=_("Parcours de %(name)s — %(code)s") % {"name": participant, "code": pathway.programme.code},
            breadcrumb_parent={"label": str(participant), "url": participant.get_absolute_url()},
            breadcrumb_current=_("Parcours %(code)s") % {"code": pathway.programme.code},
            age=rules.age_on(participant.birth_date, timezone.localdate()),
        )
        return context


class ScopedObjectFormView(FormView):
    """A form page about one object of the viewer's scope (404 outside), for roles allowed to write (403)."""

    template_name = "participants/pathway_form.html"
    refused_message = gettext_lazy("Votre rôle ne permet pas d'enregistrer cette étape.")

    def get_scoped_queryset(self):
        return selectors.pathway_detail_for(user=self.request.user)

    def allowed(self) -> bool:
        raise NotImplementedError

    def refusal(self) -> str | None:
        """Why the form cannot be used on this object in its current state (None: it can)."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(self.get_scoped_queryset(), pk=kwargs["pk"])
            if not self.allowed():
                raise PermissionDenied(self.refused_message)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:
            return self.render_to_response(self.get_context_data(form=None, refusal=refusal))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refusal = self.refusal()
        if refusal:  # nothing is saved: the page says why, with the status "conflict with the current state"
            return self.render_to_response(self.get_context_data(form=None, refusal=refusal), status=409)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pathway = self.object
        participant = pathway.participant
        context.update(
            pathway=pathway, participant=participant, cancel_url=pathway.get_absolute_url(),
            breadcrumb_parent={"label": str(participant), "url": participant.get_absolute_url()},
            breadcrumb_current=context.get("title", ""),
        )
        return context

    def save(self, form):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                result = self.save(form)
        except services.EditConflict as conflict:
            return self.conflict(form, conflict)
        except ValidationError as error:
            apply_errors(form, error, by_message=FIELD_OF_MESSAGE)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message(result))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def conflict(self, form, conflict):
        current = self.get_scoped_queryset().get(pk=self.object.pk)
        form.set_version(current.version)
        last = current.log.order_by("-at", "-pk").first()
        return self.render_to_response(self.get_context_data(
            form=form, conflict=conflict.messages[0], current=current, last_log=last))


STEP_TITLES = {
    "decision": gettext_lazy("Décision de la commission de sélection"),
    "classement": gettext_lazy("Classement au travail"),
    "affectation": gettext_lazy("Affectation"),
    "entree": gettext_lazy("Entrée en atelier"),
    "contrat": gettext_lazy("Données du contrat"),
    "suspension": gettext_lazy("Suspension"),
    "reprise": gettext_lazy("Reprise après suspension"),
    "sortie": gettext_lazy("Sortie du programme"),
    "desistement": gettext_lazy("Désistement"),
}
TRANSITION_OF_STEP = {slug: transition for transition, slug in selectors.STEP_SLUGS.items()}


class PathwayStepView(ScopedObjectFormView):
    """One step of the pathway (participants:pathway_step): the form of the step, if the status allows it."""

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs["step"]
        if self.step not in STEP_FORMS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return permissions.can_edit(self.request.user, Pathway)

    def refusal(self):
        pathway = self.object
        if self.step == selectors.CONTRACT_SLUG:
            if pathway.contract_start:
                return None
            return _("Ce parcours n'a pas encore de contrat : enregistrez d'abord l'entrée en atelier.")
        errors = rules.check_allowed(TRANSITION_OF_STEP[self.step], pathway.status)
        return errors.get(None)

    def get_form_class(self):
        return STEP_FORMS[self.step]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "pathway": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", STEP_TITLES[self.step])
        context = super().get_context_data(**kwargs)
        context["step"] = self.step
        context["needs_session"] = (
            self.step == "decision" and self.object.session_id is None and context.get("form") is not None
            and not context["form"].fields["session"].queryset.exists()
        )
        return context

    def save(self, form):
        return form.save(by=self.request.user, expected_version=form.cleaned_data.get("version"))

    def success_message(self, pathway):
        return _("%(step)s enregistrée pour %(name)s. Statut du parcours : %(status)s.") % {
            "step": STEP_TITLES[self.step], "name": pathway.participant, "status": pathway.get_status_display()}


class PathwayCreateView(ScopedObjectFormView):
    """A candidacy of the participant of the URL in one of the programmes of their establishment."""

    form_class = PathwayCreateForm
    refused_message = gettext_lazy("Votre rôle ne permet pas d'enregistrer une candidature.")

    def get_scoped_queryset(self):
        return selectors.participant_detail_for(user=self.request.user)

    def allowed(self):
        return permissions.can_create(self.request.user, Pathway)

    def refusal(self):
        if self.object.stay_ended_on:
            return _("Cette personne a quitté l'établissement le %(date)s : une nouvelle candidature se saisit "
                     "dans le dossier de son nouveau séjour.") % {"date": format_date(self.object.stay_ended_on)}
        if not candidacy_programmes(self.request.user, self.object).exists():
            return _("Cette personne a déjà un parcours en cours dans chacun des programmes de son établissement "
                     "que vous suivez.")
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "participant": self.object, "user": self.request.user}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Nouvelle candidature"))
        context = FormView.get_context_data(self, **kwargs)
        participant = self.object
        context.update(
            participant=participant, cancel_url=participant.get_absolute_url(),
            breadcrumb_parent={"label": str(participant), "url": participant.get_absolute_url()},
            breadcrumb_current=context["title"],
        )
        return context

    def form_valid(self, form):
        try:
            with transaction.atomic():
                pathway = services.pathway_create(participant=self.object, programme=form.cleaned_data["programme"],
                                                  session=form.cleaned_data["session"], by=self.request.user)
        except ValidationError as error:
            apply_errors(form, error, by_message=FIELD_OF_MESSAGE)
            return self.form_invalid(form)
        messages.success(self.request, _("Candidature de %(name)s enregistrée dans le programme %(code)s.")
                         % {"name": self.object, "code": pathway.programme.code})
        return HttpResponseRedirect(pathway.get_absolute_url())


# --- Timeline and follow-up ---------------------------------------------------------------------------


class EventCreateView(ScopedObjectFormView):
    form_class = EventForm
    template_name = "participants/event_form.html"
    refused_message = gettext_lazy("Votre rôle ne permet pas d'enregistrer une action d'accompagnement.")

    def allowed(self):
        return permissions.can_create(self.request.user, AccompanimentEvent)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Nouvelle action d'accompagnement"))
        return super().get_context_data(**kwargs)

    def save(self, form):
        data = form.cleaned_data
        return services.event_record(
            pathway=self.object, kind=data["kind"], on=data["on"], end_on=data["end_on"], detail=data["detail"],
            hours=data["hours"], adjustment_decision=data["adjustment_decision"], by=self.request.user)

    def success_message(self, event):
        return _("Action ajoutée à la chronologie : %(kind)s du %(date)s.") % {
            "kind": event.get_kind_display(), "date": event.on.strftime("%d/%m/%Y")}


class EventDeleteView(View):
    """POST only: removes an item of the timeline, then back to its pathway."""

    http_method_names = ["post"]

    def post(self, request, pk):
        event = get_object_or_404(scope.accompaniment_events_for(request.user).select_related("pathway"), pk=pk)
        if not permissions.can_edit(request.user, AccompanimentEvent):
            raise PermissionDenied(_("Votre rôle ne permet pas de supprimer une action d'accompagnement."))
        pathway = event.pathway
        label = _("%(kind)s du %(date)s") % {"kind": event.get_kind_display(), "date": event.on.strftime("%d/%m/%Y")}
        services.event_delete(event=event, by=request.user)
        messages.success(request, _("Action supprimée de la chronologie : %(label)s.") % {"label": label})
        return HttpResponseRedirect(reverse("participants:pathway_detail", args=[pathway.pk]) + "#chronologie")


class FollowUpView(ScopedObjectFormView):
    form_class = FollowUpForm
    template_name = "participants/follow_up_form.html"
    refused_message = gettext_lazy("Votre rôle ne permet pas d'enregistrer un suivi après la libération.")

    def dispatch(self, request, *args, **kwargs):
        if kwargs["milestone"] not in FollowUpMilestone.values:
            raise Http404
        self.milestone = FollowUpMilestone(kwargs["milestone"])
        return super().dispatch(request, *args, **kwargs)

    def allowed(self):
        return permissions.can_edit(self.request.user, FollowUp)

    def refusal(self):
        if services.follow_up_due_on(self.object, self.milestone.value) is None:
            return _("Le suivi après la libération se saisit pour un parcours terminé par une libération.")
        return None

    def record(self):
        return self.object.follow_ups.filter(milestone=self.milestone.value).first()

    def get_initial(self):
        return follow_up_initial(self.record())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", _("Suivi à %(months)s mois après la libération") % {"months": self.milestone.value})
        context = super().get_context_data(**kwargs)
        due_on = services.follow_up_due_on(self.object, self.milestone.value)
        context.update(due_on=due_on, record=self.record(), milestone=self.milestone)
        return context

    def save(self, form):
        data = form.cleaned_data
        return services.follow_up_record(
            pathway=self.object, milestone=self.milestone.value, reached=data["reached"],
            contacted_on=data["contacted_on"], situation=data["situation"],
            continued_in_siae=data["continued_in_siae"], note=data["note"], by=self.request.user)

    def success_message(self, follow_up):
        return _("Suivi à %(months)s mois enregistré pour %(name)s.") % {
            "months": self.milestone.value, "name": self.object.participant}

