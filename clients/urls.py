"""clients: the records' URLs."""

from audit.middleware import audited_view

from . import urls_records

app_name = "clients"

urlpatterns = urls_records.urlpatterns

audited_view("clients:detail", "clients.client")
audited_view("clients:family_detail", "clients.family")
