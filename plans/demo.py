"""Invented demo plans for `make run`: goals and tasks for the demo mentors, some overdue, some done."""

import datetime
import random

from django.utils import timezone

from clients.models import Client

from .choices import GoalArea, PlanStatus, TaskStatus
from .models import Goal, Plan, Task, TaskNote

# (area, goal, [(task, days from today it is due, status)])
DEMO_GOALS = [
    (
        GoalArea.DOCUMENTS,
        "Personas apliecība un uzturēšanās atļauja ir kārtībā",
        [
            ("Pavadīt uz PMLP pieteikt personas apliecību", -3, TaskStatus.OPEN),
            ("Iesniegt dzīvesvietas deklarāciju", 5, TaskStatus.IN_PROGRESS),
        ],
    ),
    (
        GoalArea.HOUSING,
        "Atrast īres dzīvokli Rīgā līdz pakalpojuma beigām",
        [
            ("Kopā izskatīt sludinājumus un sazvanīt izīrētājus", 2, TaskStatus.OPEN),
            ("Palīdzēt noslēgt īres līgumu", 20, TaskStatus.OPEN),
        ],
    ),
    (
        GoalArea.LANGUAGE,
        "Apgūt latviešu valodu A2 līmenī",
        [
            ("Pierakstīt latviešu valodas kursos", -10, TaskStatus.DONE),
            ("Pārrunāt kursu apmeklējumu", 6, TaskStatus.OPEN),
        ],
    ),
    (
        GoalArea.EMPLOYMENT,
        "Reģistrēties NVA un atrast darbu",
        [
            ("Pavadīt uz NVA filiāli reģistrēties", 1, TaskStatus.OPEN),
            ("Sagatavot CV latviešu valodā", 12, TaskStatus.OPEN),
        ],
    ),
]


def build_demo_plans() -> None:
    """An active plan for a dozen of the demo provider's clients; running it twice changes nothing."""
    today = timezone.localdate()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    assigned = Client.objects.filter(provider__code="DEMO", mentor__isnull=False, social_worker__isnull=False)
    assigned = assigned.select_related("mentor", "social_worker__user").order_by("client_ref")
    # The demo mentor's own clients first, so that "my tasks" has work in it.
    clients = [*assigned.filter(mentor__staff_ref="DEMO-M1")[:8], *assigned.exclude(mentor__staff_ref="DEMO-M1")[:4]]
    for client in clients:
        if Plan.objects.filter(client=client).exists():
            continue
        plan = Plan.objects.create(
            client=client,
            status=PlanStatus.ACTIVE,
            start_date=today - datetime.timedelta(days=45),
            review_date=today + datetime.timedelta(days=45),
            drafted_by=client.social_worker.user,
            social_worker=client.social_worker,
        )
        for area, description, tasks in rng.sample(DEMO_GOALS, 2):
            goal = Goal.objects.create(plan=plan, area=area, description=description)
            for title, due_in, status in tasks:
                task = Task.objects.create(
                    goal=goal,
                    title=title,
                    responsible=client.mentor,
                    due_date=today + datetime.timedelta(days=due_in),
                    status=status,
                )
                if status != TaskStatus.OPEN and client.mentor.user_id:
                    TaskNote.objects.create(
                        task=task, author=client.mentor.user, text="Runājām ar klientu, viss norit."
                    )
