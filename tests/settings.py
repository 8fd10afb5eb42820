"""The test run's settings: Pramern's own (pramern/settings.py), started with a secret key.

On PostgreSQL (``DATABASE_URL=postgres://... make test``, as .ci/run does) Pramern counts as a
deployment and refuses to start without PRAMERN_SECRET_KEY (docs/operations.md). pytest-django
loads the settings before any conftest.py runs (in its pytest_load_initial_conftests hook), so the
key is given here: a new one for each run, unless the environment has one. Servers the tests start
inherit it from the environment."""

import os
import secrets

os.environ.setdefault("PRAMERN_SECRET_KEY", secrets.token_urlsafe(50))

from pramern.settings import *  # noqa: F403
