"""`manage.py lc_reload` and `lc_sync`: a line per dataset, non-zero exit on failure."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bcsync.connections import connection_upsert
from localcopy.models import LcProduct

from .conftest import STORE

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


@pytest.fixture
def connection(store):
    conn, _ = connection_upsert(store_hash=STORE, access_token=store.token,
                                api_url=store.base_url)
    return conn


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_lc_reload_prints_a_summary_line_and_a_progress_bar_in_records(connection):
    out, err = run("lc_reload", "products")

    assert "products: 2 requests, 400 inserted, 0 updated, 0 deleted in " in out
    assert "products" in err and "400/400" in err
    assert LcProduct.objects.count() == 400


def test_lc_reload_all_prints_one_line_per_category(connection):
    out, _ = run("lc_reload", "all", "--store", STORE)

    for dataset in ("products", "categories", "brands", "orders", "customers", "carriers"):
        assert f"{dataset}: " in out


def test_lc_sync_after_a_reload_reports_no_changes(connection):
    run("lc_reload", "brands")

    out, _ = run("lc_sync", "--dataset", "brands", "--dataset", "products")

    assert "brands: 1 requests, 0 inserted, 0 updated, 0 deleted" in out
    assert "products: 2 requests, 400 inserted" in out  # never reloaded: a Full Reload


def test_no_store_connection_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No store connection"):
        run("lc_reload", "products")
    with pytest.raises(CommandError, match="No store connection for store hash 'nosuch'"):
        run("lc_sync", "--store", "nosuch")


def test_a_failed_run_exits_non_zero_with_the_reason_and_never_the_token(store):
    connection_upsert(store_hash=STORE, access_token="wrong-secret-token",
                      api_url=store.base_url)

    with pytest.raises(CommandError, match="products failed: AuthError") as caught:
        run("lc_reload", "products")

    assert "wrong-secret-token" not in str(caught.value)
