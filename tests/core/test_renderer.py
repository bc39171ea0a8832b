"""The select lists written in Python (core.renderer) give the HTML of Django's templates, character for character."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from dsfr.forms import DsfrDjangoTemplates

from core.renderer import OPTION, SELECT, FormRenderer, select_html
from programmes.models import Programme
from tests.programmes.factories import ProgrammeFactory

TEMPLATES = DsfrDjangoTemplates()  # the renderer core.renderer replaces for the lists


class Lists(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Tous"), ("a", "Premier"), ("b", "Second")], required=False)
    grouped = forms.ChoiceField(choices=[
        ("Établissements", [("1", "CP de Meaux-Chauconin"), ("2", "MA d'Épinal")]),
        ("Autres", [("x", "« Guillemets » & <balises>")]),
        ("", "Sans groupe"),
    ])
    numbers = forms.TypedChoiceField(choices=[(2026, 2026), (Decimal("1.5"), Decimal("1.5"))], coerce=int)
    lazy = forms.ChoiceField(choices=[("oui", gettext_lazy("Oui")), ("safe", mark_safe("<em>déjà sûr</em>"))])
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    day = forms.ChoiceField(choices=[(datetime.date(2026, 12, 8).isoformat(), datetime.date(2026, 12, 8))])


def widget_context(form, name, value, attrs=None):
    field = form.fields[name]
    field.widget.attrs.update(attrs or {})
    return field.widget.get_context(name, value, {"id": f"id_{name}", **(attrs or {})})


CASES = [
    ("plain", "a", None),
    ("plain", "", {"class": "fr-select", "data-x": 'a "quoted" <value>'}),
    ("grouped", "2", {"required": True, "disabled": False}),
    ("numbers", 2026, {"aria-describedby": "aide"}),
    ("lazy", "safe", None),
    ("several", ["a", "c"], {"class": "fr-select"}),
    ("day", "2026-12-08", None),
]


@pytest.mark.parametrize(("name", "value", "attrs"), CASES)
def test_a_list_is_the_html_of_the_templates(name, value, attrs):
    context = widget_context(Lists(), name, value, attrs)

    assert select_html(context["widget"]) == TEMPLATES.render(SELECT, context)


@pytest.mark.django_db
def test_a_list_of_model_choices_is_the_html_of_the_templates():
    ProgrammeFactory(code="ALPHA-1")
    field = forms.ModelChoiceField(queryset=Programme.objects.order_by("code"), empty_label="Tous les programmes")
    context = field.widget.get_context("programme", None, {"id": "id_programme", "class": "fr-select"})

    html = select_html(context["widget"])

    assert html == TEMPLATES.render(SELECT, context)
    assert "ALPHA-1" in html


def test_the_project_renders_lists_in_python_and_other_widgets_through_the_templates():
    renderer = FormRenderer()
    context = widget_context(Lists(), "plain", "a")
    radios = forms.RadioSelect(choices=[("a", "A")]).get_context("r", "a", {"id": "id_r"})

    assert renderer.render(SELECT, context) == select_html(context["widget"])
    assert renderer.render("django/forms/widgets/radio.html", radios) == TEMPLATES.render(
        "django/forms/widgets/radio.html", radios)
    other = {**context, "widget": {**context["widget"], "optgroups": [
        (None, [{**context["widget"]["optgroups"][0][1][0], "template_name": "autre/option.html"}], 0)]}}
    assert other["widget"]["optgroups"][0][1][0]["template_name"] != OPTION  # another option template: not ours
    with pytest.raises(Exception, match="autre/option.html"):
        renderer.render(SELECT, other)  # went to the templates, which do not have it
