"""Phone numbers of partner contacts: French national (10 digits from 0) or international (+ and digits)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"0[1-9]\d{8}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
PHONE_HELP = _("10 chiffres commençant par 0 (01 64 36 00 00) ou forme internationale (+33 1 64 36 00 00, "
               "+262 262 00 00 00) ; espaces acceptés.")


def normalise_phone(value: str) -> str:
    """"01 64 36.00.00" -> "0164360000", "+33 (0)1 64 36 00 00" -> "+33164360000"; invalid -> ValidationError."""
    value = (value or "").strip()
    if not value:
        return ""
    compact = _SEPARATORS.sub("", value.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _NATIONAL.fullmatch(compact):
        return compact
    if _INTERNATIONAL.fullmatch(compact):
        if compact.startswith("+33") and len(compact) != 12:
            raise ValidationError(_("Un numéro en +33 compte 9 chiffres après l'indicatif (+33 1 64 36 00 00)."),
                                  code="phone")
        return compact
    raise ValidationError(
        _("Numéro de téléphone invalide : 10 chiffres commençant par 0, ou forme internationale commençant "
          "par + (par exemple +33 1 64 36 00 00)."),
        code="phone",
    )
