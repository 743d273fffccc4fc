from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Connected once the app registry is ready: the middleware module reads the account models.
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from .middleware import remember_sign_in_time  # noqa: PLC0415

        user_logged_in.connect(remember_sign_in_time, dispatch_uid="accounts.remember_sign_in_time")
