from django import forms
from django.contrib import admin

from .models import (
    AidRate,
    ConventionParty,
    Department,
    Disp,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Quartier,
    Region,
    Siae,
    SmicRate,
    StateConvention,
)
from .rules import implantation_contract_errors


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
    list_display = ["valid_from", "territory", "hourly_amount"]
    list_filter = ["territory"]


@admin.register(AidRate)
class AidRateAdmin(admin.ModelAdmin):
    list_display = ["scheme", "siae_kind", "territory", "valid_from", "base_amount", "follows_common", "modulated_pct",
                    "etp_cap_per_establishment", "source"]
    list_filter = ["scheme", "siae_kind", "territory"]


class FinancialAnnexInline(admin.TabularInline):
    model = FinancialAnnex
    extra = 0


@admin.register(StateConvention)
class StateConventionAdmin(admin.ModelAdmin):
    list_display = ["siae", "authority", "reference", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["siae__name", "reference"]
    list_select_related = ["siae", "authority"]
    inlines = [FinancialAnnexInline]


class ImplantationContractAdminForm(forms.ModelForm):
    """The administration refuses what the service refuses: the regime for the start date, hours within 10–35."""

    def clean(self):
        data = super().clean()
        errors = implantation_contract_errors(regime=data.get("regime"), start_date=data.get("start_date"),
                                              weekly_hours=data.get("weekly_hours"))
        for name, message in errors.items():
            self.add_error(name, message)
        return data


@admin.register(ImplantationContract)
class ImplantationContractAdmin(admin.ModelAdmin):
    form = ImplantationContractAdminForm
    list_display = ["programme", "regime", "start_date", "end_date", "posts", "hourly_pay"]
    list_filter = ["regime"]
    list_select_related = ["programme__siae"]


class ConventionPartyInline(admin.TabularInline):
    model = ConventionParty
    extra = 0


@admin.register(PartnershipConvention)
class PartnershipConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "start_date", "end_date"]
    list_select_related = ["programme__siae"]
    inlines = [ConventionPartyInline]


@admin.register(FundingLine)
class FundingLineAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "funder", "organisation", "amount"]
    list_filter = ["funder", "year"]
    list_select_related = ["programme__siae", "organisation"]
