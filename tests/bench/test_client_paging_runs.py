"""The benchmark still runs (tiny catalog); its figures are read by people, not asserted."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.emulator
def test_client_paging_benchmark_runs_and_reports_minimum_requests():
    result = subprocess.run(
        [sys.executable, "bench/client_paging.py", "--seed", "600", "--rounds", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "requests (emulator):  bare 3, client 3, minimum 3" in result.stdout
    assert "client / bare ratio" in result.stdout
