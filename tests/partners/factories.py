import factory
from factory.django import DjangoModelFactory

from partners.enums import OrganisationKind
from partners.models import Organisation


class OrganisationFactory(DjangoModelFactory):
    """An organisation without territory (a national body) unless department/region/disp are given."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.OTHER
    name = factory.Sequence(lambda n: f"Organisation test {n:04d}")

    @factory.post_generation
    def served_establishments(self, create, extracted, **kwargs):
        if create and extracted:
            self.served_establishments.set(extracted)
