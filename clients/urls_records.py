"""URLs of the client records (namespace `clients`, joined in clients/urls.py)."""

from django.urls import path

from .views import consents, records

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
    path("families/", records.family_list, name="family_list"),
    path("families/new/", records.family_create, name="family_create"),
    path("families/<int:pk>/", records.family_detail, name="family_detail"),
    path("families/<int:pk>/add-member/", records.family_add_member, name="family_add_member"),
]
