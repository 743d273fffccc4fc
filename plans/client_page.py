"""The client's one page (`clients:detail`): the record, the family, the active plan, the latest contacts, the timeline.

Why the view is here: the page shows the client's plan, tasks and contacts, which are the plans app's, and the
clients app sits below plans (it may not import them; lint-imports holds the layers). So the view lives in plans,
which sees both apps and reads through both apps' selectors, and caseapp/urls.py, on top of every app, joins it to
the clients namespace under its old name and URL (clients/<pk>/), beside the record pages of clients/urls.py. The
home app could have held it too, but it is the page of the daily work on one client that plans already does (the
contact log, the plans, the full timeline), and home is for each role's start page.

What a role may do on the page is asked of accounts/capabilities.py, in the template (`{% can %}`, `|can:`).
The number of queries does not grow with the client's history: each part reads only its latest rows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.capabilities import can_write_client, works_with_clients
from clients import selectors as client_selectors

from . import assessments, selectors
from .choices import ReferralOutcomeReason, ReferralStatus

# The latest contacts and timeline entries on the page; the full timeline is its own page, paginated.
RECENT_CONTACTS = 10
RECENT_ENTRIES = 10


@require_safe
@login_required
def client_page(request: HttpRequest, pk: int) -> HttpResponse:
    if not works_with_clients(request.user):
        raise Http404
    client = client_selectors.client_detail(user=request.user, pk=pk)
    if client is None:
        raise Http404
    family_members = client_selectors.family_members(user=request.user, family=client.family) if client.family else []
    # Read once for their sections and for the recent timeline beside them.
    episodes = selectors.case_episodes(client=client)
    consents = list(client_selectors.consents_of(client=client))
    documents = client_selectors.documents_of_client(client=client, user=request.user)
    self_sufficiency = assessments.self_sufficiency_of(client)
    plans = list(selectors.plans_of_client(client=client))
    read = selectors.TimelineRead(
        episodes=episodes,
        assessments=self_sufficiency.assessments,
        consents=consents,
        documents=documents,
        legal_statuses=client.legal_statuses.all(),  # prefetched by client_detail, as the next two
        residences=client.residences.all(),
        handovers=client.handovers.all(),
        plans=plans,
    )
    ctx = {
        "client": client,
        "family_members": family_members,
        "can_write": can_write_client(request.user, client),
        # "This person may already be served by another provider", and nothing else of it (issue 21).
        "served_elsewhere": client_selectors.client_served_elsewhere(client=client),
        "plan": selectors.active_plan_of(client=client, plans=plans),
        "plans": plans,
        "contacts": selectors.recent_contacts(client=client, user=request.user, limit=RECENT_CONTACTS),
        # The rest of the timeline: its contacts are those above.
        "entries": selectors.timeline_for(
            client=client, user=request.user, limit=RECENT_ENTRIES, with_contacts=False, read=read
        ),
        # The referrals' card, with each outcome's form in place (templates/plans/referrals/card.html).
        "referrals": selectors.referrals_of_client(client=client, user=request.user),
        "status_choices": ReferralStatus.choices,
        "reason_choices": ReferralOutcomeReason.choices,
        "today_iso": timezone.localdate().isoformat(),
        # Every episode of the case, the current one last (closing and reopening: plans/closure.py).
        "episodes": episodes,
        # The "Self-sufficiency" section (templates/plans/includes/self_sufficiency.html), issue 19.
        "self_sufficiency": self_sufficiency,
        # The "Consents" card (templates/clients/_consents.html), issue 20: withdrawn ones too.
        "consents": consents,
        # The "Documents" card (templates/clients/documents/card.html), issue 20: None for who may not read them.
        "documents": documents,
    }
    return render(request, "clients/detail.html", ctx)
