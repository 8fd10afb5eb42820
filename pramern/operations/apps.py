from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running an installation: backups and their restore (``manage.py backup`` / ``restore``).
    No models and no pages, so no name shown to anyone."""

    name = "pramern.operations"
