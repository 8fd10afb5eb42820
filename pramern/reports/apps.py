from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "pramern.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from pramern.reports import caching  # the app registry is ready: models can be imported

        caching.connect()
