from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pramern.accounts"
    verbose_name = _("Log-ins and passwords")

    def ready(self) -> None:
        from pramern.accounts import signals  # noqa: F401  (connects the lockout receiver)
