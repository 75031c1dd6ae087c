"""Twilio, the SMS provider, through its library: one client per process, its errors in the
outbox's two kinds, and the webhooks it calls (inbound texts now; delivery callbacks and voice
calls take the same check). A webhook's request is Twilio's only if its X-Twilio-Signature is
the account's signature of the public address (SITE_URL: behind a proxy the request's own
address is not the one Twilio signed) and the form it posted."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from .sms import PermanentError, TransientError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
DEFAULT_API = "https://api.twilio.com"


@lru_cache(maxsize=4)
def _client(sid: str, token: str, api_url: str) -> Client:
    client = Client(sid, token, http_client=TwilioHttpClient(timeout=TIMEOUT_SECONDS))
    # SMS_API_URL names another host speaking Twilio's API (a compatible provider, a test's).
    parts = urlsplit(api_url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else DEFAULT_API
    if origin != DEFAULT_API:
        client.api.base_url = origin
    return client


def client() -> Client:
    """Kept per process: its HTTP session holds the connection to the API open between texts."""
    return _client(settings.SMS_ACCOUNT_SID, settings.SMS_AUTH_TOKEN, settings.SMS_API_URL)


@contextmanager
def provider_errors() -> Iterator[None]:
    """What Twilio or the way to it raised, as the outbox's kinds: a 429, a 5xx or no answer is
    worth trying again; any other refusal (a bad number, refused credentials) is not."""
    try:
        yield
    except TwilioRestException as exc:
        detail = f"{exc.code or ''} {exc.msg}".strip()[:200]
        if exc.status == 429 or exc.status >= 500:
            raise TransientError(f"SMS service answered {exc.status}: {detail}") from None
        raise PermanentError(f"SMS service refused the message ({exc.status}): {detail}") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientError(f"SMS service unreachable: {type(exc).__name__}") from None
    except TwilioException as exc:  # the library's own refusal: no credentials, say
        raise PermanentError(f"SMS service not usable: {exc}") from None


def signed_by_twilio(request: HttpRequest) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    token = settings.SMS_AUTH_TOKEN
    if not signature or not token:
        return False
    url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST, signature)


def webhook(*, failed: Callable[[], HttpResponse]):
    """A view Twilio calls: POST only, no sign-in or CSRF token (the signature stands for
    both), refused with 403 unless signed. It never answers 500: whatever goes wrong after the
    check is logged (its type and where, nothing the request carried) and answered with
    `failed()`, which for a text is a reply asking the peer to send it again: Twilio does not
    retry a webhook that failed, so a 5xx would leave the peer with no word at all."""

    def decorate(view: Callable[[HttpRequest], HttpResponse]):
        @csrf_exempt
        @require_POST
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            if not signed_by_twilio(request):
                return HttpResponseForbidden("Not signed by the SMS provider.")
            try:
                return view(request)
            except Exception:
                log.exception("Twilio webhook %s failed; answered with a try-again", request.path)
                return failed()

        return wrapper

    return decorate


def message_reply(text: str) -> HttpResponse:
    """TwiML that sends `text` back to the sender of an inbound text; none when it is empty."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return HttpResponse(str(response), content_type="text/xml")
