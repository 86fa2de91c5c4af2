"""The grid benchmark still runs (tiny catalogs, SQLite); its figures are read by people, not
asserted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_grid_benchmark_runs_and_prints_each_request_side_by_side():
    result = subprocess.run(
        [sys.executable, "bench/grid.py", "--sizes", "60,300", "--rounds", "1",
         "--backends", "sqlite"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "60 ms" in lines[1] and "300 ms" in lines[1]
    for label in ("first page", "sorted page", "filtered page", "selective filter",
                  "last page"):
        assert any(line.startswith("sqlite") and label in line for line in lines), label
