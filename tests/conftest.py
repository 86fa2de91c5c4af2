"""Shared fixtures: personas for each staff role and a small catalog to work on.

Personas, as in healthchecks' tests: alice is a superuser, bob a sync operator, carol a
catalog editor, dave a settings admin. Each logs in through the real session machinery.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from bcsync.roles import CATALOG_EDITOR, SETTINGS_ADMIN, SYNC_OPERATOR, roles_ensure
from catalog.models import Department, Item, Location, StockLevel, Vendor

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct horse battery staple"


def _persona(username: str, role: str | None = None, *, superuser: bool = False) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD,
                                    is_staff=True, is_superuser=superuser)
    if role:
        roles_ensure()
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def alice(db) -> User:
    return _persona("alice", superuser=True)


@pytest.fixture
def bob(db) -> User:
    return _persona("bob", SYNC_OPERATOR)


@pytest.fixture
def carol(db) -> User:
    return _persona("carol", CATALOG_EDITOR)


@pytest.fixture
def dave(db) -> User:
    return _persona("dave", SETTINGS_ADMIN)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def department(db) -> Department:
    return Department.objects.create(name="Test garments")


@pytest.fixture
def vendor(db) -> Vendor:
    return Vendor.default()


@pytest.fixture
def store_location(db) -> Location:
    return Location.objects.create(code="TESTLOC", name="Test shop")


@pytest.fixture
def item(department, vendor, store_location) -> Item:
    item = Item.objects.create(sku="TEE001", name="Organic Tee", price=Decimal("19.99"),
                               department=department, vendor=vendor, upc="012345678905")
    item.locations.add(store_location)
    StockLevel.objects.create(item=item, location=store_location, on_hand=5)
    return item


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second per persona; tests check roles, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _logging_restored():
    """Celery's in-process test worker sets the root logger to ERROR for good
    (celery.contrib.testing.worker calls app.log.setup); later tests that read log lines
    would then see none. Each test gets back the levels and handlers it started with."""
    import logging

    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


@contextmanager
def isolated_queues() -> Iterator[dict[str, str]]:
    """Send this test's tasks to queues of its own ("test-1a2b3c4d-bulk", "…-realtime"):
    nothing left in a shared broker by `make run` is consumed here, and nothing sent here
    reaches another worker. Yields the queue names by their usual ones."""
    from settings.celery import app

    prefix = f"test-{uuid.uuid4().hex[:8]}"
    names = {q: f"{prefix}-{q}" for q in (settings.QUEUE_BULK, settings.QUEUE_REALTIME)}
    previous = app.conf.task_routes, app.conf.task_default_queue
    app.conf.task_routes = {task: {"queue": names[route["queue"]]}
                            for task, route in settings.CELERY_TASK_ROUTES.items()}
    app.conf.task_default_queue = names[settings.CELERY_TASK_DEFAULT_QUEUE]
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()
    try:
        yield names
    finally:
        app.conf.task_routes, app.conf.task_default_queue = previous
        app.amqp.flush_routes()
        app.amqp.router = app.amqp.Router()


@pytest.fixture
def queues() -> Iterator[dict[str, str]]:
    with isolated_queues() as names:
        yield names


@pytest.fixture
def worker(queues):
    """A real Celery worker in this process, on the configured broker (filesystem by
    default, Redis in CI), consuming this test's own bulk and realtime queues (see
    `isolated_queues`). Yields the queue names."""
    # Registers celery.ping before the worker starts, so it knows the task _wake_to_stop sends.
    import celery.contrib.testing.tasks  # noqa: F401
    from celery.contrib.testing.worker import start_worker

    from settings.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False,
                      queues=list(queues.values()), shutdown_timeout=30):
        yield queues
        _wake_to_stop(app, queues)
    # The second ping may be left when the worker stopped at the first (Redis).
    with app.connection_for_write() as conn:
        for name in queues.values():
            conn.default_channel.queue_purge(name)


def _wake_to_stop(app, queues: dict[str, str]) -> None:
    """Ask the in-process worker to stop, then wake it. On the embedded broker its loop
    (celery.worker.loops.synloop) checks for a stop only between waits of up to 2 s on an
    empty queue, and waits once more after seeing it (the check sits in a try/finally), so
    each test paid 2-4 s of teardown. A ping on its own queue ends each wait at once: two
    pings, one per wait. start_worker sets the same flag and joins the thread as before."""
    from celery.contrib.testing.tasks import ping
    from celery.worker import state

    state.should_terminate = 0
    for _ in range(2):
        ping.apply_async(queue=queues[settings.QUEUE_REALTIME], ignore_result=True)


# The files that take longest (tens of seconds each, measured with --durations), run first
# under xdist: `--dist loadfile` hands out whole files in collection order, so one of these
# collected last kept one worker busy alone at the end of the run.
LONGEST_FIRST = (
    "tests/project/test_run_all.py",
    "tests/bench/test_customers_admin_bench_runs.py",
    "tests/bench/test_grid_bench_runs.py",
    "tests/bcsync/test_push_crash_safety.py",
    "tests/bcsync/test_liveness.py",
    "tests/bcsync/test_crash_safety.py",
    "tests/bcsync/test_two_queues.py",
    "tests/emulator/test_fuzz.py",
    "tests/emulator/test_conformance_specs_missing.py",
    "tests/e2e/test_lc_panel.py",
    "tests/e2e/test_admin_items.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    if not getattr(config.option, "numprocesses", None):
        return  # one process: the usual order
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}

    def key(item) -> int:
        return rank.get(item.nodeid.split("::")[0], len(rank))

    items.sort(key=key)  # stable: every file's tests keep their order
