"""The month rollups under concurrent writers (PostgreSQL): no deadlock, no count lost."""

import datetime
import random
import threading

import pytest
from django.db import connections, transaction

from clients.models import Client
from plans.models import Contact
from tests.factories import ClientFactory, FamilyFactory, ProviderFactory, StaffFactory

from .report_world import contact
from .rollup_sums import added_up, rollups

D = datetime.date


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_month_neither_deadlock_nor_lose_a_count():
    """Six writers at once log, edit and re-link contacts of one provider's month and move persons between
    families: every transaction commits, and the rollups add up exactly."""
    provider = ProviderFactory(code="LSK")
    families = FamilyFactory.create_batch(4)
    persons = [ClientFactory(provider=provider, family=families[i % 4] if i % 3 else None) for i in range(20)]
    staff = StaffFactory.create_batch(6, provider=provider)
    failures: list[Exception] = []

    def writer(n: int) -> None:
        rng = random.Random(n)
        mine: list[Contact] = []
        try:
            for _ in range(15):
                with transaction.atomic():
                    if rng.random() < 0.15:  # a person moves to another family, or leaves theirs
                        moved = rng.choice(persons)
                        Client.objects.filter(pk=moved.pk).update(family=rng.choice([*families, None]))
                    elif mine and rng.random() < 0.2:  # a contact edited: its day, then its persons
                        edited = rng.choice(mine)
                        edited.date = D(2026, rng.choice([1, 2]), rng.randint(1, 28))
                        edited.save()
                        edited.clients.set(rng.sample(persons, rng.randint(0, 3)))
                    else:
                        family = rng.choice([*families, None, None])
                        topics = rng.sample(["documents", "health", "housing"], rng.randint(0, 2))
                        mine.append(
                            contact(
                                staff[n],
                                D(2026, 1, rng.randint(1, 28)),
                                *rng.sample(persons, rng.randint(0, 3)),
                                family=family,
                                topics=topics,
                            )
                        )
        except Exception as exc:  # noqa: BLE001 - the test asserts there is none
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Contact.objects.count() > 40
    assert rollups() == added_up()
