"""bc_upload and bc_policies against the emulator: progress, summary line, dry run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bcsync.models import ItemSync

from .conftest import new_item

pytestmark = [pytest.mark.django_db, pytest.mark.emulator]


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_bc_policies_prints_the_thirteen_and_sets_those_given(connection):
    out = run("bc_policies", "Prices=On", "QOHs=on", "Names=Off")
    lines = out.splitlines()
    assert len(lines) == 14
    assert "Prices" in lines[1] and lines[1].endswith("On")
    assert lines[0].startswith("Names") and lines[0].endswith("Off")
    assert lines[-1] == "13 fields, 3 changed"
    with pytest.raises(CommandError, match="Off or Manual only"):
        run("bc_policies", "SKUs=On")
    with pytest.raises(CommandError, match="Unknown field"):
        run("bc_policies", "Colour=On")


def test_bc_upload_dry_run_sends_nothing_and_the_upload_says_what_it_did(
        connection, department, vendor, store_location, api):
    new_item(department, vendor, store_location, sku="CMD001", name="Command Mug")
    new_item(department, vendor, store_location, sku="CMD002", name="Command Cup")
    before = api.requests()

    out = run("bc_upload", "--sku", "cmd001", "CMD002", "--dry-run")

    assert api.requests() == before
    assert "CMD001: create" in out and "name: None → 'Command Mug'" in out
    assert out.splitlines()[-1] == "2 items, 0 requests, 0 errors (dry run: 2 would change)"

    out = run("bc_upload", "--all")
    # two creates and one stock adjustment for both
    assert out.splitlines()[-1] == "2 items, 3 requests, 0 errors (2 created)"
    assert ItemSync.objects.filter(bc_product_id__isnull=False).count() == 2
    with pytest.raises(CommandError, match="No POS item with SKU NOPE"):
        run("bc_upload", "--sku", "NOPE")
