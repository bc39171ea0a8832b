"""Recruitment sessions: list, page with the candidate board, bulk decisions.

The board has four columns, a partition of the session's pathways by their current status:
"Candidat·es" (no decision yet), "Retenu·es" (selected, and every later step up to the exit: shown as a badge),
"Non retenu·es" and "Désisté·es" (before or after the commission). The list counts the same columns, plus
those who entered the workshop (enums.ENTERED_STATUSES).
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS as NON_FIELD
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from access import permissions, scope
from accounts.mixins import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from . import services
from .enums import ENTERED_STATUSES, PathwayStatus, SessionDecision
from .models import Pathway, RecruitmentSession
from .session_forms import AddCandidatesForm, DecisionForm, SessionFilterForm, SessionForm

PENDING = frozenset({PathwayStatus.CANDIDATE})
SELECTED = frozenset({PathwayStatus.SELECTED, PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED,
                      PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED})
NOT_SELECTED = frozenset({PathwayStatus.NOT_SELECTED})
WITHDRAWN = frozenset({PathwayStatus.WITHDRAWN})
# Badge colour of the steps after selection, shown on the cards of the "Retenu·es" column.
STEP_BADGES = {
    PathwayStatus.SELECTED: "",
    PathwayStatus.CLASSIFIED: "info",
    PathwayStatus.ASSIGNED: "info",
    PathwayStatus.IN_WORKSHOP: "success",
    PathwayStatus.SUSPENDED: "warning",
    PathwayStatus.EXITED: "new",
}
COLUMNS = [
    ("candidates", gettext_lazy("Candidat·es"), PENDING, gettext_lazy("En attente de la décision de la commission")),
    ("selected", gettext_lazy("Retenu·es"), SELECTED, gettext_lazy("Et leurs étapes suivantes")),
    ("not_selected", gettext_lazy("Non retenu·es"), NOT_SELECTED, gettext_lazy("Avec le motif de la commission")),
    ("withdrawn", gettext_lazy("Désisté·es"), WITHDRAWN, gettext_lazy("Avant ou après la commission")),
]

def _values(statuses) -> list[str]:
    return [status.value for status in statuses]


def session_list_for(*, user, programme=None, year: int | None = None) -> QuerySet[RecruitmentSession]:
    """The user's sessions, latest first, with their candidates counted by column (one query per page)."""
    qs = scope.recruitment_sessions_for(user).select_related("programme__siae", "programme__establishment")
    if programme:
        qs = qs.filter(programme=programme)
    if year:
        qs = qs.filter(date__year=year)

    def count(statuses):
        return Count("pathways", filter=Q(pathways__status__in=_values(statuses)))

    return qs.annotate(
        candidate_count=Count("pathways"),
        selected_count=count(SELECTED),
        not_selected_count=count(NOT_SELECTED),
        withdrawn_count=count(WITHDRAWN),
        entered_count=count(ENTERED_STATUSES),
    ).order_by("-date", "programme__code")


class SessionMixin:
    model = RecruitmentSession
    list_url_name, list_label = ("participants:session_list", gettext_lazy("Sessions de recrutement"))
    scope_function = scope.recruitment_sessions_for
    permission_kind = RecruitmentSession
    form_class = SessionForm

    def save(self, form):
        return services.session_save(session=form.instance, by=self.request.user)


class SessionListView(SessionMixin, ScopedListView):
    list_selector = session_list_for
    filter_form_class = SessionFilterForm
    template_name = "participants/session_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filtered"] = any(self.filter_form.cleaned_data.values()) if self.filter_form.is_bound else False
        return context


class SessionCreateView(SessionMixin, ScopedCreateView):
    template_name = "participants/session_form.html"
    extra_context = {"title": gettext_lazy("Nouvelle session de recrutement")}
    success_message = gettext_lazy("La session de recrutement a été créée : ajoutez-y les candidat·es.")

    def get_initial(self):
        """``?programme=<id>`` from a programme page preselects it (if the user sees it)."""
        initial = super().get_initial()
        programme = self.request.GET.get("programme", "")
        if programme.isdigit() and scope.programmes_for(self.request.user).filter(pk=programme).exists():
            initial["programme"] = int(programme)
        return initial


class SessionUpdateView(SessionMixin, ScopedUpdateView):
    template_name = "participants/session_form.html"
    extra_context = {"title": gettext_lazy("Modifier la session de recrutement")}

    def get_queryset(self):
        return super().get_queryset().select_related("programme")


# --- The candidate board ----------------------------------------------------------------------------------


def _session_for(user, pk) -> RecruitmentSession:
    return get_object_or_404(
        scope.recruitment_sessions_for(user).select_related("programme__siae", "programme__establishment"), pk=pk
    )


def _board_pathways(user, session) -> QuerySet[Pathway]:
    return (
        scope.pathways_for(user).filter(session=session)
        .select_related("participant__quartier")
        .order_by("participant__last_name", "participant__first_names", "participant__ecrou")
    )


def board_context(*, request, session: RecruitmentSession, add_form=None, decision_form=None,
                  person_errors=None) -> dict:
    """What the session page shows: the board, and for the roles that edit sessions, its two forms.

    ``person_errors``: [(participant, [messages])] of a refused bulk action, listed above the board.
    """
    user = request.user
    today = timezone.localdate()
    may_edit = permissions.can_edit(user, RecruitmentSession)
    pathways = list(_board_pathways(user, session))
    checked = set()
    if decision_form is not None and decision_form.is_bound:
        checked = set(decision_form.data.getlist("pathways"))
    in_error = {participant.pk for participant, _messages in person_errors or []}
    for pathway in pathways:
        pathway.step_badge = STEP_BADGES.get(pathway.status)
        pathway.checked = str(pathway.pk) in checked
        pathway.in_error = pathway.participant_id in in_error
    columns = [
        {"key": key, "label": label, "hint": hint, "pathways": [p for p in pathways if p.status in statuses]}
        for key, label, statuses, hint in COLUMNS
    ]
    decides = may_edit and session.date <= today
    if may_edit and add_form is None:
        add_form = AddCandidatesForm(user=user, session=session)
    if decides and decision_form is None:
        decision_form = DecisionForm(pathways=Pathway.objects.none())
    return {
        "object": session,
        "session": session,
        "title": str(session),
        "breadcrumb_parent": {"label": SessionMixin.list_label, "url": reverse(SessionMixin.list_url_name)},
        "breadcrumb_current": str(session),
        "can_edit": may_edit,
        "columns": columns,
        "candidate_total": len(pathways),
        "entered_total": sum(1 for p in pathways if p.status in ENTERED_STATUSES),
        "add_form": add_form if may_edit else None,
        "eligible": list(add_form.fields["participants"].queryset) if may_edit else [],
        "added": set(add_form.data.getlist("participants")) if may_edit and add_form.is_bound else set(),
        "decision_form": decision_form if decides else None,
        "decision_choices": SessionDecision.choices,
        "decision_in_future": may_edit and session.date > today,
        "pending_count": len(columns[0]["pathways"]),
        "person_errors": person_errors or [],
        "error_pks": in_error,
        # The forms of a refused action, for the summary of what went wrong (even if the form is not shown).
        "refused_decision": decision_form if decision_form is not None and decision_form.is_bound else None,
        "refused_add": add_form if add_form is not None and add_form.is_bound else None,
    }


class SessionDetailView(SessionMixin, ScopedDetailView):
    template_name = "participants/session_detail.html"

    def get_object(self, queryset=None):
        return _session_for(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **board_context(request=self.request, session=self.object)}


class _BoardAction(View):
    """POST only, from the session page: 404 outside the scope, 403 for a role that does not edit sessions.

    Nothing checked: back to the session with the French error (there is nothing to keep). Any other refusal
    shows the session page again, with what was checked and typed, and says who could not be recorded and why.
    """

    http_method_names = ["post"]

    def post(self, request, pk):
        session = _session_for(request.user, pk)
        if not permissions.can_edit(request.user, RecruitmentSession):
            raise PermissionDenied(_("Votre rôle ne permet pas de modifier les sessions de recrutement."))
        return self.act(request, session)

    def back(self, session):
        return HttpResponseRedirect(session.get_absolute_url() + "#tableau")

    def refused(self, request, session, **forms_and_errors):
        context = board_context(request=request, session=session, **forms_and_errors)
        return render(request, "participants/session_detail.html", context)

    @staticmethod
    def run_all(steps):
        """Run every ``(participant, callable)`` in one transaction; any refusal undoes them all.

        Returns [(participant, [French messages])] for the people refused, and whether anything was refused
        (a refusal may already be reported beside a field of the form: ``AlreadyReported``).
        """
        errors, refused = [], False
        with transaction.atomic():
            for participant, step in steps:
                try:
                    step()
                except AlreadyReported:
                    refused = True
                except services.EditConflict:
                    errors.append((participant, [_(
                        "sa fiche a été modifiée par quelqu'un d'autre pendant votre saisie ; rechargez la page "
                        "pour voir sa situation actuelle.")]))
                except ValidationError as error:
                    errors.append((participant, error.messages))
                except IntegrityError:  # the same change saved by someone else between the check and the write
                    errors.append((participant, [_(
                        "quelqu'un d'autre l'a enregistrée au même moment ; rechargez la page pour voir sa "
                        "situation actuelle.")]))
            if errors or refused:
                transaction.set_rollback(True)
        return errors, bool(errors) or refused


class AlreadyReported(Exception):
    """A step was refused for a reason shared by every person (said once, beside the form's field)."""


class SessionAddCandidatesView(_BoardAction):
    def act(self, request, session):
        form = AddCandidatesForm(request.POST, user=request.user, session=session)
        if not request.POST.getlist("participants"):
            messages.error(request, form.fields["participants"].error_messages["required"])
            return self.back(session)
        if not form.is_valid():
            return self.refused(request, session, add_form=form)
        people = form.cleaned_data["participants"]
        errors, refused = self.run_all(
            (person, lambda person=person: services.pathway_create(
                participant=person, programme=session.programme, session=session, by=request.user))
            for person in people
        )
        if refused:
            return self.refused(request, session, add_form=form, person_errors=errors)
        messages.success(request, ngettext(
            "%(count)d candidat·e ajouté·e à la session.", "%(count)d candidat·es ajouté·es à la session.",
            len(people)) % {"count": len(people)})
        return self.back(session)


class SessionDecideView(_BoardAction):
    def act(self, request, session):
        form = DecisionForm(request.POST, pathways=_board_pathways(request.user, session))
        if not request.POST.getlist("pathways"):
            messages.error(request, form.fields["pathways"].error_messages["required"])
            return self.back(session)
        if not form.is_valid():
            return self.refused(request, session, decision_form=form)
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        pathways = form.cleaned_data["pathways"]

        def decide(pathway):
            try:
                services.pathway_decide(pathway=pathway, decision=decision, reason=reason, by=request.user,
                                        expected_version=_posted_version(request, pathway))
            except services.EditConflict:
                raise
            except ValidationError as error:
                _report_shared(form, error)

        errors, refused = self.run_all(
            (pathway.participant, lambda pathway=pathway: decide(pathway)) for pathway in pathways
        )
        if refused:
            return self.refused(request, session, decision_form=form, person_errors=errors)
        label = SessionDecision(decision).label.lower()
        messages.success(request, ngettext(
            "%(count)d décision enregistrée (%(label)s).", "%(count)d décisions enregistrées (%(label)s).",
            len(pathways)) % {"count": len(pathways), "label": label})
        return self.back(session)


# Errors of pathway_decide that are the same for every person: said once, beside the form's field (None: above
# the form). The others (the person's status) are said person by person.
_SHARED_FIELDS = {"decision": "decision", "decision_reason": "reason", "session": None}


def _report_shared(form, error: ValidationError):
    """Put the shared part of a refusal beside the form's fields; raise the person's own part, if any."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD: error.messages}
    own = []
    for field, texts in by_field.items():
        if field not in _SHARED_FIELDS:
            own += texts
            continue
        target = _SHARED_FIELDS[field]
        for text in texts:
            if text not in form.errors.get(target or NON_FIELD, []):
                form.add_error(target, text)
    if own:
        raise ValidationError(own)
    raise AlreadyReported


def _posted_version(request, pathway) -> int | None:
    """The version of the pathway the user's page showed (None if absent: no conflict check)."""
    raw = request.POST.get(f"version-{pathway.pk}", "")
    return int(raw) if raw.isascii() and raw.isdigit() else None  # "²".isdigit() is true (found by the form fuzzing)

