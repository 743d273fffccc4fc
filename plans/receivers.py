"""How the contacts app answers the clients app's signals (connected in `PlansConfig.ready`)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from clients.models import Client, Family
from clients.signals import family_left

from .models import ContactClient


@receiver(family_left, sender=Client, dispatch_uid="plans.keep_family_contacts")
def keep_family_contacts(sender: type[Client], *, client: Client, family: Family, **kwargs: Any) -> None:
    """The family's contacts so far keep serving the client who leaves it (`ContactClient.via_family`).

    So the family's provider's reports stay as they were, and the client's new provider, which reads
    contacts naming the client but not those links, is not shown the family's contacts.
    """
    named = ContactClient.objects.filter(client=client).values("contact_id")
    family_contacts = family.contacts.exclude(pk__in=named).values_list("pk", flat=True)
    ContactClient.objects.bulk_create(
        [ContactClient(contact_id=pk, client=client, via_family=True) for pk in family_contacts.iterator()],
        batch_size=1000,
    )
