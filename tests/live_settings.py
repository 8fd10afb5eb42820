"""Settings of the server that tests/live.py starts: the real settings, except that the tests'
log-ins count as multi-factor and that background jobs are queued in the test's own file (never
in var/huey.sqlite3) and left there. No consumer runs, so a job the server queues stays queued,
and the test can read the queue."""

import os

from pramern.settings import *  # noqa: F403
from pramern.settings import AUTHENTICATION_BACKENDS as _BACKENDS
from pramern.settings import HUEY as _HUEY

# As in the suite (tests/conftest.py, test_settings): the tests' log-ins count as multi-factor.
DIRECTORY_TRUSTED_AS_MFA = True
OIDC_TRUSTED_AS_MFA = True
OIDC_MFA_AMR: list[str] = []
MFA_TRUSTED_BACKENDS = list(_BACKENDS)

HUEY = {
    "name": _HUEY["name"],
    "huey_class": "huey.SqliteHuey",
    "immediate": False,
    "filename": os.environ["LIVE_SERVER_HUEY_FILE"],
}
