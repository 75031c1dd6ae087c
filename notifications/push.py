"""Web push: a notice posted, encrypted (aes128gcm, RFC 8291) and signed with the server's VAPID
key (RFC 8292), to the push service of every browser that subscribed for its recipient.

Push is on when both VAPID keys are set (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY; `manage.py
vapid_keys` makes a pair), and off without them: nothing is queued for push, and the peer's page
offers no subscription. What is pushed is the notice's body, and a call-out's body for push is
its signed link alone (activations/notices.py): a push service sees only ciphertext, but the
phone shows it, and the link's page says the rest while the activation is open.

The subscriptions' writes are here too (subscribe, unsubscribe, forget): this module is the
outbox's service for push, as sms.py is for texts."""

import json
import logging
from functools import cache

import requests
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from agencies.models import Agency, User
from security.audit import audited

from . import selectors
from .models import Message, PushSubscription
from .sms import PermanentError, TransientError

log = logging.getLogger(__name__)

# The push service keeps a message for a phone that is off this long, as long as the link
# in it works (activations/tokens.py); after that it would only say "expired".
TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10
GONE = (404, 410)


def is_on() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


@cache
def _vapid(private_key: str) -> Vapid:
    return Vapid.from_string(private_key)


def payload(url: str) -> str:
    """What the service worker reads (static/js/sw.js): the link to open, and nothing else."""
    return json.dumps({"url": url})


def _post(subscription: PushSubscription, data: str, *, topic: str) -> None:
    webpush(
        subscription_info={
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        },
        data=data,
        vapid_private_key=_vapid(settings.VAPID_PRIVATE_KEY),
        vapid_claims={"sub": settings.VAPID_SUBJECT},
        ttl=TTL_SECONDS,
        timeout=TIMEOUT_SECONDS,
        # A second try of the same notice replaces the first while the push service still
        # holds it (RFC 8030 5.4), and a phone shows it once (the notification's tag).
        headers={"Urgency": "high", "Topic": topic},
    )


def send(message: Message, url: str) -> int:
    """Post `url` to each device subscribed for the message's recipient; how many took it.

    A subscription the push service says is gone (404, 410: the browser unsubscribed or the
    app was removed) is deleted and skipped. Any other failure is the push service's for the
    moment: TransientError, and the outbox tries the whole notice again later (a device that
    took it already shows it once). No device left at all: PermanentError."""
    data = payload(url)
    subscriptions = selectors.push_subscriptions(
        recipient_type=message.recipient_type, recipient_id=message.recipient_id
    )
    sent, failure = 0, None
    for subscription in subscriptions:
        try:
            _post(subscription, data, topic=f"m{message.pk}")
            sent += 1
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in GONE:
                forget(subscription)
                continue
            failure = f"push service answered {status}" if status else "push not sent: " + str(exc)
        except requests.RequestException as exc:
            failure = f"push service unreachable: {type(exc).__name__}"
    if failure:
        log.warning("Push of message %s: %s", message.pk, failure)
        raise TransientError(failure)
    if not sent:
        raise PermanentError("No device is subscribed for push any more.")
    return sent


# Audited under the peer's page that does it (roster/views/push.py): who subscribed or stopped a
# device, and when; never the device's address or keys.
@audited("roster:push_subscribe")
def subscribe(
    *,
    agency: Agency,
    recipient_type: str,
    recipient_id: int,
    endpoint: str,
    p256dh: str,
    auth: str,
    actor: User | None,
) -> PushSubscription:
    """This browser (its endpoint) gets the recipient's pushes in this agency; a browser that
    subscribes again, or for someone else on a shared device, replaces what it had."""
    subscription, _ = PushSubscription.objects.for_agency(agency).update_or_create(
        agency=agency,
        endpoint=endpoint,
        defaults={
            "recipient_type": recipient_type,
            "recipient_id": recipient_id,
            "p256dh": p256dh,
            "auth": auth,
        },
    )
    return subscription


@audited("roster:push_unsubscribe")
def unsubscribe(
    *, agency: Agency, recipient_type: str, recipient_id: int, endpoint: str, actor: User | None
) -> int:
    """Ends the recipient's subscription of that browser, or (no endpoint) of all of theirs;
    how many ended. Another recipient's is never touched."""
    mine = PushSubscription.objects.for_agency(agency).filter(
        recipient_type=recipient_type, recipient_id=recipient_id
    )
    if endpoint:
        mine = mine.filter(endpoint=endpoint)
    return mine.delete()[0]


def forget(subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).delete()
