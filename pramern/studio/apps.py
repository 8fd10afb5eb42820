from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The framework studio: drafts of next year's framework, edited, checked and published in the browser."""

    name = "pramern.studio"
    verbose_name = "Framework studio"
