"""Amounts in French: {{ amount|euros }} -> "25 370,10 €"; {{ value|etp }} -> "2,5"."""

from decimal import Decimal

from django import template

from core.formatting import format_euros

register = template.Library()


@register.filter
def euros(value):
    if value is None or value == "":
        return "—"
    return format_euros(value)


@register.filter
def etp(value):
    if value is None:
        return "—"
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{Decimal(value):f}".replace(".", ",") + "\u00a0%"
