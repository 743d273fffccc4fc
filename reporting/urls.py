"""reporting: the figures page and its downloads, PDF jobs, the archive, the narrative, the providers compared.
Ids only, no personal data."""

from django.urls import path

from audit.middleware import audited_view
from audit.models import Action

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("figures.json", views.figures_json, name="figures_json"),
    path("narrative/", views.narrative_edit, name="narrative"),
    path("jobs/", views.archive, name="archive"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/status/", views.job_status, name="job_status"),
    path("jobs/<int:job_id>/download/", views.job_download, name="job_download"),
    path("jobs/<int:job_id>/recheck/", views.job_recheck, name="job_recheck"),
    path("restatements/", views.restatements, name="restatements"),
    path("compare/", views.compare, name="compare"),
    path("compare.xlsx", views.compare_xlsx, name="compare_xlsx"),
]

audited_view("reporting:job_download", "reporting.reportjob", kwarg="job_id", action=Action.DOWNLOAD)
