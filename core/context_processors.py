"""django-dsfr's site configuration (SITE_CONFIG: the mourning mark and the notice of dsfr/base.html) in one query
instead of its context processor's two (issue 19): the configuration in the current language, else the first one."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import get_language
from dsfr.models import DsfrConfig


def site_config(request):
    in_language = Case(When(language=get_language(), then=Value(0)), default=Value(1), output_field=IntegerField())
    return {"SITE_CONFIG": DsfrConfig.objects.order_by(in_language, "pk").first()}
