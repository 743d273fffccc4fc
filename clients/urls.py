"""clients: the records' and the exchange format's URLs, in one namespace."""

from audit.middleware import audited_view

from . import urls_exchange, urls_records

app_name = "clients"

urlpatterns = [*urls_records.urlpatterns, *urls_exchange.urlpatterns]

audited_view("clients:detail", "clients.client")
audited_view("clients:family_detail", "clients.family")
