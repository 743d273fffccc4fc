"""clients: the records', the exchange format's and the data subject's rights' URLs, in one namespace."""

from . import urls_exchange, urls_privacy, urls_records

app_name = "clients"

urlpatterns = [*urls_records.urlpatterns, *urls_exchange.urlpatterns, *urls_privacy.urlpatterns]
