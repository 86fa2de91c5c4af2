"""pytest plugin: the whole suite keeps its local state in a var folder of its own.

The settings put everything local under BCSYNC_VAR_DIR: the SQLite test database, the
embedded broker's folders, the generated dev secrets, the demo admin's password and the
static files. Run in the app's var/, tests rewrote the password `make run` prints.

Loaded with `-p tests.own_var` (pyproject's addopts), this module is imported before
pytest-django reads the settings, so the variables set here reach the settings of this
process, the in-process Celery worker and every subprocess a test starts (they inherit the
environment). BCSYNC_TEST_VAR_DIR names a folder to keep; by default a new temporary folder
is made and removed when the run ends.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

KEEP = "BCSYNC_TEST_VAR_DIR"


def _test_var() -> tuple[Path, bool]:
    """The folder, and whether this process made it (and so removes it)."""
    given = os.environ.get(KEEP)
    if given:
        return Path(given).resolve(), False
    return Path(tempfile.mkdtemp(prefix="bcsync-test-var-")), True


TEST_VAR, _MADE_HERE = _test_var()
# xdist workers and a pytest a test starts inherit KEEP, share the folder and leave it be.
os.environ[KEEP] = str(TEST_VAR)
os.environ["BCSYNC_VAR_DIR"] = str(TEST_VAR)
os.environ["STATIC_ROOT"] = str(TEST_VAR / "staticfiles")


def pytest_report_header() -> str:
    return f"bcsync test var: {TEST_VAR}"


@pytest.hookimpl(trylast=True)
def pytest_unconfigure() -> None:
    if _MADE_HERE:
        shutil.rmtree(TEST_VAR, ignore_errors=True)
