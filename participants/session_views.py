"""Recruitment sessions: list, form, the page with the candidate board, and the board's two actions (add candidates,
bulk decisions: participants.session_services, all or nothing).

The board has four columns, a partition of the session's pathways by their current status
(selectors.BOARD_STATUSES): "Candidat·es" (no decision yet), "Retenu·es" (selected, and every later step up to the
exit: shown as a badge), "Non retenu·es" and "Désisté·es" (before or after the commission). The list counts the
same columns, plus those who entered the workshop (enums.ENTERED_STATUSES).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from access import permissions
from core.forms import apply_errors
from core.views import crumb, edit_page, form_page, list_page, posted, require_form_methods, save_form
from programmes import selectors as programme_selectors

from . import selectors, services, session_services
from .enums import ENTERED_STATUSES, PathwayStatus, SessionDecision
from .models import RecruitmentSession
from .session_forms import AddCandidatesForm, DecisionForm, SessionFilterForm, SessionForm

SESSIONS = gettext_lazy("Sessions de recrutement")
SESSIONS_CRUMB = crumb(SESSIONS, reverse_lazy("participants:session_list"))
FORM = "participants/session_form.html"
DETAIL = "participants/session_detail.html"
# Badge colour of the steps after selection, shown on the cards of the "Retenu·es" column.
STEP_BADGES = {
    PathwayStatus.SELECTED: "",
    PathwayStatus.CLASSIFIED: "info",
    PathwayStatus.NOT_CLASSIFIED: "error",
    PathwayStatus.ASSIGNED: "info",
    PathwayStatus.IN_WORKSHOP: "success",
    PathwayStatus.SUSPENDED: "warning",
    PathwayStatus.EXITED: "new",
}
COLUMNS = [
    ("candidates", gettext_lazy("Candidat·es"), gettext_lazy("En attente de la décision de la commission")),
    ("selected", gettext_lazy("Retenu·es"), gettext_lazy("Et leurs étapes suivantes")),
    ("not_selected", gettext_lazy("Non retenu·es"), gettext_lazy("Avec le motif de la commission")),
    ("withdrawn", gettext_lazy("Désisté·es"), gettext_lazy("Avant ou après la commission")),
]


# --- List and form ----------------------------------------------------------------------------------------


@require_safe
def session_list(request):
    built = []  # the filter form list_page builds, for "filtered" (asked by the page only when it lists nothing)

    def filter_form(*args, **kwargs):
        built.append(SessionFilterForm(*args, **kwargs))
        return built[-1]

    return list_page(
        request, "participants/session_list.html", selector=selectors.session_list_for,
        filter_form_class=filter_form, title=SESSIONS,
        can_create=permissions.can_create(request.user, RecruitmentSession),
        filtered=lambda: built[-1].is_bound and any(built[-1].cleaned_data.values()),
    )


@require_form_methods
def session_create(request):
    permissions.require(permissions.can_create(request.user, RecruitmentSession))
    form = SessionForm(posted(request), user=request.user, initial=_programme_asked(request))
    if form.is_valid() and (session := save_form(
            request, form, lambda: services.session_save(session=form.instance, by=request.user),
            message=_("La session de recrutement a été créée : ajoutez-y les candidat·es."))):
        return redirect(session)
    return form_page(request, FORM, form, title=_("Nouvelle session de recrutement"), parent=SESSIONS_CRUMB)


def _programme_asked(request) -> dict:
    """``?programme=<id>`` from a programme page preselects it (if the user sees it)."""
    programme = request.GET.get("programme", "")
    if programme.isdigit() and programme_selectors.sees_programme(user=request.user, pk=programme):
        return {"programme": int(programme)}
    return {}


@require_form_methods
def session_update(request, pk):
    session, may_edit = selectors.get_session_for(request.user, pk)
    permissions.require(may_edit)
    form = SessionForm(posted(request), instance=session, user=request.user)
    return edit_page(request, FORM, form, lambda: services.session_save(session=form.instance, by=request.user),
                     title=_("Modifier la session de recrutement"), parent=SESSIONS_CRUMB, current=session)


# --- The candidate board ----------------------------------------------------------------------------------


@require_safe
def session_detail(request, pk):
    session, may_edit = selectors.get_session_for(request.user, pk)
    return _board_page(request, session, may_edit)


def _board_page(request, session: RecruitmentSession, may_edit: bool, *, add_form=None, decision_form=None,
                person_errors=None):
    """The session page: the board, and for the roles that edit sessions, its two forms.

    ``person_errors``: [(participant, [messages])] of a refused bulk action, listed above the board.
    """
    user = request.user
    today = timezone.localdate()
    pathways = list(selectors.session_board_pathways_for(user=user, session=session))
    checked = set(decision_form.data.getlist("pathways")) if decision_form is not None and decision_form.is_bound \
        else set()
    in_error = {participant.pk for participant, _messages in person_errors or []}
    for pathway in pathways:
        pathway.step_badge = STEP_BADGES.get(pathway.status)
        pathway.checked = str(pathway.pk) in checked
        pathway.in_error = pathway.participant_id in in_error
    columns = [
        {"key": key, "label": label, "hint": hint,
         "pathways": [p for p in pathways if p.status in selectors.BOARD_STATUSES[key]]}
        for key, label, hint in COLUMNS
    ]
    decides = may_edit and session.date <= today
    if may_edit and add_form is None:
        add_form = AddCandidatesForm(user=user, session=session)
    if decides and decision_form is None:
        decision_form = DecisionForm()
    return render(request, DETAIL, {
        "object": session,
        "session": session,
        "title": str(session),
        "breadcrumb_parent": SESSIONS_CRUMB,
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
    })


# --- The board's actions: POST only, 404 outside the scope, 403 for a role that does not edit sessions --------
# Nothing checked: back to the session with the French error (there is nothing to keep). Any other refusal shows
# the session page again, with what was checked and typed, and says who could not be recorded and why.


def _editable_session(request, pk) -> RecruitmentSession:
    session, may_edit = selectors.get_session_for(request.user, pk)
    permissions.require(may_edit, _("Votre rôle ne permet pas de modifier les sessions de recrutement."))
    return session


def _back(session):
    return HttpResponseRedirect(session.get_absolute_url() + "#tableau")


@require_POST
def session_add_candidates(request, pk):
    session = _editable_session(request, pk)
    form = AddCandidatesForm(request.POST, user=request.user, session=session)
    if not request.POST.getlist("participants"):
        messages.error(request, form.fields["participants"].error_messages["required"])
        return _back(session)
    if not form.is_valid():
        return _board_page(request, session, True, add_form=form)
    try:
        count = session_services.session_add_candidates(
            session=session, participants=form.cleaned_data["participants"], by=request.user)
    except session_services.BulkRefused as refusal:
        return _board_page(request, session, True, add_form=form, person_errors=refusal.people)
    messages.success(request, ngettext(
        "%(count)d candidat·e ajouté·e à la session.", "%(count)d candidat·es ajouté·es à la session.",
        count) % {"count": count})
    return _back(session)


@require_POST
def session_decide(request, pk):
    session = _editable_session(request, pk)
    form = DecisionForm(request.POST, pathways=selectors.session_board_pathways_for(user=request.user,
                                                                                  session=session))
    if not request.POST.getlist("pathways"):
        messages.error(request, form.fields["pathways"].error_messages["required"])
        return _back(session)
    if not form.is_valid():
        return _board_page(request, session, True, decision_form=form)
    decision = form.cleaned_data["decision"]
    try:
        count = session_services.session_decide(
            pathways=form.cleaned_data["pathways"], decision=decision, reason=form.cleaned_data["reason"],
            versions=form.posted_versions(), by=request.user)
    except session_services.BulkRefused as refusal:
        if refusal.shared is not None:  # said once, beside the form's fields
            apply_errors(form, refusal.shared)
        return _board_page(request, session, True, decision_form=form, person_errors=refusal.people)
    messages.success(request, ngettext(
        "%(count)d décision enregistrée (%(label)s).", "%(count)d décisions enregistrées (%(label)s).",
        count) % {"count": count, "label": SessionDecision(decision).label.lower()})
    return _back(session)
