"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

from bcsync.worker_steps import ReadyHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.settings")

app = Celery("bcsync")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.steps["consumer"].add(ReadyHeartbeat)
