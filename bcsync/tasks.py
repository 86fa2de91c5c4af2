"""Celery tasks: thin wrappers that call services."""

from celery import shared_task

from .heartbeat import heartbeat_record


@shared_task(name="bcsync.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat(name: str = "worker") -> int:
    return heartbeat_record(name=name).beats
