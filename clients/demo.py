"""Invented demo records for `make run` (never a copy of real or shared sample data)."""

from datetime import date

from .choices import StaffRole
from .models import Contract, Provider, Staff


def build_demo_records() -> None:
    """Create the demo provider, its contract and staff; running it twice changes nothing."""
    provider, _ = Provider.objects.get_or_create(code="DEMO", defaults={"name": "Biedrība “Atbalsta tilts”"})
    Provider.objects.get_or_create(code="OTHER", defaults={"name": "Nodibinājums “Ceļa biedri”"})
    Contract.objects.get_or_create(
        number="S-SIF-2026-DEMO",
        defaults={
            "provider": provider,
            "start": date(2026, 1, 1),
            "end": date(2026, 12, 31),
            "planned_persons_per_month": 80,
        },
    )
    staff = [
        ("DEMO-SW1", "Ilze", "Bērziņa", StaffRole.SOCIAL_WORKER),
        ("DEMO-SW2", "Edgars", "Vītols", StaffRole.SOCIAL_WORKER),
        ("DEMO-M1", "Jānis", "Ozoliņš", StaffRole.MENTOR),
        ("DEMO-M2", "Anna", "Krūmiņa", StaffRole.MENTOR),
        ("DEMO-M3", "Kārlis", "Zariņš", StaffRole.MENTOR),
    ]
    for ref, first, last, role in staff:
        Staff.objects.get_or_create(
            staff_ref=ref,
            defaults={"first_name": first, "last_name": last, "role": role, "provider": provider},
        )
