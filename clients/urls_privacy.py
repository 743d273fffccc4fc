"""The data subject's rights: a person's export and anonymisation (names in the `clients` namespace)."""

from django.urls import path

from .views import privacy

urlpatterns = [
    path("<int:pk>/privacy/export.json", privacy.export_json, name="privacy_export_json"),
    path("<int:pk>/privacy/export.pdf", privacy.export_pdf, name="privacy_export_pdf"),
    path("<int:pk>/anonymise/", privacy.anonymise, name="anonymise"),
    path("anonymise-due/", privacy.anonymise_due, name="anonymise_due"),
]
