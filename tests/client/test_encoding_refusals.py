"""Requests that cannot be encoded are refused before anything is sent, as a typed error."""

from __future__ import annotations

import math

import pytest

from bcsync.client import ValidationError

from .conftest import TOKEN


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.update_product(1, {"name": "bad \ud800 text"}),
        lambda c: c.update_product(1, {"price": math.nan}),
        lambda c: c.update_product(1, {"price": math.inf}),
        lambda c: c.create_brand({"name": object()}),
        lambda c: list(c.iter_products(filters={"name": "lone \udfff surrogate"})),
    ],
)
def test_an_unencodable_request_is_a_validation_error_and_nothing_is_sent(mocked, client, call):
    with pytest.raises(ValidationError) as caught:
        call(client)

    assert caught.value.request_sent is False
    assert client.request_count == 0
    assert TOKEN not in repr(caught.value) and TOKEN not in str(caught.value)
