from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SIRET_NOT_14_DIGITS = gettext_lazy("Le SIRET doit comporter exactement 14 chiffres.")  # validator and constraint


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(SIRET_NOT_14_DIGITS, code="siret_format")
    if not luhn_is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide (la clé de contrôle ne correspond pas)."), code="siret_luhn"
        )
