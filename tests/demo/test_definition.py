"""The demo definition stays plain data the emulator can load without Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from demo.catalog import DIFFERENCES, Difference, demo_products, online_products

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_seeds_the_demo_without_django():
    code = ("import sys; from bcemulator.app import Config, Emulator; "
            "from bcemulator.seed import seed_store; "
            "e = Emulator(Config(db=':memory:')); s = seed_store(e, 'demo'); "
            "assert s['products'] == 400, s; "
            "assert not [m for m in sys.modules if m.split('.')[0] in "
            "('django', 'catalog', 'bcsync', 'settings')], 'Django was imported'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_difference_must_name_a_shared_sku_and_a_real_field(monkeypatch):
    import demo.catalog as definition

    assert len(online_products()) == sum(p.online for p in demo_products()) == 150
    for bad in (Difference("DEMO0200", "price", 1, "POS-only"),
                Difference("DEMO0003", "colour", 1, "no such field")):
        monkeypatch.setattr(definition, "DIFFERENCES", (*DIFFERENCES, bad))
        online_products.cache_clear()
        with pytest.raises(ValueError, match=bad.sku):
            definition.online_products()
    online_products.cache_clear()
