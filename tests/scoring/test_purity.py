"""The scoring engine is plain Python: importing it (and the CLI) never loads Django."""

from __future__ import annotations

import subprocess
import sys


def test_scoring_and_the_cli_do_not_import_django():
    code = (
        "import sys, pramern.scoring, pramern.cli, pramern.thaidates, pramern.thaitext\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), "
        "sorted(m for m in sys.modules if m.startswith('django'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
