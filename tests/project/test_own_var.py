"""The suite keeps its local state in a var folder of its own: `make test` never touches the
app's var/, where `make run` keeps its database, secrets and the admin password it prints."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from settings.env import BASE_DIR

APP_VAR = (BASE_DIR / "var").resolve()


def inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder)


def fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def test_every_local_path_of_the_settings_is_in_the_suites_own_var():
    var = Path(settings.VAR_DIR).resolve()
    assert not inside(var, APP_VAR) and not inside(APP_VAR, var), var
    paths = {"STATIC_ROOT": settings.STATIC_ROOT, "BROKER_DIR": settings.BROKER_DIR}
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        paths["NAME"], paths["TEST NAME"] = database["NAME"], database["TEST"]["NAME"]
    for name, path in paths.items():
        assert inside(path, var), f"{name} = {path} is outside the suite's var {var}"
    for name, value in os.environ.items():
        if name.startswith("BCSYNC_") and value:
            assert not inside(value, APP_VAR), f"{name} = {value} points into the app's var/"


@pytest.mark.django_db
def test_the_demo_loader_writes_its_password_into_the_suites_var(capsys):
    app_password = APP_VAR / "demo_admin_password.txt"
    before = fingerprint(app_password)

    call_command("demo_catalog")

    printed = capsys.readouterr().out.split("admin / ")[1].split()[0]
    assert (Path(settings.VAR_DIR) / "demo_admin_password.txt").read_text() == printed
    assert fingerprint(app_password) == before, "the app's admin password file was rewritten"


def test_a_subprocess_a_test_starts_uses_the_same_var():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.VAR_DIR)")
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]).resolve() == Path(
        settings.VAR_DIR).resolve()
