import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.forms import apply_errors, constraint_fields, with_blank
from core.validation import END_BEFORE_START, period_errors
from partners.models import OrganisationFormerName, PartnerRole
from programmes.models import Programme


class PeriodForm(forms.Form):
    start_date = forms.DateField(required=False)
    end_date = forms.DateField(required=False)


def _form():
    form = PeriodForm(data={})
    form.is_valid()
    return form


def test_a_service_error_goes_beside_the_field_it_names_and_the_others_above_the_form():
    form = _form()
    apply_errors(form, ValidationError({"end_date": ["Trop tard."], "parties": ["Aucune partie."],
                                        NON_FIELD_ERRORS: ["Refusé."]}))
    assert form.errors == {"end_date": ["Trop tard."], NON_FIELD_ERRORS: ["Aucune partie.", "Refusé."]}


def test_a_constraint_message_goes_beside_the_field_it_is_about():
    form = _form()
    apply_errors(form, ValidationError(str(END_BEFORE_START)), by_message=constraint_fields(Programme))
    assert form.errors == {"end_date": [str(END_BEFORE_START)]}


def test_errors_no_field_holds_can_be_sent_elsewhere():
    form, elsewhere = _form(), []
    apply_errors(form, ValidationError({"parties": ["Aucune partie."]}), unplaced=elsewhere.append)
    assert (form.errors, elsewhere) == ({}, ["Aucune partie."])


def test_every_period_constraint_names_its_end_date_and_says_the_same_message():
    fields = {**constraint_fields(PartnerRole), **constraint_fields(OrganisationFormerName)}
    assert fields[str(END_BEFORE_START)] in {"end_date", "valid_until"}
    assert str(END_BEFORE_START) == "La date de fin doit être postérieure à la date de début."


def test_period_errors_only_when_both_dates_are_given_and_out_of_order():
    day = datetime.date(2026, 3, 1)
    assert period_errors(day, day - datetime.timedelta(days=1)) == {"end_date": [END_BEFORE_START]}
    assert period_errors(day, day) == period_errors(day, None) == period_errors(None, day) == {}


def test_with_blank_puts_the_empty_choice_first():
    assert with_blank([("A", "a")]) == [("", "Tous"), ("A", "a")]
    assert with_blank([], "Toutes") == [("", "Toutes")]
