"""core.validation: the shared validators of a person's name and of an identifier."""

import pytest
from django.core.exceptions import ValidationError

from core.validation import normalise_identifier, validate_identifier, validate_person_name


@pytest.mark.parametrize("name", ["N'Diaye", "Jean-Pierre", "Saïdi", "O. Le Gall", "Ñúñez (née Roux)", "Lê Văn Thành",
                                  "D’Artagnan"])
def test_real_names_pass(name):
    validate_person_name(name)


@pytest.mark.parametrize(("name", "shown"), [
    ("<script>", "« < » « > »"), ("=1+1", "« = »"), (" +33", "« + »"), ("-Martin", "« - »"), ("@cmd", "« @ »"),
    ("Nom\tPrénom", "U+0009"), ("a|b", "« | »"), ('Martin"', '« " »'),
])
def test_markup_formulas_and_control_characters_are_refused_and_named(name, shown):
    with pytest.raises(ValidationError) as error:
        validate_person_name(name)

    assert shown in error.value.messages[0]


@pytest.mark.parametrize(("raw", "stored"), [("３３９２６", "33926"), ("  12  A ", "12 A"), ("ＡＢ-１", "AB-1")])
def test_identifiers_are_folded_before_they_are_stored(raw, stored):
    assert normalise_identifier(raw) == stored
    validate_identifier(raw)


@pytest.mark.parametrize("raw", ["<1234>", "=1", "12;34", "-12"])
def test_identifiers_refuse_anything_but_letters_digits_and_separators(raw):
    with pytest.raises(ValidationError):
        validate_identifier(raw)
