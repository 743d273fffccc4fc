"""clients: the records' URLs.

`clients:detail`, the client's one page, is joined to these by caseapp/urls.py: its view is the plans app's
(plans/client_page.py), which this app, below plans, may not import.
"""

from audit.middleware import audited_view
from audit.models import Action

from . import urls_records

app_name = "clients"

urlpatterns = urls_records.urlpatterns

audited_view("clients:detail", "clients.client")
audited_view("clients:family_detail", "clients.family")
# Reading a document is reading personal data: each download is audited.
audited_view("clients:document_download", "clients.document", action=Action.DOWNLOAD)
