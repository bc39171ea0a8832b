from django.contrib import admin

from .models import Organisation, OrganisationFormerName


class FormerNameInline(admin.TabularInline):
    model = OrganisationFormerName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region", "disp"]
    list_filter = ["kind"]
    search_fields = ["name", "former_names__name"]
    filter_horizontal = ["served_establishments"]
    inlines = [FormerNameInline]
