from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import scope
from programmes.forms import DsfrModelForm, FilterForm, _blank
from programmes.models import Disp, Region

from .enums import OrganisationKind
from .models import Organisation


class OrganisationForm(DsfrModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name", "department", "region", "disp", "siae", "establishment", "served_establishments"]
        widgets = {"served_establishments": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = scope.departments_for(user)
        self.fields["department"].queryset = departments
        self.fields["region"].queryset = Region.objects.filter(departments__in=departments).distinct()
        self.fields["disp"].queryset = Disp.objects.filter(regions__departments__in=departments).distinct()
        self.fields["siae"].queryset = scope.siaes_for(user)
        self.fields["establishment"].queryset = scope.establishments_for(user)
        self.visible_establishments = scope.establishments_for(user)
        self.fields["served_establishments"].queryset = self.visible_establishments

    def clean_served_establishments(self):
        """Ticking boxes changes only what the user sees; establishments outside their scope stay served."""
        chosen = self.cleaned_data["served_establishments"]
        if not self.instance.pk:
            return chosen
        hidden = self.instance.served_establishments.exclude(pk__in=self.visible_establishments.values("pk"))
        return chosen | hidden


class OrganisationFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=_blank(OrganisationKind.choices))
