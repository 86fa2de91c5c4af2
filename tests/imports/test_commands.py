"""bc_import and bc_import_initial: progress on stderr, the summary line on stdout."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bcsync.models import ItemSync
from catalog.models import Item
from localcopy.models import LcProduct

from .conftest import product_post


def _run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exc:
        return out.getvalue(), err.getvalue(), exc.code
    return out.getvalue(), err.getvalue(), 0


@pytest.mark.django_db
def test_bc_import_by_id_then_all_unlinked(connection, lc, api):
    product_post(api, name="Punct", sku="--")
    lc()
    first = LcProduct.objects.order_by("bc_id").values_list("bc_id", flat=True)[0]
    out, err, code = _run("bc_import", "--product-id", str(first))
    assert code == 0 and "1 created, 0 linked" in out and "0 requests" in out
    out, err, code = _run("bc_import", "--all-unlinked")
    assert code == 0 and out.startswith("3 products: 3 created"), out
    assert "no letters or digits" in err
    assert ItemSync.objects.filter(bc_product_id__isnull=False).count() == 4


@pytest.mark.django_db
def test_bc_import_initial_runs_once(connection, lc):
    lc()
    out, err, code = _run("bc_import_initial")
    assert code == 0 and "3 created" in out and "stock rows" in out
    assert "carriers not imported" in err
    with pytest.raises(CommandError, match="a settings admin can enable it again"):
        _run("bc_import_initial")
    assert Item.objects.count() == 3
