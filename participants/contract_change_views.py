"""The avenant changing a contract's weekly hours or post, and the skills acquired (participants.contract_changes).

Reads start from access.scope (participants.selectors.get_pathway_for: 404 outside it, and for the roles that read
no names); who records them is who edits the pathway's contract (access.permissions, as the pay revaluation).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import permissions
from core.formatting import long_date
from core.views import posted

from . import contract_changes, selectors, services
from .contract_change_forms import ContractChangeForm, SkillsForm
from .views import conflict_page, pathway_form_page, refused, write

TEMPLATE = "participants/pathway_form.html"


def _done_message(row) -> str:
    changes = []
    if row.hours_per_week is not None:
        changes.append(_("durée hebdomadaire %(old)s → %(new)s") % {
            "old": contract_changes.hours_label(row.previous_hours_per_week),
            "new": contract_changes.hours_label(row.hours_per_week)})
    if row.post:
        changes.append(_("poste « %(old)s » → « %(new)s »") % {"old": row.previous_post, "new": row.post})
    return _("Avenant enregistré pour %(name)s à partir du %(date)s : %(changes)s. Le document « Avenant au contrat » "
             "se génère depuis la page du parcours.") % {
        "name": row.pathway.participant, "date": long_date(row.valid_from), "changes": " ; ".join(changes)}


@require_http_methods(["GET", "HEAD", "POST"])
def contract_change(request, pk):
    """An avenant: the contract's weekly hours and/or post from a date."""
    pathway, can_edit = selectors.get_pathway_for(request.user, pk)
    permissions.require(can_edit, _("Votre rôle ne permet pas de modifier ce contrat."))
    page = {"pathway": pathway, "title": _("Avenant au contrat : durée du travail ou poste")}
    refusal = contract_changes.check_change(pathway=pathway, valid_from=None, hours_per_week=None, post="",
                                            reason="", last_valid_from=None, today=timezone.localdate()).get(None)
    if refusal:
        return refused(request, TEMPLATE, refusal, **page)
    form = ContractChangeForm(posted(request), pathway=pathway, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = write(form, contract_changes.contract_change_record, pathway=pathway, valid_from=data["valid_from"],
                        hours_per_week=data["hours_per_week"], post=data["post"], reason=data["reason"],
                        by=request.user, expected_version=data.get("version"))
        except services.EditConflict as conflict:
            return conflict_page(request, TEMPLATE, form, conflict, **page)
        if row is not None:
            messages.success(request, _done_message(row))
            return HttpResponseRedirect(pathway.get_absolute_url() + "#avenants")
    return pathway_form_page(request, TEMPLATE, form, **page)


@require_http_methods(["GET", "HEAD", "POST"])
def skills(request, pk):
    """The skills acquired, printed on the attestation de fin de parcours."""
    pathway, can_edit = selectors.get_pathway_for(request.user, pk)
    permissions.require(can_edit, _("Votre rôle ne permet pas de modifier ce parcours."))
    page = {"pathway": pathway, "title": _("Compétences acquises")}
    if refusal := contract_changes.skills_refusal(pathway):
        return refused(request, TEMPLATE, refusal, **page)
    form = SkillsForm(posted(request), pathway=pathway, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = write(form, contract_changes.skills_record, pathway=pathway, skills=data["skills_acquired"],
                          by=request.user, expected_version=data.get("version"))
        except services.EditConflict as conflict:
            return conflict_page(request, TEMPLATE, form, conflict, **page)
        if saved is not None:
            messages.success(request, _("Compétences acquises enregistrées pour %(name)s.") % {
                "name": saved.participant})
            return HttpResponseRedirect(pathway.get_absolute_url() + "#avenants")
    return pathway_form_page(request, TEMPLATE, form, **page)
