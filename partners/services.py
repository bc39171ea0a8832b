from django.db import transaction

from .models import Organisation


@transaction.atomic
def organisation_save(*, organisation: Organisation, served_establishments=None, by) -> Organisation:
    organisation.full_clean()
    organisation.save()
    if served_establishments is not None:
        organisation.served_establishments.set(served_establishments)
    return organisation
