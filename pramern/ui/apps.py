from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "pramern.ui"
    verbose_name = "UI"

    def ready(self) -> None:
        # The apps' URL files use <code:...>; registered here, before any URL file is imported,
        # whichever imports first (Django builds each path's pattern when it is declared).
        from django.urls import register_converter

        from pramern.ui.converters import CodeConverter

        register_converter(CodeConverter, "code")
