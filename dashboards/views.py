"""Dashboards (issue 6): a scope's indicators for a period, as a page, as table exports and as JSON.

Every figure comes from ``report.build()`` (the same as the command, the JSON and the PDF): the views read the
request (scope, period, SIAE kind, child level, sort) and render; the tables, formatted in French, are laid out
in dashboards/tables.py. Outside the viewer's scope: 404 (scopes.resolve).
"""

from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.views import EXPORT_FORMATS
from programmes.exports import table_response

from . import indicators, periods, report, scopes, tables
from .forms import DashboardFilterForm

EXPORT_TABLES = ("indicateurs", "detail", "cohortes", "tendances", "financements")  # ?tableau=


# --- Views --------------------------------------------------------------------------------------------------


@require_GET
def landing(request):
    """Each role lands on its own scope; a role with several establishments chooses one."""
    target = scopes.landing_for(request.user)
    if target:
        return redirect(scopes.url_of(*target))
    establishments, programmes = scopes.landing_choices(request.user)
    return render(request, "dashboards/landing.html", {
        "title": "Tableaux de bord", "establishments": establishments, "programmes": programmes,
    })


@require_GET
def dashboard(request, level, key):
    scope = scopes.resolve(request.user, level, key)
    form = DashboardFilterForm(request.GET or None, child_levels=scope.child_levels())
    form.is_valid()
    kind = form.value("type")
    child_level = form.value("par") or None
    filters = tables.Filters(form.period, kind, child_level if len(scope.child_levels()) > 1 else None,
                             tables.valid_sort(form.value("tri")))
    fmt, tableau = request.GET.get("format", ""), request.GET.get("tableau", "indicateurs")
    exporting = fmt in EXPORT_FORMATS and not form.errors
    if exporting and tableau not in EXPORT_TABLES:
        raise Http404("Tableau inconnu.")
    dashboard = report.build(scopes.with_siae_kind(scope, kind), form.period, siae_kind=kind,
                             child_level=child_level, with_children=not exporting or tableau == "detail")
    if exporting:
        exported = tables.export_rows(dashboard, filters, tableau)
        if exported is None:
            raise Http404("Ce niveau n'a pas de tableau de détail.")
        headers, rows = exported
        return table_response(filename=tables.export_name(scope, form.period, kind, tableau), headers=headers,
                              rows=rows, fmt=fmt)

    display_form = form if form.errors else DashboardFilterForm.showing(
        form.period, kind=kind, child_level=dashboard.child_level, tri=filters.tri,
        child_levels=scope.child_levels())
    return render(request, "dashboards/dashboard.html", {
        "title": _title(scope),
        "scope": scope,
        "level_label": scopes.LEVEL_LABELS[scope.level],
        "dashboard": dashboard,
        "period": form.period,
        "kind_label": dict(report.SIAE_KIND_CHOICES).get(kind) if kind else "",
        "form": display_form,
        "query": filters.query(),
        "child_query": filters.query(child=True),
        "is_programme": scope.level == scopes.Level.PROGRAMME,
        **tables.page_tables(dashboard, filters),
        "outcome_section": indicators.OUTCOMES,
    })


@require_GET
def indicators_json(request, level, key):
    """The command's JSON (report.as_json, without the next level) for the period and SIAE kind asked."""
    scope = scopes.resolve(request.user, level, key)
    try:
        period = periods.parse(**{name: request.GET.get(name, "") for name in ("periode", "du", "au")})
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    kind = request.GET.get("type", "")
    if kind not in dict(report.SIAE_KIND_CHOICES):
        kinds = ", ".join(value for value, _label in report.SIAE_KIND_CHOICES if value)
        return JsonResponse({"error": f"Type de SIAE « {kind} » non reconnu : attendu {kinds}."}, status=400)
    dashboard = report.build(scopes.with_siae_kind(scope, kind), period, siae_kind=kind, with_children=False)
    return JsonResponse(report.as_json(dashboard), json_dumps_params={"ensure_ascii": False})


def _title(scope) -> str:
    """"Région — Île-de-France", but a DISP's name already says what it is."""
    level_label = scopes.LEVEL_LABELS[scope.level]
    if scope.label.lower().startswith(level_label.lower()):
        return scope.label
    return f"{level_label} — {scope.label}"
