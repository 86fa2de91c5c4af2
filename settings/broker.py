"""The embedded broker: kombu's filesystem transport, with messages written atomically.

kombu creates a message file and then writes into it; a worker polling the folder in between
moves the empty file away, reads no bytes and dies on the JSON decoding (seen under load with
a webhook burst). Here a message is written under a name no consumer matches and renamed into
place once complete: a rename within one folder is atomic, so a consumer sees a whole message
or none.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# A consumer takes files named `<stamp>_<uuid>.<queue>.msg`; the suffix keeps a message
# being written out of its sight.
PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    # kombu's AbstractChannel names the message `message`, its filesystem.Channel `payload`:
    # no signature matches both, and kombu passes it positionally.
    def _put(  # type: ignore[override]
        self, queue: str, payload: dict[str, Any], **kwargs: object
    ) -> None:
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
