"""clients: the records' URLs and the exchange format's URLs, in one namespace."""

from . import urls_exchange, urls_records

app_name = "clients"

urlpatterns = [*urls_records.urlpatterns, *urls_exchange.urlpatterns]
