"""`make run`: web app, worker, beat and the BigCommerce emulator under one supervisor."""

import os
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from bcsync.devstack import (
    demo_connection_check,
    demo_connection_ensure,
    procfile_processes,
)
from bcsync.supervisor import Supervisor


class Command(BaseCommand):
    help = ("Start the web app, the two Celery workers, beat and the emulator; "
            "Ctrl-C stops them all.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--emulator-port", type=int,
                            default=int(os.environ.get("BCSYNC_EMULATOR_PORT", 8765)))

    def handle(self, *args, port: int, emulator_port: int, **options) -> None:
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        connection = demo_connection_ensure(emulator_url=emulator_url)
        password_file = settings.VAR_DIR / "demo_admin_password.txt"
        password = (password_file.read_text().strip() if password_file.exists()
                    else "(none yet: run `manage.py createsuperuser`)")
        self.stdout.write(self.style.SUCCESS(
            f"\n  bcsync is starting at http://127.0.0.1:{port}/\n"
            f"  Log in as: admin / {password}\n"
            f"  BigCommerce emulator (demo store): {emulator_url}\n"
            "  Ctrl-C stops the web server, the workers, beat and the emulator.\n"
        ))
        self.stdout.flush()
        if connection is not None:
            threading.Thread(target=self._check, args=(connection, emulator_url),
                             daemon=True).start()

        # The var folder is passed on, so the Procfile's paths and the processes' settings
        # agree with this one even when it came from .env.
        env = {**os.environ, "BCSYNC_PORT": str(port),
               "BCSYNC_EMULATOR_PORT": str(emulator_port), "PYTHONUNBUFFERED": "1",
               "BCSYNC_VAR_DIR": str(settings.VAR_DIR)}
        supervisor = Supervisor(procfile_processes(), env=env, cwd=str(settings.BASE_DIR),
                                output=sys.stdout)
        code = supervisor.run()
        if code:
            raise SystemExit(code)

    def _check(self, connection, emulator_url: str) -> None:
        result = demo_connection_check(connection=connection, emulator_url=emulator_url)
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(f"  Store connection '{connection.description}': "
                                f"{result.message}"))
