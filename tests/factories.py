"""factory_boy factories for the suite's records."""

import datetime

import factory

from accounts.models import Role, User
from clients.choices import StaffRole
from clients.models import Client, Contract, Family, Provider, Staff
from plans.models import Contact


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"P{n}")
    name = factory.Sequence(lambda n: f"Provider {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    provider = factory.SubFactory(ProviderFactory)
    number = factory.Sequence(lambda n: f"S-SIF-2026-{n}")
    start = datetime.date(2026, 1, 1)
    end = datetime.date(2026, 12, 31)
    planned_persons_per_month = 80


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Anna"
    last_name = "Bērziņa"
    role = Role.SOCIAL_WORKER
    provider = factory.SubFactory(ProviderFactory)
    password = factory.django.Password("correct-horse-battery")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    staff_ref = factory.Sequence(lambda n: f"S{n:04d}")
    first_name = "Jānis"
    last_name = "Ozoliņš"
    role = StaffRole.SOCIAL_WORKER
    provider = factory.SubFactory(ProviderFactory)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    family_ref = factory.Sequence(lambda n: f"F{n:04d}")
    provider = factory.SubFactory(ProviderFactory)


# A syllable a digit, that the loose name neither folds nor squeezes ("11" is "baba", "1" is "ba").
_SYLLABLES = ("ba", "da", "fa", "ga", "la", "ma", "na", "ra", "sa", "ta")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    client_ref = factory.Sequence(lambda n: f"C{n:05d}")
    first_name = "Ahmad"
    # The number spelt in letters too: the loose name (`name_key`) keeps letters only, and records with the same
    # loose name and birth date are one person in the fund's figures (reporting/figures/matching.py).
    last_name = factory.Sequence(lambda n: f"Ahmadi{n}{''.join(_SYLLABLES[int(d)] for d in str(n))}")
    gender = "M"
    birth_date = datetime.date(1990, 5, 17)
    country = "AF"
    provider = factory.SubFactory(ProviderFactory)
    service_start = datetime.date(2026, 1, 10)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    contact_ref = factory.Sequence(lambda n: f"K{n:06d}")
    date = datetime.date(2026, 3, 2)
    staff = factory.SubFactory(StaffFactory)
    form = "in_person"
    duration_minutes = 60


class LegalStatusEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.LegalStatusEntry"

    client = factory.SubFactory(ClientFactory)
    legal_status = "asylum_seeker"
    since = datetime.date(2026, 1, 10)


class ResidenceEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "clients.ResidenceEntry"

    client = factory.SubFactory(ClientFactory)
    residence = "reception_centre"
    since = datetime.date(2026, 1, 10)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Plan"

    client = factory.SubFactory(ClientFactory)
    start_date = datetime.date(2026, 3, 1)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Goal"

    plan = factory.SubFactory(PlanFactory)
    area = "housing"
    description = "Find a flat in Rīga"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Task"

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    responsible = factory.SubFactory(StaffFactory, role=StaffRole.MENTOR)
    due_date = datetime.date(2026, 4, 1)


class TaskNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.TaskNote"

    task = factory.SubFactory(TaskFactory)
    text = "Called the landlord"


class ConsentFactory(factory.django.DjangoModelFactory):
    """By default a consent to share data with institutions of every kind, given long before any referral."""

    class Meta:
        model = "clients.Consent"

    client = factory.SubFactory(ClientFactory)
    kind = "share_with_institutions"
    institution_kinds = factory.LazyFunction(list)
    given_on = datetime.date(2020, 1, 1)
    how = "signed"
