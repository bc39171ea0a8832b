from django.db import transaction

from .models import Organisation


@transaction.atomic
def organisation_save(*, organisation: Organisation, by) -> Organisation:
    organisation.full_clean()
    organisation.save()
    return organisation
