import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from members.models import Firm, Membership, Sector, User
from members.vat import example_vat_number

PASSWORD = "test-pass-Valtellina-1"  # noqa: S105


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.it")
    first_name = factory.Faker("first_name", locale="it_IT")
    last_name = factory.Faker("last_name", locale="it_IT")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        # Users can only log in with a verified address (mandatory verification).
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


def sector(slug: str = "metalmeccanico") -> Sector:
    """The sectors come from a data migration; transactional tests flush them, so recreate."""
    return Sector.objects.get_or_create(slug=slug, defaults={"name": slug.capitalize()})[0]


class FirmFactory(DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Impresa Valtellinese {n} S.r.l.")
    vat_number = factory.Sequence(lambda n: example_vat_number(5000 + n))
    ateco_code = "25.62.00"
    sector = factory.LazyFunction(sector)
    comune = "Sondrio"
    status = Firm.Status.APPROVED
    products = "Componenti meccanici di precisione"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    firm = factory.SubFactory(FirmFactory)
    role = Membership.Role.OWNER


def member(**firm_kwargs) -> User:
    """A user who owns a firm (approved unless status= says otherwise)."""
    return MembershipFactory(firm=FirmFactory(**firm_kwargs)).user
