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
from urllib.parse import urlsplit, urlunsplit

import pytest

KEEP = "BCSYNC_TEST_VAR_DIR"
MOVED = "BCSYNC_TEST_REDIS_MOVED_FOR"


def _test_var() -> tuple[Path, bool]:
    """The folder, and whether this process made it (and so removes it)."""
    given = os.environ.get(KEEP)
    if given:
        return Path(given).resolve(), False
    return Path(tempfile.mkdtemp(prefix="bcsync-test-var-")), True


def _redis_url_for_worker(url: str, index: int) -> str:
    """`url` moved `index` databases up: redis://h:6379/8 is redis://h:6379/9 for gw1."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    if base + index > 15:
        raise pytest.UsageError(
            f"{url}: xdist worker gw{index} would need Redis database {base + index}; "
            "Redis has 0-15. Give a lower database number or fewer workers (-n).")
    return urlunsplit(parts._replace(path=f"/{base + index}"))


def _isolate_xdist_worker() -> None:
    """Under pytest-xdist (`-n 2`), each worker runs as if it were a suite of its own: its
    own var folder (SQLite test database, embedded broker, demo password file) and its own
    Redis database (cache keys, rate budgets, the outbox kick and the workers' broadcast
    exchange are global in a Redis database), the worker's index above the one given.
    pytest-django already gives each worker a test database of its own (`_gw1` suffix)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    index = int(worker[2:])
    var = TEST_VAR / worker
    var.mkdir(exist_ok=True)
    os.environ["BCSYNC_VAR_DIR"] = str(var)
    os.environ["STATIC_ROOT"] = str(var / "staticfiles")
    # A pytest a test starts inherits the worker's environment, already moved: once only.
    if os.environ.get(MOVED) == worker:
        return
    os.environ[MOVED] = worker
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        url = os.environ.get(name, "")
        if url.startswith(("redis://", "rediss://")):
            os.environ[name] = _redis_url_for_worker(url, index)


TEST_VAR, _MADE_HERE = _test_var()
# xdist workers and a pytest a test starts inherit KEEP, share the folder and leave it be.
os.environ[KEEP] = str(TEST_VAR)
os.environ["BCSYNC_VAR_DIR"] = str(TEST_VAR)
os.environ["STATIC_ROOT"] = str(TEST_VAR / "staticfiles")
_isolate_xdist_worker()


def pytest_report_header() -> str:
    return f"bcsync test var: {os.environ['BCSYNC_VAR_DIR']}"


@pytest.hookimpl(trylast=True)
def pytest_unconfigure() -> None:
    if _MADE_HERE:
        shutil.rmtree(TEST_VAR, ignore_errors=True)
