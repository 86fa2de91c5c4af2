"""The embedded broker never hands a consumer a message that is still being written."""

from __future__ import annotations

import json
from queue import Empty

import pytest
from django.conf import settings
from kombu import Connection
from kombu.transport import filesystem

from settings import broker

QUEUE = "bulk"


def channel(transport: type, folder) -> filesystem.Channel:
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder),
               "processed_folder": str(folder / "processed"), "store_processed": False}
    (folder / "processed").mkdir(exist_ok=True)
    connection = Connection("filesystem://", transport=transport, transport_options=options)
    return connection.default_channel


def read_while_writing(module, monkeypatch, chan) -> list:
    """Put a message, and in the middle of writing it let a consumer poll the folder."""
    seen: list = []
    real_dumps = module.dumps

    def dumps_and_poll(payload):
        try:
            seen.append(chan._get(QUEUE))
        except Empty:
            seen.append("empty")
        except ValueError as exc:  # JSONDecodeError: what kombu's transport does to a worker
            seen.append(exc)
        return real_dumps(payload)

    monkeypatch.setattr(module, "dumps", dumps_and_poll)
    chan._put(QUEUE, {"body": "whole"})
    return seen


def test_a_message_being_written_is_not_seen(tmp_path, monkeypatch):
    chan = channel(broker.Transport, tmp_path)
    assert read_while_writing(broker, monkeypatch, chan) == ["empty"]
    monkeypatch.undo()
    assert chan._get(QUEUE) == {"body": "whole"}
    assert list(tmp_path.glob("*.part")) == []


def test_kombus_own_transport_hands_out_the_empty_file(tmp_path, monkeypatch):
    # Why settings.broker exists: the same poll against kombu's transport reads an empty
    # file, and the worker dies decoding it.
    chan = channel(filesystem.Transport, tmp_path)
    seen = read_while_writing(filesystem, monkeypatch, chan)
    assert len(seen) == 1 and isinstance(seen[0], (ValueError, json.JSONDecodeError))


@pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("filesystem://"),
                    reason="the Redis configuration has no embedded broker")
def test_the_embedded_broker_uses_the_atomic_transport():
    from settings.celery import app

    with app.connection_for_write() as connection:
        assert type(connection.transport) is broker.Transport
