"""The exchange format in the browser: upload and preview, confirm, export."""

from django.urls import path

from . import views as exchange

app_name = "exchange"

urlpatterns = [
    path("import/", exchange.import_upload, name="import"),
    path("import/confirm/", exchange.import_confirm, name="import_confirm"),
    path("export/", exchange.export, name="export"),
]
