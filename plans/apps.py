from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans and contacts")

    def ready(self) -> None:
        # Answers the clients app's signals, which it sends without importing this app.
        from . import receivers  # noqa: F401, PLC0415 - connecting receivers once the models are loaded
