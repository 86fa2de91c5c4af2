"""The customers' admin benchmark still runs (tiny sizes, SQLite); its figures are read by
people, not asserted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_customers_admin_benchmark_runs_and_prints_each_request_side_by_side():
    result = subprocess.run(
        [sys.executable, "bench/customers_admin.py", "--sizes", "20,60", "--rounds", "1",
         "--backends", "sqlite"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "20 ms" in lines[1] and "60 ms" in lines[1]
    for label in ("first page", "by price level", "sorted by city", "search email"):
        assert any(line.startswith("sqlite") and label in line for line in lines), label
