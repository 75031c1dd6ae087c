"""An SMS backend that writes each text as the file backend does and, when a test asks for it
(the file PAUSE_REQUEST exists), pauses just after: the worker is then between the send and
recording it as sent, the moment a test cuts its database connection at."""

import os
import time
from pathlib import Path

from notifications.sms import FileSmsBackend


class PausingSmsBackend(FileSmsBackend):
    def send(self, to: str, body: str) -> None:
        super().send(to, body)
        request = Path(os.environ["PAUSE_REQUEST"])
        try:
            # A rename is atomic: one send takes the request, and the test sees it taken.
            request.rename(request.with_suffix(".taken"))
        except FileNotFoundError:
            return
        time.sleep(float(os.environ.get("PAUSE_SECONDS", "0.5")))
