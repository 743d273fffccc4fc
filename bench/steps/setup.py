"""Setup step: the benchmark's users (staff of the largest provider, a manager, a coordinator) and their plans."""

from __future__ import annotations

import datetime
import random

from django.db.models import Count, Q
from django.test import Client as TestClient
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

import accounts.middleware  # noqa: F401 - connects the sign-in time receiver that a request would load
from accounts.models import Role, User
from bench.common import Run, log
from clients.models import Client, Provider, Staff
from plans.models import Goal, Plan, Task


def signed_in(user: User) -> TestClient:
    """A test client signed in as `user`, its second factor verified (as tests/conftest.py does)."""
    client = TestClient()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def run(bench: Run) -> None:
    rng = random.Random(bench.args.seed)
    today = timezone.localdate()
    provider = Provider.objects.annotate(n=Count("clients")).order_by("-n", "code").first()
    recent = datetime.date(2025, 1, 1)

    def current_staff(role: str, related: str) -> list[Staff]:
        # The staff of the latest year: those assigned to clients whose service started in 2025.
        return list(
            Staff.objects.filter(provider=provider, role=role)
            .annotate(n=Count(related, filter=Q(**{f"{related}__service_start__gte": recent})))
            .filter(n__gt=0)
            .order_by("-n", "staff_ref")[:25]
        )

    users: dict[str, list] = {"social_worker": [], "mentor": []}
    for role, related in (("social_worker", "social_work_clients"), ("mentor", "mentored_clients")):
        for i, staff in enumerate(current_staff(role, related)):
            user, _ = User.objects.get_or_create(username=f"bench-{role}-{i}", role=role, provider=provider)
            staff.user = user
            staff.save(update_fields=["user"])
            users[role].append(user)
    manager, _ = User.objects.get_or_create(username="bench-manager", role=Role.MANAGER, provider=provider)
    coordinator, _ = User.objects.get_or_create(username="bench-coordinator", role=Role.COORDINATOR, provider=None)
    for user in (manager, coordinator):
        TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})

    # Tasks are not part of the exchange format (the generated plans of version 2 have none): give each
    # benchmark user's clients a plan with open tasks due around today, so that the home pages have tasks to
    # show; once a database (a setup run again on it adds none).
    plans, goals, tasks = [], [], []
    done = Task.objects.filter(title__startswith="Bench task").exists()
    for role, role_users in users.items():
        for user in role_users:
            field = "social_worker" if role == "social_worker" else "mentor"
            clients = list(Client.objects.filter(**{f"{field}__user": user}).order_by("-service_start")[:8])
            for client in clients if not done else []:
                plans.append(
                    Plan(
                        client=client,
                        provider_id=client.provider_id,
                        status="active",
                        start_date=client.service_start or today,
                    )
                )
    Plan.objects.bulk_create(plans, batch_size=1000)
    for plan in plans:
        for area in ("documents", "housing"):
            goals.append(Goal(plan=plan, provider_id=plan.provider_id, area=area, description=f"Bench goal: {area}"))
    Goal.objects.bulk_create(goals, batch_size=1000)
    staff_of = {p.pk: (p.client.mentor or p.client.social_worker) for p in plans}
    for goal in goals:
        responsible = staff_of[goal.plan_id]
        if responsible is None:
            continue
        for k in range(2):
            tasks.append(
                Task(
                    goal=goal,
                    title=f"Bench task {k + 1}",
                    responsible=responsible,
                    due_date=today + datetime.timedelta(days=rng.randint(-10, 20)),
                    status="open",
                )
            )
    Task.objects.bulk_create(tasks, batch_size=1000)
    bench.users = users
    bench.manager, bench.coordinator = manager, coordinator
    bench.provider = provider
    bench.result["setup"] = {
        "provider": provider.code,
        "provider_clients": Client.objects.filter(provider=provider).count(),
        "social_worker_accounts": len(users["social_worker"]),
        "mentor_accounts": len(users["mentor"]),
        "caseload_of_first_social_worker": Client.objects.filter(social_worker__user=users["social_worker"][0]).count()
        if users["social_worker"]
        else 0,
        "clients_of_first_mentor": Client.objects.filter(mentor__user=users["mentor"][0]).count()
        if users["mentor"]
        else 0,
        "plans": len(plans),
        "goals": len(goals),
        "tasks": len(tasks),
    }
    log(f"setup: {bench.result['setup']}")
