"""Forms of the recruitment session pages: the session itself, the list filters, and the two board actions
(add candidates, bulk decisions). Every choice list starts from access.scope."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr
from dsfr.widgets import InlineRadioSelect

from access import scope
from core.forms import ALL, DateInput, DsfrModelForm, FilterForm, visible_or_current
from programmes.models import Programme

from .enums import SessionDecision
from .models import Participant, Pathway, RecruitmentSession
from .selectors import session_eligible_participants_for

# The database constraint whose French message belongs beside a field the generic form cannot guess
# (a uniqueness over two fields): the date is what the user changes to fix it.
_DUPLICATE_DATE = str(
    next(c for c in RecruitmentSession._meta.constraints if c.name == "session_one_per_programme_and_date")
    .violation_error_message
)


def programme_label(programme: Programme) -> str:
    return f"{programme.code} — {programme.siae.name} ({programme.establishment.name})"


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return programme_label(obj)


class SessionForm(DsfrModelForm):
    programme = ProgrammeChoiceField(label=_("Programme"), queryset=Programme.objects.none())

    class Meta:
        model = RecruitmentSession
        fields = ["programme", "information_meeting_on", "interviews_on", "date", "note"]
        labels = {"date": _("Date de la commission de sélection")}
        help_texts = {
            "information_meeting_on": _("L'information collective présente le programme aux personnes repérées."),
            "interviews_on": _("Entretiens individuels avec la SIAE (et le SPIP le cas échéant)."),
            "date": _("La commission décide qui est retenu·e : c'est la date de la session."),
        }
        widgets = {
            "date": DateInput(),
            "information_meeting_on": DateInput(),
            "interviews_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        current = [self.instance.programme_id] if self.instance.programme_id else []
        self.fields["programme"].queryset = (
            visible_or_current(scope.programmes_for(user), Programme, current)
            .select_related("siae", "establishment").order_by("code")
        )

    def _post_clean(self):
        super()._post_clean()
        general = self._errors.get(NON_FIELD_ERRORS)
        if not general or "date" in self._errors:
            return
        kept = [error for error in general.as_data() if str(error.message) != _DUPLICATE_DATE]
        if len(kept) < len(general):
            self._errors["date"] = self.error_class([_DUPLICATE_DATE], renderer=self.renderer)
            if kept:
                self._errors[NON_FIELD_ERRORS] = self.error_class(kept, error_class="nonfield", renderer=self.renderer)
            else:
                del self._errors[NON_FIELD_ERRORS]


class SessionFilterForm(FilterForm):
    q = None  # nothing to search in a session: filter by programme and year
    programme = ProgrammeChoiceField(label=_("Programme"), required=False, queryset=Programme.objects.none(),
                                     empty_label=ALL)
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["programme"].queryset = (
            scope.programmes_for(user).select_related("siae", "establishment").order_by("code")
        )
        years = scope.recruitment_sessions_for(user).dates("date", "year", order="DESC")
        self.fields["year"].choices = [("", _("Toutes")), *((day.year, str(day.year)) for day in years)]


# --- The board's actions ---------------------------------------------------------------------------------


class ParticipantChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AddCandidatesForm(forms.Form):
    participants = ParticipantChoices(
        label=_("Personnes à ajouter comme candidat·es"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Cochez au moins une personne à ajouter comme candidat·e."),
            "invalid_choice": _("Une des personnes cochées ne peut plus être ajoutée (elle a quitté l'établissement "
                                "ou a déjà un parcours en cours dans ce programme). Rien n'a été enregistré : "
                                "vérifiez la liste ci-dessous."),
            "invalid_pk_value": _("La sélection envoyée n'est pas valide. Rien n'a été enregistré."),
        },
    )

    def __init__(self, *args, user, session: RecruitmentSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = session_eligible_participants_for(user=user, session=session)


class PathwayChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj.participant)


class DecisionForm(forms.Form):
    """The same decision for every checked candidate. The reason is required for "non retenu·e" by the service
    (services.pathway_decide), which says so in French. The checkboxes of ``pathways`` are on the board's cards."""

    bound_field_class = DsfrBoundField
    pathways = PathwayChoices(
        label=_("Candidat·es"),
        queryset=Pathway.objects.none(),
        error_messages={
            "required": _("Cochez au moins une personne sur le tableau avant d'enregistrer une décision."),
            "invalid_choice": _("Une des personnes cochées n'est plus candidate à cette session. Rien n'a été "
                                "enregistré : vérifiez le tableau ci-dessous."),
            "invalid_pk_value": _("La sélection envoyée n'est pas valide. Rien n'a été enregistré."),
        },
    )
    decision = forms.ChoiceField(
        label=_("Décision de la commission"), choices=SessionDecision.choices, widget=InlineRadioSelect,
        error_messages={"required": _("Choisissez une décision : retenu·e, non retenu·e ou désisté·e.")},
    )
    reason = forms.CharField(
        label=_("Motif"), required=False, max_length=300,
        help_text=_("Obligatoire pour une non-sélection. Le même motif s'applique à chaque personne cochée."),
    )

    def __init__(self, *args, pathways: QuerySet[Pathway] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if pathways is not None:  # the board's candidates (none for the empty form shown with the board)
            self.fields["pathways"].queryset = pathways
        dsfr_input_class_attr(self["decision"])
        dsfr_input_class_attr(self["reason"])

    def posted_versions(self) -> dict:
        """The version of each checked pathway the user's page showed (``version-<pk>`` beside its checkbox), by
        its pk; None when absent or not a number (no conflict check)."""
        versions = {}
        for pathway in self.cleaned_data["pathways"]:
            raw = self.data.get(f"version-{pathway.pk}", "")  # isascii: "²".isdigit() is true (form fuzzing)
            versions[pathway.pk] = int(raw) if raw.isascii() and raw.isdigit() else None
        return versions
