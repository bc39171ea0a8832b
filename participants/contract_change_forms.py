"""The avenant changing a contract's weekly hours or post, and the skills acquired (participants.contract_changes)."""

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from .contract_changes import MAX_SKILL_LENGTH, MAX_SKILLS, current_post, hours_label
from .forms import StepForm, _decimal, date_field


class ContractChangeForm(StepForm):
    """A date of effect, the new weekly hours and/or the new post (an empty field: unchanged), the reason."""

    submit_label = _("Enregistrer l'avenant")

    def setup(self):
        pathway = self.pathway
        self.fields["valid_from"] = date_field(
            _("Date d'effet de l'avenant"),
            help_text=_("Pendant le contrat : pas avant son début, pas après sa fin ; pas dans le futur."))
        self.fields["hours_per_week"] = _decimal(
            _("Nouvelle durée hebdomadaire (heures)"), max_digits=4, decimal_places=1,
            help_text=_("Actuellement : %(hours)s. De 10 à 35 heures ; vide si elle ne change pas.")
            % {"hours": hours_label(pathway.hours_per_week)})
        self.fields["post"] = forms.CharField(
            label=_("Nouveau poste"), required=False, max_length=200,
            help_text=_("Actuellement : %(post)s. Vide s'il ne change pas.") % {"post": current_post(pathway) or "—"})
        self.fields["reason"] = forms.CharField(
            label=_("Motif de l'avenant"), max_length=300,
            help_text=_("Par exemple : passage à temps plein, changement d'atelier."))

    def layout(self):
        return [Row(Column("valid_from"), Column("hours_per_week")), "post", "reason"]


class SkillsForm(StepForm):
    submit_label = _("Enregistrer les compétences")

    def setup(self):
        self.fields["skills_acquired"] = forms.CharField(
            label=_("Compétences acquises"),
            max_length=MAX_SKILLS * (MAX_SKILL_LENGTH + 1),
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_("Une compétence par ligne (au plus %(max)s lignes de %(length)s caractères), écrite pour un "
                        "employeur : elles figurent sur l'attestation de fin de parcours, sans mention de la "
                        "détention ni de la justice.") % {"max": MAX_SKILLS, "length": MAX_SKILL_LENGTH})
        self.initial.setdefault("skills_acquired", self.pathway.skills_acquired)

    def layout(self):
        return ["skills_acquired"]
