"""SMS backends, chosen by the SMS_BACKEND setting: files in the embedded default, Twilio in
production, memory in tests. `send(to, body)` raises TransientError or PermanentError."""

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class TransientError(Exception):
    """Worth trying again later: the service is down, slow or busy."""


class PermanentError(Exception):
    """Trying again will not help: a bad number, refused credentials."""


def get_backend():
    return import_string(settings.SMS_BACKEND)()


class FileSmsBackend:
    def send(self, to: str, body: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%d")
        with (folder / f"{stamp}.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "body": body}) + "\n")


class LocmemSmsBackend:
    outbox: list[dict] = []

    def send(self, to: str, body: str) -> None:
        LocmemSmsBackend.outbox.append({"to": to, "body": body})


class TwilioSmsBackend:
    """Through Twilio's library (notifications/twilio_api.py). Returns Twilio's id of the
    message, which its delivery callbacks name."""

    def send(self, to: str, body: str) -> str:
        from . import twilio_api  # late: it imports this module's errors

        with twilio_api.provider_errors():
            message = twilio_api.client().messages.create(to=to, from_=settings.SMS_FROM, body=body)
        return message.sid


# The name of the hand-written Twilio-style client this replaced: settings that name it still work.
HttpSmsBackend = TwilioSmsBackend
