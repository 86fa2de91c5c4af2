"""For benchmarks that compare one request at several catalogue sizes: a throwaway database
per size (SQLite files in a temp dir, or PostgreSQL databases created and dropped), the
measuring done by the same script in a child process so each backend's figures are its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def use_database(name: str) -> None:
    """Point Django's default connection at another database of the same backend."""
    from django.db import connections

    connection = connections["default"]
    connection.close()
    connection.settings_dict["NAME"] = name


def pg_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def run_backend(*, script: str, label: str, backend: str, sizes: list[int], pg_url: str,
                child_args: list[str]) -> dict[str, Any]:
    """Run `script --child --backend B --databases {size: name} *child_args` with one fresh
    database per size; return the JSON the child printed last."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    with tempfile.TemporaryDirectory(prefix=f"bench-{label}-") as workdir:
        env["BCSYNC_VAR_DIR"] = workdir
        created: list[str] = []
        if backend == "sqlite":
            databases = {str(n): str(Path(workdir) / f"{label}-{n}.sqlite3") for n in sizes}
            env["DATABASE_URL"] = f"sqlite:///{databases[str(sizes[0])]}"
        else:
            tag = uuid.uuid4().hex[:8]
            databases = {str(n): f"bcsync_bench_{label}_{tag}_{n}" for n in sizes}
            for name in databases.values():
                pg_admin(pg_url, f'CREATE DATABASE "{name}"')
                created.append(name)
            env["DATABASE_URL"] = f"{pg_url}/{databases[str(sizes[0])]}"
        try:
            completed = subprocess.run(
                [sys.executable, script, "--child", "--backend", backend,
                 "--databases", json.dumps(databases), *child_args],
                env=env, cwd=ROOT, capture_output=True, text=True, check=False,
            )
            sys.stderr.write(completed.stderr[-4000:] if completed.returncode else
                             completed.stderr)
            if completed.returncode:
                raise SystemExit(f"{backend} child failed ({completed.returncode})")
            return json.loads(completed.stdout.strip().splitlines()[-1])
        finally:
            for name in created:
                pg_admin(pg_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
