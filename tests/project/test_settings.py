"""Settings read from the environment: defaults for a newcomer, overrides for production.

Each case imports the settings in a fresh interpreter, because Django reads them once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "broker": settings.CELERY_BROKER_URL, "debug": settings.DEBUG,
    "secret_len": len(settings.SECRET_KEY), "fernet": settings.FIELD_ENCRYPTION_KEY,
    "cache": settings.CACHES["default"]["BACKEND"],
    "proxy_header": getattr(settings, "SECURE_PROXY_SSL_HEADER", None),
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "transport": getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
    "acks_late": settings.CELERY_TASK_ACKS_LATE,
    "reject_on_worker_lost": settings.CELERY_TASK_REJECT_ON_WORKER_LOST,
    "longest_task": settings.LC_RELOAD_TIME_LIMIT,
}))
"""


def run_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY",
                          "FIELD_ENCRYPTION_KEY", "DEBUG", "BCSYNC_BEHIND_TLS_PROXY"}}
    clean.update({"BCSYNC_VAR_DIR": str(tmp_path / "var"),
                  "DJANGO_SETTINGS_MODULE": "settings.settings", **env})
    return subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=60)


def probe(tmp_path: Path, **env: str) -> dict:
    result = run_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_need_no_services(tmp_path):
    values = probe(tmp_path)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "var" / "bcsync.sqlite3")
    assert "journal_mode=WAL" in values["options"]["init_command"]
    assert values["broker"] == "filesystem://"
    assert values["debug"] is True
    assert values["cache"].endswith("LocMemCache")


def test_dev_secrets_are_generated_once_and_kept(tmp_path):
    first, second = probe(tmp_path), probe(tmp_path)
    assert first["secret_len"] >= 50
    assert first["fernet"] == second["fernet"]
    assert (tmp_path / "var" / "secret_key.txt").stat().st_mode & 0o077 == 0


def test_environment_overrides_database_and_broker(tmp_path):
    values = probe(tmp_path, DATABASE_URL="postgres://u:p@db.example:5432/shop",
                   REDIS_URL="redis://cache.example:6379/0")
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "shop"
    assert values["broker"] == "redis://cache.example:6379/0"
    assert values["cache"].endswith("RedisCache")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = {"DEBUG": "false", "SECRET_KEY": "x" * 60,
           "FIELD_ENCRYPTION_KEY": "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4="}
    del env[missing]
    result = run_settings(tmp_path, **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 60,
              "FIELD_ENCRYPTION_KEY": "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4="}


def test_a_clients_x_forwarded_proto_is_not_believed_by_default(tmp_path):
    """Without a TLS-terminating proxy in front that overwrites it, X-Forwarded-Proto is
    whatever the client says: "https" would defeat SECURE_SSL_REDIRECT and secure cookies."""
    values = probe(tmp_path, **PRODUCTION)
    assert values["proxy_header"] is None
    assert values["ssl_redirect"] is True


def test_the_proxy_header_is_trusted_when_the_deployment_declares_a_tls_proxy(tmp_path):
    values = probe(tmp_path, **PRODUCTION, BCSYNC_BEHIND_TLS_PROXY="true")
    assert values["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DEBUG": "false", "SECRET_KEY": "a-long-random-production-key-" + "q7Z" * 20,
        "FIELD_ENCRYPTION_KEY": "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=",
        "ALLOWED_HOSTS": "shop.example.com", "BCSYNC_VAR_DIR": str(tmp_path / "var"),
    })
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_embedded_broker_polls_often_enough_for_a_quick_hop(tmp_path):
    values = probe(tmp_path)
    assert values["transport"]["polling_interval"] <= 0.1
    assert probe(tmp_path, CELERY_BROKER_POLLING_INTERVAL="0.5")["transport"][
        "polling_interval"] == 0.5


def test_redis_hands_a_killed_workers_task_to_another_but_never_a_running_one(tmp_path):
    values = probe(tmp_path, REDIS_URL="redis://cache.example:6379/0")
    assert values["acks_late"] and values["reject_on_worker_lost"]
    # Longer than the longest task plus a retry's countdown (10 min at most).
    assert values["transport"]["visibility_timeout"] >= values["longest_task"] + 10 * 60
