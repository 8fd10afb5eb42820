from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pramern.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from pramern.notifications import unread  # the models are ready only now

        unread.connect()
