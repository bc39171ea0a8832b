"""Dashboards (stubs: pages built in issue 6)."""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect

from . import periods, report, scopes


def landing(request):
    target = scopes.landing_for(request.user)
    return redirect(scopes.url_of(*target)) if target else HttpResponse("Aucun tableau de bord.")


def dashboard(request, level, key):
    scope = scopes.resolve(request.user, level, key)
    return HttpResponse(scope.label)


def indicators_json(request, level, key):
    scope = scopes.resolve(request.user, level, key)
    dashboard = report.build(scope, periods.parse(**{k: request.GET.get(k, "") for k in ("periode", "du", "au")}),
                             with_children=False)
    return JsonResponse(report.as_json(dashboard))
