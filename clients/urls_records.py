"""URLs of the client records (namespace `clients`, joined in clients/urls.py)."""

from django.urls import path

from .views import consents, documents, records

urlpatterns = [
    path("", records.client_list, name="list"),
    path("new/", records.client_create, name="create"),
    path("<int:pk>/edit/", records.client_edit, name="edit"),
    path("<int:pk>/legal-status/", records.status_change, name="status_change"),
    path("<int:pk>/residence/", records.residence_change, name="residence_change"),
    path("<int:pk>/handover/", records.handover, name="handover"),
    path("<int:pk>/merge/", records.merge, name="merge"),
    path("<int:pk>/consents/new/", consents.consent_create, name="consent_create"),
    path("consents/<int:pk>/withdraw/", consents.consent_withdraw, name="consent_withdraw"),
    # Documents (casework.md "Documents"): kept with the client, read only through the download view.
    path("<int:pk>/documents/new/", documents.document_upload, name="document_upload"),
    path("documents/<int:pk>/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path("families/", records.family_list, name="family_list"),
    path("families/new/", records.family_create, name="family_create"),
    path("families/<int:pk>/", records.family_detail, name="family_detail"),
    path("families/<int:pk>/add-member/", records.family_add_member, name="family_add_member"),
]
