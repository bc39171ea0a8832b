"""The forms of « Comptes » (issue 18, §3): they parse input; the rules are in accounts.services and
access.permissions (the roles and organisations a manager may give are the only choices offered)."""

from django import forms

from access import permissions
from core.forms import DsfrForm, FilterForm, with_blank

from . import services
from .enums import Role

ACTIVE_CHOICES = [("", "Tous"), ("oui", "Actifs"), ("non", "Désactivés")]


def _role_choices(user):
    granted = permissions.grantable_roles(user)
    return [(value, label) for value, label in Role.choices if value in granted]


def _grouped(organisations) -> list:
    groups: dict[str, list] = {}
    for organisation in organisations:
        groups.setdefault(organisation.get_kind_display(), []).append((organisation.pk, organisation.name))
    return [("", "Aucune (compte national ou administrateur)"), *sorted(groups.items())]


class AccountForm(DsfrForm):
    submit_label = "Créer le compte et envoyer l'invitation"

    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    email = forms.EmailField(label="Adresse électronique professionnelle", max_length=254,
                             help_text="L'invitation à choisir un mot de passe y est envoyée.")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=None, required=False,
                                          empty_label="Aucune (compte national ou administrateur)")
    role = forms.ChoiceField(label="Rôle")
    username = forms.CharField(label="Identifiant de connexion", max_length=150, required=False,
                               help_text="Laissez vide : il est formé du prénom et du nom (prenom.nom).")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = permissions.organisations_granted_by(user).order_by("name")
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = with_blank(_role_choices(user), label="Choisir un rôle")
        if not permissions.may_change_scope(user):  # their own organisation, the only one offered
            self.fields["organisation"].required = True
            self.fields["organisation"].empty_label = None
            self.fields["organisation"].help_text = "Votre organisation : vous créez les comptes de son équipe."
        else:  # every organisation, grouped by kind (an SPIP for a counsellor, an SIAE for its staff…)
            self.fields["organisation"].choices = _grouped(organisations)
            self.fields["organisation"].help_text = (
                "Obligatoire, sauf pour un compte national ou administrateur. Une organisation absente de la liste "
                "se crée d'abord dans Partenaires › Organisations.")

    def account_values(self) -> dict:
        return {name: self.cleaned_data.get(name) or ("" if name != "organisation" else None)
                for name in ("first_name", "last_name", "email", "organisation", "role", "username")}


class ReasonForm(DsfrForm):
    reason = forms.CharField(label="Motif", max_length=services.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Écrit dans l'historique du compte : le motif, sans donnée personnelle.")

    def __init__(self, *args, submit_label: str, **kwargs):
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class AccountFilterForm(FilterForm):
    organisation = forms.ModelChoiceField(label="Organisation", queryset=None, required=False, empty_label="Toutes")
    role = forms.ChoiceField(label="Rôle", required=False)
    active = forms.ChoiceField(label="État", required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["q"].help_text = "Nom, prénom, identifiant ou adresse"
        self.fields["organisation"].queryset = (
            permissions.organisations_granted_by(user).filter(users__isnull=False).distinct().order_by("name"))
        self.fields["role"].choices = with_blank(Role.choices)
