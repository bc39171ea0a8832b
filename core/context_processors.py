"""django-dsfr's site configuration (SITE_CONFIG: the mourning mark and the notice of dsfr/base.html), read once a
minute per process instead of on every page (issue 19): it changes a few times a year, through the administration.
The configuration in the current language, else the first one, in one query (django-dsfr's own processor makes two)."""

from time import monotonic

from django.db.models import Case, IntegerField, Value, When
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import get_language
from dsfr.models import DsfrConfig

KEPT_SECONDS = 60  # a change made in the administration shows on every page within a minute
_kept: dict[str, tuple[float, DsfrConfig | None]] = {}  # language -> (read at, configuration)


def site_config(request):
    language = get_language()
    read_at, config = _kept.get(language, (None, None))
    if read_at is None or monotonic() - read_at > KEPT_SECONDS:
        in_language = Case(When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField())
        config = keep_site_config(DsfrConfig.objects.order_by(in_language, "pk").first(), language)
    return {"SITE_CONFIG": config}


def keep_site_config(config: DsfrConfig | None, language: str | None = None) -> DsfrConfig | None:
    """Keep ``config`` as this process's configuration for ``language`` (the current one) for KEPT_SECONDS."""
    _kept[language or get_language()] = (monotonic(), config)
    return config


@receiver([post_save, post_delete], sender=DsfrConfig)
def forget_site_config(**kwargs):
    """This process shows a change at once (the others within KEPT_SECONDS)."""
    _kept.clear()
