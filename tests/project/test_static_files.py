"""In production (DEBUG off) the grid and chart libraries installed by npm are collected with
the other static files, under hashed names, and whitenoise serves them; the builds no page
loads are not collected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.templatetags.static import static
from django.test import Client
client = Client()
out = {}
for name in ("vendor/tabulator/js/tabulator.min.js", "vendor/tabulator/css/tabulator.min.css",
             "grids/grid.js", "vendor/chartjs/chart.umd.min.js", "bcsync/dashboard.js"):
    url = static(name)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    out[name] = {"url": url, "status": response.status_code, "type": response["Content-Type"],
                 "encoding": response.get("Content-Encoding", ""), "bytes": len(body)}
print(json.dumps(out))
"""


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DEBUG": "false", "SECRET_KEY": "static-files-test-" + "k" * 50,
        "FIELD_ENCRYPTION_KEY": "k9nW3hKzvO9oYcS1b0s6mE2XoQF2Jq3lWQh9nq1O2y4=",
        "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "false",
        "BCSYNC_VAR_DIR": str(tmp_path / "var"), "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "settings.settings",
    })
    return env


def test_collectstatic_gathers_the_grid_and_chart_libraries_and_whitenoise_serves_them(
        tmp_path):
    env = production_env(tmp_path)
    collected = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stdout + collected.stderr

    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    vendor = sorted(name for name in manifest if name.startswith("vendor/"))
    assert vendor == ["vendor/chartjs/chart.umd.min.js",
                      "vendor/chartjs/chart.umd.min.js.map",
                      "vendor/tabulator/css/tabulator.min.css",
                      "vendor/tabulator/css/tabulator.min.css.map",
                      "vendor/tabulator/js/tabulator.min.js",
                      "vendor/tabulator/js/tabulator.min.js.map"]
    assert {"grids/grid.js", "grids/grid.css", "bcsync/pos_view.js"} <= set(manifest)

    served = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert served.returncode == 0, served.stderr
    answers = json.loads(served.stdout.strip().splitlines()[-1])
    tabulator = answers["vendor/tabulator/js/tabulator.min.js"]
    assert tabulator["url"] == "/static/" + manifest["vendor/tabulator/js/tabulator.min.js"]
    assert tabulator["status"] == 200
    assert "javascript" in tabulator["type"]
    assert tabulator["encoding"] == "gzip"  # compressed once by collectstatic
    for answer in answers.values():
        assert answer["status"] == 200 and answer["bytes"] > 0, answers
