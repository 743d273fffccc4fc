"""The project's URLs: each app's namespaced URLs, the admin, the language switch."""

from django.contrib import admin
from django.urls import include, path

from accounts.views import set_language
from caseapp.health import healthz
from clients import urls as clients_urls
from home.views import home
from plans.client_page import client_page

# The client's one page is `clients:detail` (clients/<pk>/) like every record page of the client, but it shows
# the plan, the tasks and the contacts too, so its view is the plans app's: joined here, on top of both apps,
# to the clients namespace (the clients app may not import plans).
clients_patterns = [path("<int:pk>/", client_page, name="detail"), *clients_urls.urlpatterns]

urlpatterns = [
    path("", home, name="home"),
    path("", include("home.urls")),
    path("accounts/", include("accounts.urls")),
    path("clients/", include((clients_patterns, clients_urls.app_name))),
    path("clients/", include("privacy.urls")),
    path("clients/", include("exchange.urls")),
    path("plans/", include("plans.urls")),
    path("reports/", include("reporting.urls")),
    path("audit/", include("audit.urls")),
    # The person's reminders page, and their calendar feed (/calendar/<key>.ics).
    path("", include("reminders.urls")),
    # Django's language switch (`django.conf.urls.i18n`), keeping the signed-in person's choice (`User.language`).
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
