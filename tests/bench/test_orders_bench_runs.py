"""The order benchmark still runs (a few orders, SQLite, a short latency run); its figures
are read by people, not asserted."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_order_benchmark_runs_and_prints_throughput_and_latency():
    result = subprocess.run(
        [sys.executable, "bench/orders.py", "--orders", "12", "--latency-orders", "3",
         "--during-reload", "1000"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "12 imported, 0 already imported, 0 skipped, 0 failed; 12 POS orders" in out
    for label in ("LC incremental pull", "import + status write-back", "together"):
        assert any(line.strip().startswith(label) for line in out.splitlines()), label
    assert "p50" in out and "p95" in out
    assert "during " in out and "Full Reload(s) of 1,000 products on a bulk worker: p50" in out
