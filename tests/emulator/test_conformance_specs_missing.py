"""Missing specs: a skip locally, a failure under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.emulator

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_conformance(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["BC_SPECS_DIR"] = str(tmp_path / "no-such-specs")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rsfE",
         "tests/emulator/test_conformance.py::test_store_shipping_and_webhooks",
         "tests/emulator/test_fuzz.py"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_missing_specs_skip_locally(tmp_path):
    result = run_conformance(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    # The conformance test, the fuzz module's route check and its one "<specs missing>" case.
    assert "3 skipped" in result.stdout, result.stdout
    assert "test_fuzz.py" in result.stdout


def test_missing_specs_fail_in_ci(tmp_path):
    result = run_conformance(tmp_path, ci="true")
    assert result.returncode != 0
    assert "specs not found" in result.stdout
    # Both of the fuzz module's tests fail too (one in its fixture, as an error).
    assert result.stdout.count("test_fuzz.py::") >= 2, result.stdout
