"""WSGI entry point: ``gunicorn pramern.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
application = get_wsgi_application()
