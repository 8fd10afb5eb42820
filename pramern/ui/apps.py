from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "pramern.ui"
    verbose_name = "UI"
