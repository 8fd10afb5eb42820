"""WSGI entry point: ``gunicorn -c deploy/gunicorn.conf.py pramern.wsgi`` (and ``runserver``)."""

import os

from django.core.wsgi import get_wsgi_application

from pramern.reports.printing import print_in_web_process

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pramern.settings")
application = get_wsgi_application()
# No Chromium kept running per web worker: PDFs asked for in a page print in bounded one-off
# runs, the long ones in the report worker (pramern/reports/printing.py).
print_in_web_process()
