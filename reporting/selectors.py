"""Reads of the reporting app: the archive a user may see, one job, the narrative of a period, the providers'
reports due and their month's figures side by side (the coordinator's home), and any period's figures of the
providers side by side (the comparison)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.capabilities import can_compare_providers, can_report_on_all_providers
from clients.models import Contract, Provider

from .due import DUE_DAYS, DUE_KIND_LABELS, DUE_KINDS, DueReport, contract_reports, made_by_period, shown_report
from .figures.by_provider import MonthFigures, month_figures_by_provider
from .figures_cache import cached_figures_for
from .models import ALL_PROVIDERS, JobState, ReportJob
from .periods import Period, month_before
from .presentation import percent
from .suppression import ShownFigures, shown_figures


def report_job_list(*, user: Any, provider_id: int | None = None, done_only: bool = False) -> QuerySet[ReportJob]:
    """The user's archive, newest first (index `report_job_provider_idx` / `report_job_created_idx`)."""
    # `restatement`: the archive's mark of a report whose figures have changed since (one join, no query a row).
    jobs = ReportJob.objects.for_user(user).select_related("provider", "requested_by", "restatement")
    if provider_id is not None:
        jobs = jobs.filter(provider_id=provider_id)
    if done_only:
        jobs = jobs.filter(state=JobState.DONE)
    return jobs.order_by("-created_at", "-id")


def restatement_list(*, user: Any) -> QuerySet[ReportJob]:
    """The archived reports the user may see whose figures differ now from the archived ones, newest first, each
    with its differences (`restatement.changes`): figures only."""
    return (
        ReportJob.objects.for_user(user)
        .filter(state=JobState.DONE, restatement__changed_at__isnull=False)
        .select_related("provider", "restatement")
        .order_by("-created_at", "-id")
    )


def _get_job_for_user(user: Any, job_id: int) -> ReportJob:
    """The job if the user may see it; 404 otherwise (never telling whether it exists)."""
    job = (
        ReportJob.objects.for_user(user)
        .select_related("provider", "requested_by", "restatement")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class DueCell:
    """One kind of report of a provider's contract: the one to show now, and how many others of it are late."""

    kind: str
    report: DueReport | None
    late_before: int = 0

    @property
    def label(self) -> str:
        return str(DUE_KIND_LABELS[self.kind])


@dataclass(frozen=True)
class ProviderReports:
    provider: Provider
    contract: Contract | None
    due: list[DueCell] = field(default_factory=list)  # in DUE_KINDS' order
    figures: MonthFigures | None = None
    planned: int | None = None  # the contract's persons a month in the figures' month

    @property
    def of_target(self) -> int | None:
        return percent(self.figures.persons, self.planned) if self.figures and self.planned else None


@dataclass(frozen=True)
class ProvidersOverview:
    month: Period
    providers: list[ProviderReports]
    total: MonthFigures | None
    # The days after its period a report is due (the page says how due dates are derived).
    due_days: dict[str, int] = field(default_factory=lambda: {str(kind): days for kind, days in DUE_DAYS.items()})
    kinds: list[str] = field(default_factory=lambda: [str(DUE_KIND_LABELS[kind]) for kind in DUE_KINDS])


def _current(contracts: list[Contract], today: datetime.date) -> Contract | None:
    """The contract the provider works under now: the latest begun, else the first to begin."""
    begun = [contract for contract in contracts if contract.start <= today]
    return begun[-1] if begun else (contracts[0] if contracts else None)


def providers_overview(*, user: Any, today: datetime.date) -> ProvidersOverview:
    """Every provider's reports due under its current contract (made, waiting or late) and the headline figures of
    the latest whole month; for the fund's coordinators only, with a fixed number of queries whatever the providers.
    Nothing about any person: counts only."""
    month = month_before(today)
    if not can_report_on_all_providers(user):
        return ProvidersOverview(month=month, providers=[], total=None)
    providers = list(Provider.objects.order_by("name"))
    contracts: dict[int, list[Contract]] = {}
    for contract in Contract.objects.filter(provider__in=providers).order_by("start", "pk"):
        contracts.setdefault(contract.provider_id, []).append(contract)
    current = {provider.pk: _current(contracts.get(provider.pk, []), today) for provider in providers}
    begun = [contract.start for contract in current.values() if contract is not None]
    jobs = ReportJob.objects.for_user(user).filter(state=JobState.DONE, provider__isnull=False)
    if begun:
        jobs = jobs.filter(end__gte=min(begun))
    made = made_by_period(
        jobs.with_draft().order_by("created_at", "pk").values_list("pk", "provider_id", "start", "end", "draft")
    )
    figures = month_figures_by_provider(month.start, [provider.pk for provider in providers])
    rows = []
    for provider in providers:
        under = current[provider.pk]
        cells = []
        if under is not None:
            reports = contract_reports(under.start, under.end, today=today, made=made.get(provider.pk, {}))
            for kind in DUE_KINDS:
                shown, late = shown_report((r for r in reports if r.kind == kind), today=today)
                cells.append(DueCell(kind, shown, late))
        covering = [c for c in contracts.get(provider.pk, []) if c.start <= month.end and c.end >= month.start]
        rows.append(
            ProviderReports(
                provider=provider,
                contract=under,
                due=cells,
                figures=figures.get(provider.pk),
                planned=covering[-1].planned_persons_per_month if covering else None,
            )
        )
    return ProvidersOverview(month=month, providers=rows, total=figures.get(ALL_PROVIDERS))


@dataclass(frozen=True)
class ProviderColumn:
    """One provider's figures of the comparison, as its own report shows them."""

    provider: Provider
    figures: ShownFigures


@dataclass(frozen=True)
class ProvidersComparison:
    """Every provider's figures of one period side by side, and those of all providers together: the total is
    the report of all providers (a person served by two providers counts once), never a sum of the columns."""

    period: Period
    suppressed: bool
    columns: list[ProviderColumn]
    total: ShownFigures | None


def providers_comparison(
    *, user: Any, start: datetime.date, end: datetime.date, suppressed: bool
) -> ProvidersComparison:
    """The figures of each provider's report of `start`–`end`, and of the report of all providers, each made
    publication-safe when `suppressed` exactly as that report is; for whoever may compare providers, else empty.

    Each is the report's own figures (`cached_figures_for`, as the report page and its downloads read them): a
    fixed number of queries a provider, none for a provider whose figures are cached and unchanged.
    Counts only: nothing about any person."""
    period = Period(start, end)
    if not can_compare_providers(user):
        return ProvidersComparison(period=period, suppressed=suppressed, columns=[], total=None)
    columns = [
        ProviderColumn(
            provider=provider,
            figures=shown_figures(cached_figures_for(start=start, end=end, provider=provider), suppressed=suppressed),
        )
        for provider in Provider.objects.order_by("name", "pk")
    ]
    total = shown_figures(cached_figures_for(start=start, end=end, provider=None), suppressed=suppressed)
    return ProvidersComparison(period=period, suppressed=suppressed, columns=columns, total=total)
