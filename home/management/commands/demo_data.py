"""Demo data for `make run`: providers, staff and one account per role (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from clients.models import Provider, Staff
from plans.demo import build_demo_plans
from plans.demo_casework import build_demo_casework
from plans.demo_records import build_demo_records

DEMO_PASSWORD = "demo-parole-2026"  # noqa: S105 - printed for the demo on purpose

DEMO_ACCOUNTS = [
    # username, first name, last name, role, provider code, staff reference
    ("socialais", "Ilze", "Bērziņa", Role.SOCIAL_WORKER, "DEMO", "DEMO-SW1"),
    ("mentors", "Jānis", "Ozoliņš", Role.MENTOR, "DEMO", "DEMO-M1"),
    ("vaditajs", "Līga", "Kalniņa", Role.MANAGER, "DEMO", None),
    ("koordinators", "Māris", "Liepiņš", Role.COORDINATOR, None, None),
]


class Command(BaseCommand):
    help = "Create demo records and one account per role, and print their logins."

    @transaction.atomic
    def handle(self, *args, **options):
        build_demo_records()
        for username, first, last, role, provider_code, staff_ref in DEMO_ACCOUNTS:
            provider = Provider.objects.get(code=provider_code) if provider_code else None
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "role": role, "provider": provider},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            if staff_ref:
                Staff.objects.filter(staff_ref=staff_ref, user__isnull=True).update(user=user)
        build_demo_plans()
        build_demo_casework()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", DEMO_PASSWORD)
        # Every account needs a second factor (field staff after a grace period): each demo account has an
        # authenticator, whose current code `demo_totp NAME` prints.
        demo_usernames = [account[0] for account in DEMO_ACCOUNTS] + ["admin"]
        for user in User.objects.filter(username__in=demo_usernames):
            TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "demo"})
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, role, provider_code, _ref in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {role.label} {provider_code or ''}")
        self.stdout.write("  admin          Django admin (superuser)")
        self.stdout.write(
            "Every account also needs a two-factor code, printed by: .venv/bin/python manage.py demo_totp socialais"
        )
