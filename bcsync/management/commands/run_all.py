"""`make run`: web server, worker and beat under one supervisor (honcho), stopped together."""

import os
import shutil
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web app, a Celery worker and beat together; Ctrl-C stops them all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port: int, **options) -> None:
        password_file = settings.VAR_DIR / "demo_admin_password.txt"
        password = (
            password_file.read_text().strip()
            if password_file.exists()
            else "(none yet: run `manage.py createsuperuser`)"
        )
        self.stdout.write(self.style.SUCCESS(
            f"\n  bcsync is starting at http://127.0.0.1:{port}/admin/\n"
            f"  Log in as: admin / {password}\n"
            "  Ctrl-C stops the web server, the worker and beat.\n"
        ))
        self.stdout.flush()
        honcho = shutil.which("honcho", path=str(Path(sys.executable).parent))
        if honcho is None:
            raise SystemExit("honcho is not installed in the virtualenv: run `make venv`.")
        env = {**os.environ, "BCSYNC_PORT": str(port), "PYTHONUNBUFFERED": "1"}
        procfile = Path(settings.BASE_DIR) / "Procfile"
        os.execve(honcho, [honcho, "-f", str(procfile), "-d", str(settings.BASE_DIR), "start"], env)
