"""The data subject's rights: a person's export and anonymisation."""

from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("<int:pk>/privacy/export.json", views.export_json, name="export_json"),
    path("<int:pk>/privacy/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/anonymise/", views.anonymise, name="anonymise"),
    path("anonymise-due/", views.anonymise_due, name="anonymise_due"),
]
