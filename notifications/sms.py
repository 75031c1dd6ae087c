"""SMS backends, chosen by the SMS_BACKEND setting: files in the embedded default, a Twilio-style
HTTP API in production, memory in tests."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
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


class HttpSmsBackend:
    """POST /Accounts/{sid}/Messages.json with To, From and Body, as Twilio's API takes it."""

    def send(self, to: str, body: str) -> None:
        sid = settings.SMS_ACCOUNT_SID
        url = f"{settings.SMS_API_URL.rstrip('/')}/Accounts/{sid}/Messages.json"
        data = urllib.parse.urlencode({"To": to, "From": settings.SMS_FROM, "Body": body}).encode()
        token = base64.b64encode(f"{sid}:{settings.SMS_AUTH_TOKEN}".encode()).decode()
        request = urllib.request.Request(
            url, data=data, method="POST", headers={"Authorization": f"Basic {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode("utf-8", "replace")
            if exc.code == 429 or exc.code >= 500:
                raise TransientError(f"SMS service answered {exc.code}: {detail}") from None
            raise PermanentError(
                f"SMS service refused the message ({exc.code}): {detail}"
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise TransientError(f"SMS service unreachable: {exc}") from None
