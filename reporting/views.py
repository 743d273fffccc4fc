"""Report views: the figures page and its downloads, PDF jobs and their archive, the narrative, the providers'
comparison."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.capabilities import (
    can_compare_providers,
    can_make_reports,
    can_read_reports,
    can_report_on_all_providers,
    can_write_narrative,
)
from accounts.formtokens import once_per_form_token

from . import restatements as restatement_checks
from . import selectors, services
from .comparison import comparison_sections
from .figures_cache import cached_figures_for
from .forms import CompareForm, NarrativeForm, ReportForm
from .models import NARRATIVE_SECTIONS, JobState, ReportFormat, ReportJob, ReportKind, missing_narrative_sections
from .presentation import build_report
from .render import CONTENT_TYPES, file_name, render_report
from .render_xlsx import render_comparison_xlsx
from .suppression import shown_figures

ARCHIVE_PAGE = 100


def _require_reader(request: HttpRequest) -> None:
    """Mentors (and anyone without a report role) find nothing here."""
    if not can_read_reports(request.user):
        raise Http404


def _chosen_report(request: HttpRequest, form_class: type[ReportForm] = ReportForm) -> ReportForm:
    """The report chosen in the query string; unbound (with defaults) when nothing was chosen."""
    if "kind" in request.GET:
        return form_class(request.GET, user=request.user)
    return form_class(user=request.user)


class _BadChoice(Exception):
    """The query string chose a report that cannot be made; its message says why."""


def _valid_report(request: HttpRequest, form_class: type[ReportForm] = ReportForm) -> dict[str, Any]:
    """The chosen report; 404 when nothing was chosen, _BadChoice when a choice is invalid."""
    form = _chosen_report(request, form_class)
    if not form.is_bound:
        raise Http404
    if not form.is_valid():
        raise _BadChoice(" ".join(str(error) for errors in form.errors.values() for error in errors))
    return form.cleaned_data


def _bad_choice(exc: _BadChoice) -> HttpResponse:
    return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


def _download(request: HttpRequest, format: ReportFormat) -> HttpResponseBase:
    """The chosen report's figures as a file in `format`, made now (the figures page's downloads)."""
    try:
        data = _valid_report(request)
    except _BadChoice as exc:
        return _bad_choice(exc)
    figures = cached_figures_for(start=data["start"], end=data["end"], provider=data["provider"])
    content = render_report(figures, format=format, language=data["language"], suppressed=data["suppressed"])
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    name = file_name(
        provider=data["provider"],
        start=data["start"],
        end=data["end"],
        language=data["language"],
        suppressed=data["suppressed"],
        format=format,
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponseBase:
    _require_reader(request)
    form = _chosen_report(request)
    ctx: dict[str, Any] = {"form": form, "can_make": can_make_reports(request.user)}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        figures = cached_figures_for(start=data["start"], end=data["end"], provider=data["provider"])
        ctx["report"] = build_report(shown_figures(figures, suppressed=data["suppressed"]))
        ctx["chosen"] = data
        ctx["query"] = request.GET.urlencode()
        ctx["narrative"] = services.report_narrative_for(
            provider=data["provider"], start=data["start"], end=data["end"]
        )
        ctx["missing_sections"] = _unwritten(data["provider"], ctx["narrative"])
    user: Any = request.user
    provider_id = None if can_report_on_all_providers(user) else user.provider_id
    ctx["recent_jobs"] = selectors.report_job_list(user=request.user, provider_id=provider_id)[:10]
    return render(request, "reporting/index.html", ctx)


def _unwritten(provider: Any, narrative: Any) -> list[str]:
    """The names of the narrative's unwritten sections for a provider's PDF (none for the report of all)."""
    if provider is None:
        return []
    texts = {"thematic": narrative.thematic, "challenges": narrative.challenges} if narrative else {}
    missing = missing_narrative_sections(thematic=texts.get("thematic", ""), challenges=texts.get("challenges", ""))
    return [str(NARRATIVE_SECTIONS[code]) for code in missing]


def _back_to_the_form(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.copy()
    for name in ("csrfmiddlewaretoken", "draft"):
        chosen.pop(name, None)
    return redirect(reverse("reporting:index") + "?" + chosen.urlencode())


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponseBase:
    _require_reader(request)
    return _download(request, ReportFormat.XLSX)


@login_required
@require_GET
def figures_json(request: HttpRequest) -> HttpResponseBase:
    _require_reader(request)
    return _download(request, ReportFormat.JSON)


@login_required
@require_POST
@once_per_form_token
def job_create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    if not can_make_reports(request.user):
        return HttpResponseForbidden(_("Only managers and fund coordinators ask for report files."))
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "reporting/index.html", {"form": form, "can_make": True}, status=400)
    data = form.cleaned_data
    narrative = services.report_narrative_for(provider=data["provider"], start=data["start"], end=data["end"])
    missing = _unwritten(data["provider"], narrative)
    if missing and request.POST.get("draft") != "1":
        # Made now, the PDF would lack these sections: it is made only as a draft, once the person confirms.
        messages.warning(
            request,
            _("Not yet written: %(sections)s. Confirm that the PDF is made as a draft, or write the narrative first.")
            % {"sections": ", ".join(missing)},
        )
        return _back_to_the_form(request)
    try:
        job = services.report_job_create(
            requested_by=request.user,
            provider=data["provider"],
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
            language=data["language"],
            suppressed=data["suppressed"],
        )
    except services.ReportJobLimitReached:
        limit = services.MAX_JOBS_IN_FLIGHT
        messages.error(
            request,
            ngettext(
                "You already have %(count)d report being made. Ask for another one when it is done.",
                "You already have %(count)d reports being made. Ask for another one when one of them is done.",
                limit,
            )
            % {"count": limit},
        )
        return _back_to_the_form(request)
    if job.reused:
        messages.info(request, _("This report is already being made; here it is."))
    elif getattr(job, "sent", True) is False:
        # The broker is down: the request is kept as a queued job and the periodic sweep re-sends it.
        messages.warning(
            request,
            _(
                "The report queue is not available right now. Your request is kept: "
                "the report will be made when the queue is back."
            ),
        )
    return redirect("reporting:job_detail", job_id=job.pk)


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponseBase:
    _require_reader(request)
    job = selectors._get_job_for_user(request.user, job_id)
    ctx = {"job": job, "status": _status(job), "can_check": can_make_reports(request.user)}
    return render(request, "reporting/job.html", ctx)


def _status(job: ReportJob) -> dict[str, Any]:
    done = job.state == JobState.DONE
    return {
        "state": job.state,
        "label": str(job.get_state_display()),
        "finished": job.is_finished,
        "reason": str(job.get_error_reason_display()) if job.state == JobState.FAILED else "",
        "download_url": reverse("reporting:job_download", args=[job.pk]) if done else "",
        "sha256": job.sha256 if done else "",
        "size": job.size if done else None,
    }


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: int) -> HttpResponseBase:
    _require_reader(request)
    job = selectors._get_job_for_user(request.user, job_id)
    return _no_store(JsonResponse(_status(job)))


@login_required
@require_GET
def job_download(request: HttpRequest, job_id: int) -> HttpResponseBase:
    _require_reader(request)
    job = selectors._get_job_for_user(request.user, job_id)
    if job.state != JobState.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    fmt = ReportFormat(job.format)
    name = file_name(
        provider=job.provider,
        start=job.start,
        end=job.end,
        language=job.language,
        suppressed=job.suppressed,
        format=fmt,
        draft=job.is_draft,
    )
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=CONTENT_TYPES[fmt])
    response["X-Checksum-SHA256"] = job.sha256
    return _no_store(response)


@login_required
@require_GET
def archive(request: HttpRequest) -> HttpResponseBase:
    _require_reader(request)
    jobs = selectors.report_job_list(user=request.user)[:ARCHIVE_PAGE]
    return render(request, "reporting/archive.html", {"jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request: HttpRequest) -> HttpResponseBase:
    """The manager writes the text sections of the chosen period's report (their own provider)."""
    _require_reader(request)
    if not can_write_narrative(request.user):
        raise Http404
    try:
        data = _valid_report(request)
    except _BadChoice as exc:
        return _bad_choice(exc)
    narrative = services.report_narrative_for(provider=data["provider"], start=data["start"], end=data["end"])
    form = NarrativeForm(request.POST if request.method == "POST" else None, instance=narrative)
    if request.method == "POST" and form.is_valid():
        services.report_narrative_save(
            provider=data["provider"],
            start=data["start"],
            end=data["end"],
            thematic=form.cleaned_data["thematic"],
            challenges=form.cleaned_data["challenges"],
            user=request.user,
        )
        return redirect(reverse("reporting:index") + "?" + request.GET.urlencode())
    return render(
        request,
        "reporting/narrative.html",
        {"form": form, "chosen": data, "query": request.GET.urlencode(), "kinds": ReportKind},
    )


@login_required
@require_GET
def restatements(request: HttpRequest) -> HttpResponseBase:
    """The archived reports whose figures differ now (a back-dated record), each changed figure old → new."""
    _require_reader(request)
    jobs = selectors.restatement_list(user=request.user)[:ARCHIVE_PAGE]
    return render(request, "reporting/restatements.html", {"jobs": jobs, "can_check": can_make_reports(request.user)})


@login_required
@require_POST
def job_recheck(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """Make an archived report's figures again now and compare them with the archived ones."""
    _require_reader(request)
    job = selectors._get_job_for_user(request.user, job_id)
    if not can_make_reports(request.user):
        return HttpResponseForbidden(_("Only managers and fund coordinators check archived reports again."))
    if job.state != JobState.DONE:
        raise Http404
    restatement = restatement_checks.restatement_check(job_id=job.pk)
    if restatement is None:
        messages.warning(request, _("This report's figures were not kept when it was made: they cannot be compared."))
    elif restatement.changes:
        messages.warning(request, _("Checked again: some figures differ from the archived report."))
    else:
        messages.success(request, _("Checked again: the figures are the same as in the archived report."))
    return redirect("reporting:job_detail", job_id=job.pk)


def _require_comparer(request: HttpRequest) -> None:
    """Only who reads every provider's reports compares them; for anyone else the page does not exist."""
    if not can_compare_providers(request.user):
        raise Http404


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponseBase:
    """Every provider's figures of the chosen period side by side, with those of all providers together."""
    _require_comparer(request)
    form = _chosen_report(request, CompareForm)
    ctx: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        comparison = selectors.providers_comparison(
            user=request.user, start=data["start"], end=data["end"], suppressed=data["suppressed"]
        )
        ctx.update(comparison=comparison, sections=comparison_sections(comparison), query=request.GET.urlencode())
    return render(request, "reporting/compare.html", ctx)


@login_required
@require_GET
def compare_xlsx(request: HttpRequest) -> HttpResponseBase:
    """The comparison's table as a workbook (the page's chosen period, language and version)."""
    _require_comparer(request)
    try:
        data = _valid_report(request, CompareForm)
    except _BadChoice as exc:
        return _bad_choice(exc)
    comparison = selectors.providers_comparison(
        user=request.user, start=data["start"], end=data["end"], suppressed=data["suppressed"]
    )
    content = render_comparison_xlsx(comparison, language=data["language"])
    response = HttpResponse(content, content_type=CONTENT_TYPES[ReportFormat.XLSX])
    suffix = "-publication" if data["suppressed"] else ""
    name = f"providers-{data['start']:%Y-%m-%d}-{data['end']:%Y-%m-%d}-{data['language']}{suffix}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)
