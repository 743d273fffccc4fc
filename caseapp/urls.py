"""The project's URLs: each app's namespaced URLs, the admin, the language switch."""

from django.contrib import admin
from django.urls import include, path

from caseapp.health import healthz
from home.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("clients/", include("clients.urls")),
    path("clients/", include("privacy.urls")),
    path("clients/", include("exchange.urls")),
    path("plans/", include("plans.urls")),
    path("reports/", include("reporting.urls")),
    path("audit/", include("audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
