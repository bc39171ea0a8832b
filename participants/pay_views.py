"""Pay that follows the SMIC (issue 15 §2): the contracts to revalue, by programme, and their revaluation.

Reads start from access.scope (404 outside it, and for the roles that read no names); who may revalue is who may
edit the pathway's contract (access.permissions.EDITORS[Pathway], as participants:pathway_step).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from access import permissions, scope
from core.formatting import format_euros, long_date
from core.views import posted

from . import pay, rules, selectors, services
from .models import Pathway
from .pay_forms import RevaluationForm
from .views import conflict_page, pathway_form_page, refused, require_names, write

LIST_URL = "participants:pay_revaluations"


@require_http_methods(["GET", "HEAD", "POST"])
def pay_revaluations(request):
    """The user's contracts paid under 45 % of the SMIC in force today, by programme, each with its revaluation; a
    POST (``programme``) revalues every contract of that programme ("Tout revaloriser")."""
    require_names(request.user)
    if request.method == "POST":
        return _revalue_programme(request)
    today = timezone.localdate()
    found = pay.below_floor_for(user=request.user, today=today)
    return render(request, "participants/pay_revaluations.html", {
        "title": _("Rémunérations à revaloriser"), "found": found, "today": today,
        "can_revalue": permissions.can_edit(request.user, Pathway),
        "breadcrumb_current": _("Rémunérations à revaloriser"),
    })


def _done_message(row) -> str:
    return _("Rémunération de %(name)s revalorisée : %(old)s → %(new)s à partir du %(date)s. L'avenant se génère "
             "depuis la page du parcours.") % {
        "name": row.pathway.participant, "old": format_euros(row.previous_hourly_pay),
        "new": format_euros(row.hourly_pay), "date": long_date(row.valid_from)}


@require_http_methods(["GET", "HEAD", "POST"])
def pay_revalue(request, pk):
    """One contract's new hourly pay from a date (default: the SMIC row's date, 45 % of the SMIC then)."""
    pathway, can_edit = selectors.get_pathway_for(request.user, pk)
    permissions.require(can_edit, _("Votre rôle ne permet pas de revaloriser la rémunération de ce contrat."))
    template = "participants/pathway_form.html"
    page = {"pathway": pathway, "title": _("Revalorisation de la rémunération")}
    refusal = rules.check_revaluation(pathway=pathway, valid_from=None, hourly_pay=None, smic=None,
                                      last_valid_from=None, today=timezone.localdate()).get(None)
    if refusal:
        return refused(request, template, refusal, **page)
    defaults = pay.revaluation_defaults(pathway, timezone.localdate())
    form = RevaluationForm(posted(request), pathway=pathway, user=request.user, defaults=defaults)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = write(form, pay.pay_revalue, pathway=pathway, valid_from=data["valid_from"],
                        hourly_pay=data["hourly_pay"], by=request.user, expected_version=data.get("version"))
        except services.EditConflict as conflict:
            return conflict_page(request, template, form, conflict, **page)
        if row is not None:
            messages.success(request, _done_message(row))
            if data["liste"]:
                return HttpResponseRedirect(reverse(LIST_URL) + f"#programme-{pathway.programme.code}")
            return HttpResponseRedirect(pathway.get_absolute_url() + "#remuneration")
    return pathway_form_page(request, template, form, **page)


def _revalue_programme(request):
    """"Tout revaloriser": every contract of the programme under the floor, each from its default date (404 for a
    programme outside the user's scope, 403 for a role that may not edit contracts)."""
    try:
        programme_pk = int(request.POST.get("programme", ""))
    except ValueError:
        raise Http404 from None
    programme = get_object_or_404(scope.programmes_for(request.user), pk=programme_pk)
    permissions.require(permissions.can_edit(request.user, Pathway),
                        _("Votre rôle ne permet pas de revaloriser la rémunération des contrats."))
    today = timezone.localdate()
    try:
        rows = pay.pay_revalue_programme(user=request.user, programme=programme, today=today, by=request.user)
    except ValidationError as error:
        messages.error(request, _("Rien n'a été revalorisé. %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        if rows:
            messages.success(request, _("%(count)s contrat(s) du programme %(code)s revalorisé(s) : l'avenant de "
                                        "chacun se génère depuis la page de son parcours.")
                             % {"count": len(rows), "code": programme.code})
        else:
            messages.info(request, _("Aucun contrat du programme %(code)s n'est sous le plancher de rémunération.")
                          % {"code": programme.code})
    return HttpResponseRedirect(reverse(LIST_URL) + f"#programme-{programme.code}")
