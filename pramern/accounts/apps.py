from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pramern.accounts"
    verbose_name = _("Log-ins and passwords")

    def ready(self) -> None:
        # the receivers: the lockout's; issue 12: log-in, log-out and deactivation (sessions);
        # issue 13: a device saved or deleted (twofactor.enrolled)
        from pramern.accounts import sessions, signals, twofactor  # noqa: F401
