"""Reads on the registry, always starting from what accounts.scope gives the viewer."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts import scope

from .models import Establishment, Programme, Siae


def establishment_list_for(*, user, q: str = "", kind: str = "", disp: str = "") -> QuerySet[Establishment]:
    qs = scope.establishments_for(user).select_related("department__region__disp").annotate(
        programme_count=Count("programmes", distinct=True)
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(department__name__icontains=q) | Q(department__code=q))
    if kind:
        qs = qs.filter(kind=kind)
    if disp:
        qs = qs.filter(department__region__disp_id=disp)
    return qs.order_by("name")


def siae_list_for(*, user, q: str = "", kind: str = "") -> QuerySet[Siae]:
    qs = scope.siaes_for(user).select_related("department").annotate(
        programme_count=Count("programmes", distinct=True)
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(siret__startswith=q.replace(" ", "")) | Q(network__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def programme_list_for(
    *, user, q: str = "", stage: str = "", phase: str = "", disp: str = ""
) -> QuerySet[Programme]:
    qs = scope.programmes_for(user).select_related(
        "siae", "establishment__department__region__disp", "quartier"
    )
    if q:
        qs = qs.filter(
            Q(code__icontains=q) | Q(siae__name__icontains=q) | Q(establishment__name__icontains=q)
            | Q(activity__icontains=q)
        )
    if stage:
        qs = qs.filter(stage=stage)
    if phase:
        qs = qs.filter(phase=phase)
    if disp:
        qs = qs.filter(establishment__department__region__disp_id=disp)
    return qs.order_by("code")


def establishment_detail_for(*, user) -> QuerySet[Establishment]:
    return scope.establishments_for(user).select_related(
        "department__region__disp", "delegated_manager"
    ).prefetch_related(
        "quartiers",
        Prefetch("programmes", queryset=scope.programmes_for(user).select_related("siae", "quartier")),
        "spips",
    )


def siae_detail_for(*, user) -> QuerySet[Siae]:
    return scope.siaes_for(user).select_related("department__region").prefetch_related(
        Prefetch("programmes", queryset=scope.programmes_for(user).select_related("establishment", "quartier"))
    )


def programme_detail_for(*, user) -> QuerySet[Programme]:
    return scope.programmes_for(user).select_related(
        "siae", "quartier", "establishment__department__region__disp", "establishment__delegated_manager"
    )
