"""Where BigCommerce's OpenAPI specs are. They carry no licence, so they are never copied
into this repository: tests read them in place from BC_SPECS_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS_DIR = Path(os.environ.get("BC_SPECS_DIR")
                 or ROOT.parent / "shared" / "bigcommerce-api" / "specs")


def require_specs() -> Path:
    """The specs folder; a skip that says why when it is missing, or a failure under CI."""
    if not SPECS_DIR.is_dir():
        message = (f"BigCommerce OpenAPI specs not found at {SPECS_DIR}: set BC_SPECS_DIR to "
                   "the folder holding catalog/*.yml, orders.v2.oas2.yml, ...")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SPECS_DIR
