from django.contrib import admin

from .models import AidRate, Department, Disp, Establishment, Programme, Quartier, Region, Siae, SmicRate


@admin.register(Disp)
class DispAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "seat"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "disp"]
    list_filter = ["disp"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region__disp"]
    search_fields = ["code", "name"]


class QuartierInline(admin.TabularInline):
    model = Quartier
    extra = 0


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department"]
    list_filter = ["kind", "department__region__disp"]
    search_fields = ["name"]
    inlines = [QuartierInline]
    list_select_related = ["department"]


@admin.register(Siae)
class SiaeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siret", "department"]
    list_filter = ["kind"]
    search_fields = ["name", "siret"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "siae", "establishment", "stage", "phase"]
    list_filter = ["stage", "phase"]
    search_fields = ["code", "siae__name", "establishment__name"]
    list_select_related = ["siae", "establishment"]


@admin.register(SmicRate)
class SmicRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "hourly_amount"]


@admin.register(AidRate)
class AidRateAdmin(admin.ModelAdmin):
    list_display = ["siae_kind", "territory", "valid_from", "base_amount", "detention_modulated_pct"]
    list_filter = ["siae_kind", "territory"]
