from django.db.models import Q, QuerySet

from accounts import scope

from .models import Organisation


def organisation_list_for(*, user, q: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = scope.organisations_for(user).select_related("department", "region", "disp")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(former_names__name__icontains=q)).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def organisation_detail_for(*, user) -> QuerySet[Organisation]:
    return scope.organisations_for(user).select_related(
        "department", "region", "disp", "siae", "establishment"
    ).prefetch_related("former_names", "served_establishments")
