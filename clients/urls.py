"""clients: the records', the exchange format's and the data subject's rights' URLs, in one namespace."""

from audit.middleware import audited_view

from . import urls_exchange, urls_privacy, urls_records

app_name = "clients"

urlpatterns = [*urls_records.urlpatterns, *urls_exchange.urlpatterns, *urls_privacy.urlpatterns]

audited_view("clients:detail", "clients.client")
audited_view("clients:family_detail", "clients.family")
