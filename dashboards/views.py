"""Dashboards (issue 6): a scope's indicators for a period, as a page, as table exports and as JSON.

Every figure comes from ``report.build()`` (the same as the command, the JSON and the PDF): the views read the
request (scope, period, SIAE kind, child level, sort) and render; the tables, formatted in French, are laid out
in dashboards/tables.py. Outside the viewer's scope: 404 (scopes.resolve).

Issue 16 §2: an export is exact by default; ``?version=diffusable`` (chosen in the export's form) gives the "version
diffusable" of the indicator table (dashboards/disclosure/exports.py), for a calendar quarter or year. The annual
open-data release (dashboards/disclosure/release.py) has its page for national staff, ``release``.
"""

import io
import tempfile
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.views import EXPORT_FORMATS
from programmes.exports import table_response

from . import indicators, periods, report, scopes, tables
from .disclosure import LEGEND, SYMBOL, exports
from .disclosure import release as annual
from .forms import DashboardFilterForm

EXPORT_TABLES = ("indicateurs", "detail", "cohortes", "tendances", "financements")  # ?tableau=
DIFFUSABLE = "diffusable"  # ?version=
DIFFUSABLE_TABLES = ("indicateurs", "tendances")


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
    if exporting and request.GET.get("version") == DIFFUSABLE:
        return _diffusable_export(scope, form.period, kind, tableau, fmt)
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
        "is_default_period": form.period == periods.default_period(form.today),
        "kind_label": dict(report.SIAE_KIND_CHOICES).get(kind) if kind else "",
        "form": display_form,
        "query": filters.query(),
        "child_query": filters.query(child=True),
        "is_programme": scope.level == scopes.Level.PROGRAMME,
        **tables.page_tables(dashboard, filters),
        "outcome_section": indicators.OUTCOMES,
        "diffusable_tables": DIFFUSABLE_TABLES,
        "diffusable_period": _is_fixed(form.period),
        "symbol": SYMBOL,
    })


def _is_fixed(period) -> bool:
    try:
        exports.fixed_period(period)
    except ValidationError:
        return False
    return True


def _diffusable_export(scope, period, kind, tableau, fmt):
    """The "version diffusable" of a table: protected people counts, "s" and its legend (issue 16 §2)."""
    if tableau not in DIFFUSABLE_TABLES:
        raise Http404("Ce tableau n'a pas de version diffusable.")
    try:
        exports.fixed_period(period)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain; charset=utf-8")
    exact = report.build(scopes.with_siae_kind(scope, kind), period, siae_kind=kind, with_children=False)
    protected = exports.protected_table(scope.programmes, period.start.year)  # the quarters: the same table
    if tableau == "tendances":
        headers = ["Trimestre", *[label for _key, label, _unit in tables.TREND_COLUMNS]]
        rows = []
        for row in exact.trends:
            shown = exports.diffusable(row.values, scope.programmes, row.values["quarter"], kind, protected)
            rows.append([row.label, *[shown.get(key) for key, _label, _unit in tables.TREND_COLUMNS]])
    else:
        headers = ["Section", "Indicateur", "Valeur", "Unité", "Clé"]
        shown = exports.diffusable(exact.values, scope.programmes, period, kind, protected)
        rows = [[indicator.section, indicator.label, shown[indicator.key],
                 tables.UNIT_LABELS.get(indicator.unit, indicator.unit), indicator.key]
                for indicator in indicators.CATALOGUE if indicator.key in shown]
    blank = [None] * (len(headers) - 2)
    rows += [[], ["Légende", f"{SYMBOL} : {LEGEND}", *blank],
             ["Version", "Version diffusable : secret statistique appliqué", *blank]]
    return table_response(filename=f"{tables.export_name(scope, period, kind, tableau)}-{DIFFUSABLE}",
                          headers=headers, rows=rows, fmt=fmt)


@require_GET
def release(request):
    """The annual open-data release, for national staff (and administrators): the page, and with ``?annee=`` and
    ``format=zip`` its files (valeurs.csv, taux.csv, diffusion.json, LISEZMOI.md) in a ZIP, audited first."""
    scopes.resolve(request.user, scopes.Level.NATIONAL, "")  # 404 for anyone else
    year_text, error = request.GET.get("annee", ""), ""
    if year_text:
        try:
            year = annual.parse_year(year_text)
        except ValueError as problem:
            error = str(problem)
        else:
            if request.GET.get("format") == "zip":
                return _release_zip(year)
    return render(request, "dashboards/release.html", {
        "title": "Diffusion annuelle en données ouvertes", "error": error, "year": year_text, "symbol": SYMBOL,
        "legend": LEGEND, "files": annual.FILES,
    }, status=400 if error else 200)


def _release_zip(year: int) -> HttpResponse:
    published = annual.build_release(year)
    if published.audit():
        return HttpResponse("L'audit du secret statistique a échoué : la diffusion n'est pas produite.", status=500,
                            content_type="text/plain; charset=utf-8")
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as directory, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in annual.write(published, Path(directory)):
            archive.write(path, f"diffusion-{year}/{path.name}")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="diffusion-{year}.zip"'
    return response


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
    dashboard = report.build(scopes.with_siae_kind(scope, kind), period, siae_kind=kind, with_children=False,
                             with_series=False)
    return JsonResponse(report.as_json(dashboard), json_dumps_params={"ensure_ascii": False})


def _title(scope) -> str:
    """"Région — Île-de-France", but a DISP's name already says what it is."""
    level_label = scopes.LEVEL_LABELS[scope.level]
    if scope.label.lower().startswith(level_label.lower()):
        return scope.label
    return f"{level_label} — {scope.label}"
