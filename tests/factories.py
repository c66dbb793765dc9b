import factory
from stdnum.cn import ric

from yiwang.accounts.models import Person, User
from yiwang.catalog.models import ItemVersion, ServiceItem


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pw-for-tests")


def identity_number(n: int, birth: str = "19900101", area: str = "440105") -> str:
    body = f"{area}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects the check position present


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name", locale="zh_CN")
    id_number = factory.Sequence(lambda n: identity_number(n + 100))


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    kind = ServiceItem.Kind.LICENSING
    department_kind = "SAMR"
    level = ServiceItem.Level.COUNTY
    audience = ServiceItem.Audience.ENTERPRISE


class DraftVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemVersion

    item = factory.SubFactory(ServiceItemFactory)
    number = 1
    legal_basis = "《中华人民共和国行政许可法》第十二条"
    promised_days = 5
    statutory_days = 20
    online_depth = 4


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as the figures see it, written straight to its row: for counting tests that need cases on given days
    in given states, not the journey that put them there (the cases tests walk that)."""

    class Meta:
        model = "cases.Case"

    class Params:
        implementation_ = None

    number = factory.Sequence(lambda n: f"T{n:012d}")
    implementation = factory.LazyAttribute(lambda o: o.implementation_)
    item = factory.LazyAttribute(lambda o: o.implementation.item)
    version = factory.LazyAttribute(lambda o: o.implementation.item.current_version)
    department = factory.LazyAttribute(lambda o: o.implementation.department)
    region = factory.LazyAttribute(lambda o: o.implementation.department.region)
    applicant_person = factory.LazyFunction(lambda: Person.objects.first())
    submitted_by = factory.LazyFunction(lambda: User.objects.get(username="citizen"))
    channel = "online"
    delivery_method = "online"
    status = "accepted"
    acceptance_due = factory.LazyAttribute(lambda o: o.received_on)
    promised_days = 10
    statutory_days = 20
