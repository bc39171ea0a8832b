"""Caseload, participant and pathway pages.

Each view fetches its object through participants.selectors (404 outside the user's scope), then checks the role
(permissions.require: 403), validates a form and calls one service. A form built on a stale version gets the
conflict message with the user's input kept.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access import permissions, scope
from core.formatting import format_date
from core.forms import CONFLICT, apply_errors, constraint_fields
from core.views import EXPORT_FORMATS, crumb, form_page, object_page, one_page, posted, results_template
from programmes.exports import table_response

from . import pay, rules, selectors, services
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
from .right_of_access import may_export_access

# --- Plumbing of these pages: plain functions ------------------------------------------------------------------

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


def write(form, service, **arguments):
    """``service(**arguments)`` in a transaction: what it returns, or None with its French errors beside the form's
    fields (core.forms.apply_errors; a constraint's message beside the field it is about). An EditConflict is left
    to the view, which shows what the other person saved."""
    try:
        with transaction.atomic():
            return service(**arguments)
    except services.EditConflict:
        raise
    except ValidationError as error:
        apply_errors(form, error, by_message=FIELD_OF_MESSAGE)
    except IntegrityError:
        form.add_error(None, CONFLICT)
    return None


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


# --- Lists of named people: the search term kept out of URLs ---------------------------------------------------
# The name or écrou a user searches never goes in a URL (docs/security.md S-18: URLs end in the web server's and
# runserver's logs): the search form is POSTed, the term kept in the session, then the list is redirected to (303)
# with its other filters in the query string, so pages, sort links and exports keep working. ``?effacer=1`` clears
# the term; an old link with ``?q=`` is moved to the session the same way.

SEARCH, CLEAR = "q", "effacer"
SORT_COLUMNS = [("nom", gettext_lazy("Nom")), ("liberation", gettext_lazy("Libération prévisible")),
                ("statut", gettext_lazy("Dernier parcours"))]


def require_names(user) -> None:
    """Roles that read no nominative data (territorial, national) are refused the lists of named people."""
    if not scope.reads_names(user):
        raise PermissionDenied(_("Votre rôle ne donne pas accès aux données nominatives des participants."))


def search_redirect(request, filter_form_class, session_key: str) -> HttpResponseRedirect | None:
    """A searched term (POSTed, or an old ``?q=``) or ``?effacer=1``: the term stored in (or removed from) the
    session, and a 303 to the list with the other filters. None for any other request."""
    if request.method == "POST":
        term, query = request.POST.get(SEARCH, ""), request.POST
    elif request.method == "GET" and (SEARCH in request.GET or CLEAR in request.GET):
        term, query = ("" if CLEAR in request.GET else request.GET[SEARCH]), request.GET
    else:
        return None
    term = term.strip()[:100]
    if term:
        request.session[session_key] = term
    else:
        request.session.pop(session_key, None)
    kept = QueryDict(mutable=True)
    for name in sorted(set(filter_form_class(None, user=request.user).fields) - {SEARCH}):
        values = [value for value in query.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    response = HttpResponseRedirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)
    response.status_code = 303  # the browser (and htmx) follows with a GET
    return response


@dataclass(frozen=True)
class NamedList:
    """A list of named people: its template, its filters and selector, where its searched term is kept, its export."""

    template: str
    filter_form_class: type
    selector: Callable
    search_key: str  # in the session
    export_filename: str
    export_headers: list[str]
    export_row: Callable


def named_list_page(request, named: NamedList, page_context: Callable[[dict], dict]):
    """The list: the filter form bound to the query string plus the term from the session (an invalid filter is
    dropped, the valid ones still apply), ``selector(user=..., **filters)``; ``?format=csv`` or ``xlsx``: the whole
    filtered list as a file; else one page, with ``page_context(context)`` added."""
    require_names(request.user)
    redirect = search_redirect(request, named.filter_form_class, named.search_key)
    if redirect:
        return redirect
    data = request.GET.copy()
    data.pop(SEARCH, None)
    if request.session.get(named.search_key):
        data[SEARCH] = request.session[named.search_key]
    filter_form = named.filter_form_class(data or None, user=request.user)
    filter_form.is_valid()
    filters = getattr(filter_form, "cleaned_data", {})
    rows = named.selector(user=request.user, **{name: value for name, value in filters.items() if value})
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        return table_response(filename=named.export_filename, headers=named.export_headers, fmt=fmt,
                              rows=(named.export_row(row) for row in rows))
    context = list_context(request, filter_form, rows, named.search_key)
    return render(request, results_template(request, named.template), {**context, **page_context(context)})


def list_context(request, filter_form, queryset, session_key: str) -> dict:
    """One page of rows (core.views.one_page), the filters, the term searched and the link that clears it."""
    clear = request.GET.copy()
    clear.pop("page", None)
    clear[CLEAR] = "1"
    return {
        "filter_form": filter_form, "filtered": any(
            value for name, value in getattr(filter_form, "cleaned_data", {}).items() if name != "tri"),
        **one_page(request, queryset),
        "search_term": request.session.get(session_key, ""), "clear_search_url": f"{request.path}?{clear.urlencode()}",
    }


# --- Caseload and participants --------------------------------------------------------------------------------

CASELOAD_HEADERS = [
    "Nom", "Prénom(s)", "Numéro d'écrou", "Date de naissance", "Sexe", "Établissement", "Quartier",
    "Date de libération prévisible", "Date d'éligibilité à un aménagement de peine", "Programme du parcours en cours",
    "Statut du parcours", "Suivi après libération à faire", "CPIP référent·e", "RSA", "ASS", "AAH",
    "Demandeur d'emploi", "Niveau de formation", "RQTH",
]


def caseload_row(p: Participant) -> list:
    return [p.last_name, p.first_names, p.ecrou, p.birth_date, p.get_sex_display(), p.establishment.name,
            p.quartier.kind if p.quartier else "", p.expected_release_date, p.adjustment_eligibility_date,
            p.current_programme_code or "", PathwayStatus(p.current_status).label if p.current_status else "",
            p.has_follow_up_due, str(p.counsellor) if p.counsellor else "", p.rsa, p.ass, p.aah,
            p.get_jobseeker_display(), p.get_education_level_display(), p.rqth]


CASELOAD = NamedList(
    "participants/participant_list.html", CaseloadFilterForm, selectors.caseload_for, "participants:caseload:q",
    "file-active", CASELOAD_HEADERS, caseload_row)


def sort_columns(request) -> tuple[dict, str]:
    """The sortable columns' headers (link, current direction) and the sort in force (``?tri=``, "" by default)."""
    asked = request.GET.get("tri", "")
    current = asked if asked in selectors.CASELOAD_SORTS else selectors.DEFAULT_CASELOAD_SORT
    columns = {}
    for key, label in SORT_COLUMNS:
        query = request.GET.copy()
        query.pop("page", None)
        query["tri"] = f"-{key}" if current == key else key
        columns[key] = {
            "label": label, "url": f"?{query.urlencode()}",
            "sort": "ascending" if current == key else "descending" if current == f"-{key}" else "",
        }
    return columns, asked if asked in selectors.CASELOAD_SORTS else ""


def caseload_context(request, context: dict) -> dict:
    """Each person's days to release and status label, the sortable columns, whether the user may add people."""
    today = timezone.localdate()
    for participant in context["object_list"]:
        release = participant.expected_release_date
        participant.days_to_release = (release - today).days if release else None
        participant.current_status_label = (
            PathwayStatus(participant.current_status).label if participant.current_status else "")
    columns, sort = sort_columns(request)
    return {"title": _("Participants"), "columns": columns, "sort": sort, "today": today,
            "can_create": permissions.can_create(request.user, Participant),
            "can_import": permissions.can_create(request.user, ImportJob)}


@require_http_methods(["GET", "HEAD", "POST"])
def participant_list(request):
    """The caseload: the people the user follows, with their current pathway."""
    return named_list_page(request, CASELOAD, lambda context: caseload_context(request, context))


def pathway_permissions(user) -> dict:
    """What the pathway blocks offer the user (steps, timeline, follow-ups)."""
    return {
        "can_edit_pathway": permissions.can_edit(user, Pathway),
        "can_add_event": permissions.can_create(user, AccompanimentEvent),
        "can_follow_up": permissions.can_edit(user, FollowUp),
    }


def participants_crumb() -> dict:
    return crumb(_("Participants"), reverse("participants:participant_list"))


@require_safe
def participant_detail(request, pk):
    participant, can_edit = selectors.get_participant_for(request.user, pk)
    user, today = request.user, timezone.localdate()
    release = participant.expected_release_date
    return object_page(
        request, "participants/participant_detail.html", participant, parent=participants_crumb(),
        can_edit=can_edit, **pathway_permissions(user),
        age=rules.age_on(participant.birth_date, today),
        days_to_release=(release - today).days if release and not participant.stay_ended_on else None,
        sees_spip_fields=scope.sees_spip_fields(user),
        blocks=selectors.participant_pathway_blocks_for(user=user, participant=participant, today=today),
        can_create_pathway=permissions.can_create(user, Pathway) and not participant.stay_ended_on,
        can_export_access=may_export_access(user),
    )


def save_participant(request, form, *, done: str, **page):
    """The participant form: validated, saved through services.participant_save, or shown again (its errors, or
    the conflict with what the other person saved). ``page``: core.views.form_page's title and breadcrumb."""
    template = "participants/participant_form.html"
    if form.is_valid():
        adding = form.instance._state.adding
        try:
            participant = write(form, services.participant_save, participant=form.instance, by=request.user,
                                expected_version=None if adding else form.cleaned_data.get("version"))
        except services.EditConflict as conflict:
            current, _can_edit = selectors.get_participant_for(request.user, form.instance.pk)
            form.set_version(current.version)
            return form_page(request, template, form, **page, conflict=conflict.messages[0],
                             changes=changes_since(form, current))
        if participant is not None:
            messages.success(request, done % {"name": participant})
            return HttpResponseRedirect(participant.get_absolute_url())
    return form_page(request, template, form, **page)


@require_http_methods(["GET", "HEAD", "POST"])
def participant_create(request):
    permissions.require(permissions.can_create(request.user, Participant))
    form = ParticipantForm(posted(request), user=request.user)
    return save_participant(request, form, done=_("Le dossier de %(name)s est créé."),
                            title=_("Nouveau dossier de participant"), parent=participants_crumb())


@require_http_methods(["GET", "HEAD", "POST"])
def participant_update(request, pk):
    participant, can_edit = selectors.get_participant_for(request.user, pk)
    permissions.require(can_edit)
    title = _("Modifier le dossier de %(name)s") % {"name": participant}
    parent = crumb(str(participant), participant.get_absolute_url())
    form = ParticipantForm(posted(request), instance=participant, user=request.user)
    return save_participant(request, form, done=_("Le dossier de %(name)s est enregistré."), title=title,
                            parent=parent, breadcrumb_current=_("Modifier"))


# --- Pathways -------------------------------------------------------------------------------------------------

PATHWAY_HEADERS = [
    "Programme", "SIAE", "Numéro d'écrou", "Nom", "Prénom(s)", "Date de naissance", "Sexe", "Statut",
    "Date de la session", "Décision de la commission", "Motif de la décision", "Avis de la CPU",
    "Date de classement", "Date d'affectation", "Contrat", "Date d'entrée en atelier",
    "Date de signature du contrat", "Heures par semaine", "Rémunération horaire brute (€)",
    "Date du désistement", "Date de sortie", "Motif de sortie", "Aménagement de peine",
    "Motif du retour en détention ordinaire", "Situation à la sortie", "Type de contrat de l'emploi",
    "Durée du contrat (mois)", "Précision sur la sortie", "Heures travaillées", "PMSMP",
]


def pathway_row(p: Pathway) -> list:
    return [p.programme.code, p.programme.siae.name, p.participant.ecrou, p.participant.last_name,
            p.participant.first_names, p.participant.birth_date, p.participant.get_sex_display(),
            p.get_status_display(), p.session.date if p.session else None, p.get_decision_display(),
            p.decision_reason, p.get_cpu_opinion_display(), p.classified_on, p.assigned_on,
            p.get_contract_kind_display(), p.contract_start, p.contract_signed_on, p.hours_per_week, p.hourly_pay,
            p.withdrawn_on, p.exit_on, p.get_exit_reason_display(), p.get_adjustment_display(),
            p.get_return_reason_display(), p.get_outcome_display(), p.get_job_contract_display(), p.job_months,
            p.exit_note, p.hours_total, p.pmsmp_total]


PATHWAYS = NamedList(
    "participants/pathway_list.html", PathwayFilterForm, selectors.pathway_list_for, "participants:pathways:q",
    "parcours", PATHWAY_HEADERS, pathway_row)


@require_http_methods(["GET", "HEAD", "POST"])
def pathway_list(request):
    return named_list_page(request, PATHWAYS, lambda context: {"title": _("Parcours")})


@require_safe
def pathway_detail(request, pk):
    pathway, can_edit = selectors.get_pathway_for(request.user, pk)
    user, participant = request.user, pathway.participant
    return object_page(
        request, "participants/pathway_detail.html", pathway,
        parent=crumb(str(participant), participant.get_absolute_url()), can_edit=can_edit,
        **pathway_permissions(user),
        pb=selectors.pathway_block_for(user=user, pathway=pathway),
        title=_("Parcours de %(name)s — %(code)s") % {"name": participant, "code": pathway.programme.code},
        breadcrumb_current=_("Parcours %(code)s") % {"code": pathway.programme.code},
        age=rules.age_on(participant.birth_date, timezone.localdate()),
        pay=pay.pay_block(pathway, can_edit=can_edit, today=timezone.localdate()),
    )


# --- Forms about a pathway (its steps, its timeline, its follow-ups) or a participant (a candidacy) ----------


def pathway_form_page(request, template: str, form, *, title, pathway=None, participant=None, status: int = 200,
                      **context):
    """A form about a pathway (or, for a candidacy, a participant): under the person in the breadcrumb, Annuler
    back to the pathway (or the person). ``form=None`` with a ``refusal``: why the form cannot be used now."""
    participant = participant or pathway.participant
    return render(request, template, {
        "form": form, "title": title, "pathway": pathway, "participant": participant,
        "breadcrumb_parent": crumb(str(participant), participant.get_absolute_url()), "breadcrumb_current": title,
        "cancel_url": (pathway or participant).get_absolute_url(), **context,
    }, status=status)


def refused(request, template: str, refusal: str, **page):
    """The form cannot be used on this object in its current state: the page says why; a POST saves nothing and
    gets the status "conflict with the current state"."""
    return pathway_form_page(request, template, None, refusal=refusal,
                             status=409 if request.method == "POST" else 200, **page)


def conflict_page(request, template: str, form, conflict, *, pathway, **page):
    """Someone else saved the pathway since the form was opened: the form keeps the user's input, now carrying the
    current version, beside the pathway as it is and its last change."""
    current, _can_edit = selectors.get_pathway_for(request.user, pathway.pk)
    form.set_version(current.version)
    last = current.log.order_by("-at", "-pk").first()
    return pathway_form_page(request, template, form, pathway=pathway, conflict=conflict.messages[0],
                             current=current, last_log=last, **page)


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
    selectors.CONVERSION_SLUG: gettext_lazy("Transformation en contrat d'emploi pénitentiaire"),
}
TRANSITION_OF_STEP = {slug: transition for transition, slug in selectors.STEP_SLUGS.items()}


def step_refusal(step: str, pathway: Pathway) -> str | None:
    """Why the step cannot be recorded from the pathway's status (None: it can)."""
    if step == selectors.CONTRACT_SLUG:
        if pathway.contract_start:
            return None
        return _("Ce parcours n'a pas encore de contrat : enregistrez d'abord l'entrée en atelier.")
    if step == selectors.CONVERSION_SLUG:
        return rules.check_conversion(pathway=pathway, on=rules.CEP_FROM, today=rules.CEP_FROM).get(None)
    return rules.check_allowed(TRANSITION_OF_STEP[step], pathway.status).get(None)


def record_step(*, step: str, pathway: Pathway, data: dict, by) -> Pathway:
    """The one service of each step, given the step form's cleaned data and the version the user saw."""
    version = data.get("version")
    match step:
        case "decision":
            return services.pathway_decide(pathway=pathway, decision=data["decision"], reason=data["decision_reason"],
                                           session=data.get("session"), by=by, expected_version=version)
        case "classement":
            return services.pathway_classify(
                pathway=pathway, opinion=data["cpu_opinion"], on=data["classified_on"],
                decision=data["classification_decision"], reason=data["classification_refusal_reason"], by=by,
                expected_version=version)
        case "affectation":
            return services.pathway_assign(pathway=pathway, on=data["assigned_on"], by=by, expected_version=version)
        case "entree":
            return services.pathway_start(
                pathway=pathway, start=data["contract_start"], signed_on=data["contract_signed_on"],
                hours_per_week=data["hours_per_week"], hourly_pay=data["hourly_pay"], by=by, expected_version=version)
        case "contrat":
            return services.pathway_update_contract(
                pathway=pathway, signed_on=data["contract_signed_on"], hours_per_week=data["hours_per_week"],
                hourly_pay=data["hourly_pay"], by=by, expected_version=version)
        case "suspension":
            return services.pathway_suspend(pathway=pathway, start=data["start"], reason=data["reason"], by=by,
                                            expected_version=version)
        case "reprise":
            return services.pathway_resume(pathway=pathway, on=data["on"], by=by, expected_version=version)
        case "sortie":
            return services.pathway_exit(
                pathway=pathway, on=data["exit_on"], reason=data["exit_reason"], outcome=data["outcome"],
                adjustment=data["adjustment"], return_reason=data["return_reason"], job_contract=data["job_contract"],
                job_months=data["job_months"], note=data["exit_note"], by=by, expected_version=version)
        case selectors.CONVERSION_SLUG:
            return services.pathway_convert_to_cep(
                pathway=pathway, on=data["cep_start"], signed_on=data["contract_signed_on"],
                hours_per_week=data["hours_per_week"], hourly_pay=data["hourly_pay"], by=by, expected_version=version)
        case "desistement":
            return services.pathway_withdraw(pathway=pathway, on=data["withdrawn_on"], reason=data["reason"], by=by,
                                             expected_version=version)
    raise ValueError(step)


def needs_session(step: str, pathway: Pathway, form) -> bool:
    """A decision on a candidacy attached to no session, while the programme has no session to choose."""
    return step == "decision" and pathway.session_id is None and not form.fields["session"].queryset.exists()


@require_http_methods(["GET", "HEAD", "POST"])
def pathway_step(request, pk, step):
    """One step of the pathway (participants:pathway_step): the form of the step, if the status allows it."""
    if step not in STEP_FORMS:
        raise Http404
    pathway, can_edit = selectors.get_pathway_for(request.user, pk)
    permissions.require(can_edit, _("Votre rôle ne permet pas d'enregistrer cette étape."))
    template, page = "participants/pathway_form.html", {"pathway": pathway, "title": STEP_TITLES[step], "step": step}
    refusal = step_refusal(step, pathway)
    if refusal:
        return refused(request, template, refusal, **page)
    form = STEP_FORMS[step](posted(request), pathway=pathway, user=request.user)
    if form.is_valid():
        try:
            saved = write(form, record_step, step=step, pathway=pathway, data=form.cleaned_data, by=request.user)
        except services.EditConflict as conflict:
            return conflict_page(request, template, form, conflict, needs_session=needs_session(step, pathway, form),
                                 **page)
        if saved is not None:
            messages.success(request, _("%(step)s enregistrée pour %(name)s. Statut du parcours : %(status)s.") % {
                "step": STEP_TITLES[step], "name": saved.participant, "status": saved.get_status_display()})
            return HttpResponseRedirect(pathway.get_absolute_url())
    return pathway_form_page(request, template, form, needs_session=needs_session(step, pathway, form), **page)


@require_http_methods(["GET", "HEAD", "POST"])
def pathway_create(request, pk):
    """A candidacy of the participant of the URL in one of the programmes of their establishment."""
    participant, _can_edit = selectors.get_participant_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, Pathway),
                        _("Votre rôle ne permet pas d'enregistrer une candidature."))
    template, page = "participants/pathway_form.html", {"participant": participant, "title": _("Nouvelle candidature")}
    if participant.stay_ended_on:
        return refused(request, template, _(
            "Cette personne a quitté l'établissement le %(date)s : une nouvelle candidature se saisit dans le dossier "
            "de son nouveau séjour.") % {"date": format_date(participant.stay_ended_on)}, **page)
    if not candidacy_programmes(request.user, participant).exists():
        return refused(request, template, _(
            "Cette personne a déjà un parcours en cours dans chacun des programmes de son établissement que vous "
            "suivez."), **page)
    form = PathwayCreateForm(posted(request), participant=participant, user=request.user)
    if form.is_valid():
        pathway = write(form, services.pathway_create, participant=participant,
                        programme=form.cleaned_data["programme"], session=form.cleaned_data["session"],
                        by=request.user)
        if pathway is not None:
            messages.success(request, _("Candidature de %(name)s enregistrée dans le programme %(code)s.")
                             % {"name": participant, "code": pathway.programme.code})
            return HttpResponseRedirect(pathway.get_absolute_url())
    return pathway_form_page(request, template, form, **page)


# --- Timeline and follow-up -----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def event_create(request, pk):
    pathway, _can_edit = selectors.get_pathway_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, AccompanimentEvent),
                        _("Votre rôle ne permet pas d'enregistrer une action d'accompagnement."))
    form = EventForm(posted(request))
    if form.is_valid():
        data = form.cleaned_data
        event = write(form, services.event_record, pathway=pathway, kind=data["kind"], on=data["on"],
                      end_on=data["end_on"], detail=data["detail"], hours=data["hours"],
                      adjustment_decision=data["adjustment_decision"], by=request.user)
        if event is not None:
            messages.success(request, _("Action ajoutée à la chronologie : %(kind)s du %(date)s.") % {
                "kind": event.get_kind_display(), "date": event.on.strftime("%d/%m/%Y")})
            return HttpResponseRedirect(pathway.get_absolute_url())
    return pathway_form_page(request, "participants/event_form.html", form, pathway=pathway,
                             title=_("Nouvelle action d'accompagnement"))


@require_POST
def event_delete(request, pk):
    """Removes an item of the timeline, then back to its pathway."""
    event, can_edit = selectors.get_accompaniment_event_for(request.user, pk)
    permissions.require(can_edit, _("Votre rôle ne permet pas de supprimer une action d'accompagnement."))
    pathway = event.pathway
    label = _("%(kind)s du %(date)s") % {"kind": event.get_kind_display(), "date": event.on.strftime("%d/%m/%Y")}
    try:
        services.event_delete(event=event, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Action supprimée de la chronologie : %(label)s.") % {"label": label})
    return HttpResponseRedirect(reverse("participants:pathway_detail", args=[pathway.pk]) + "#chronologie")


@require_http_methods(["GET", "HEAD", "POST"])
def follow_up(request, pk, milestone):
    pathway, record, can_edit = selectors.get_follow_up_for(request.user, pk, milestone)
    permissions.require(can_edit, _("Votre rôle ne permet pas d'enregistrer un suivi après la libération."))
    due_on = services.follow_up_due_on(pathway, milestone)
    template, page = "participants/follow_up_form.html", {
        "pathway": pathway, "title": _("Suivi à %(months)s mois après la libération") % {"months": milestone},
        "due_on": due_on, "record": record, "milestone": FollowUpMilestone(milestone)}
    if due_on is None:
        return refused(request, template, _(
            "Le suivi après la libération se saisit pour un parcours terminé par une libération."), **page)
    form = FollowUpForm(posted(request), initial=follow_up_initial(record))
    if form.is_valid():
        data = form.cleaned_data
        saved = write(form, services.follow_up_record, pathway=pathway, milestone=milestone, reached=data["reached"],
                      contacted_on=data["contacted_on"], situation=data["situation"],
                      continued_in_siae=data["continued_in_siae"], note=data["note"], by=request.user)
        if saved is not None:
            messages.success(request, _("Suivi à %(months)s mois enregistré pour %(name)s.") % {
                "months": milestone, "name": pathway.participant})
            return HttpResponseRedirect(pathway.get_absolute_url())
    return pathway_form_page(request, template, form, **page)
