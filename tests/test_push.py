"""Web push for call-outs (notifications/push.py): a round trip through a push service the test
runs on the loopback, which receives what pywebpush posts for a subscription the test made with
its own P-256 key pair and auth secret, and decrypts it as the browser would (http_ece,
aes128gcm); gone subscriptions are forgotten, other failures retried; the payload is the signed
link and nothing of the incident."""

import json

import pytest

from activations import tokens
from activations.models import CallOut
from activations.services import activation as activations
from agencies import tenant_db
from notifications import push
from notifications.management.commands.vapid_keys import new_pair
from notifications.models import Channel, Message, PushSubscription, State
from notifications.services import deliver
from tests.factories import AgencyFactory, ShiftFactory, member
from tests.support.push import Browser, PushService, b64url

BRIEFING = "Two officers at the scene, one hurt; the family is at the hospital."
LOCATION = "1200 Grand Blvd, apartment 4"


@pytest.fixture
def service():
    running = PushService()
    yield running
    running.close()


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_pair()
    settings.VAPID_SUBJECT = "mailto:ops@kcpd.example.org"
    return settings


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def peer(kcpd):
    return ShiftFactory(peer__agency=kcpd, peer__person__first_name="Dana").peer


def subscribe(agency, peer, service, browser, path="/push/dana"):
    with tenant_db.agency_scope(agency.pk):
        return push.subscribe(
            agency=agency, recipient_type="person", recipient_id=peer.person_id,
            endpoint=service.url(path), p256dh=browser.p256dh, auth=b64url(browser.auth),
            actor=None,
        )  # fmt: skip


def push_rows(agency):
    with tenant_db.agency_scope(agency.pk):
        return list(Message.objects.filter(channel=Channel.PUSH, purpose="callout"))


def test_a_call_out_reaches_the_peers_browser_encrypted_and_carries_only_the_signed_link(
    vapid, service, kcpd, peer, open_activation
):
    browser = Browser()
    subscribe(kcpd, peer, service, browser)
    open_activation(kcpd, briefing=BRIEFING, location=LOCATION)
    [row] = push_rows(kcpd)
    assert row.state == State.SENT
    [post] = service.received
    assert post["path"] == "/push/dana"
    assert post["headers"]["content-encoding"] == "aes128gcm"
    assert post["headers"]["authorization"].startswith("vapid t=")
    assert post["headers"]["urgency"] == "high"
    for secret in (BRIEFING, LOCATION, "/callouts/"):
        assert secret.encode() not in post["body"]  # a push service sees only ciphertext
    payload = browser.decrypt(post["body"])
    assert list(payload) == ["url"]
    token = payload["url"].rsplit("/", 2)[-2]
    with tenant_db.system_scope():
        call = CallOut.objects.get(peer=peer)
    assert tokens.read(token) == (call.pk, kcpd.pk)
    assert payload["url"].startswith(vapid.SITE_URL + "/callouts/")


def test_the_push_payload_has_nothing_of_the_incident(vapid, service, kcpd, peer, open_activation):
    browser = Browser()
    subscribe(kcpd, peer, service, browser)
    activation = open_activation(kcpd, briefing=BRIEFING, location=LOCATION)
    text = json.dumps(browser.decrypt(service.received[0]["body"]))
    for detail in (BRIEFING, LOCATION, activation.incident_type.label, kcpd.policy.team_name):
        assert detail not in text
    if activation.area:
        assert activation.area not in text


def test_every_device_of_the_peer_gets_it_and_a_peer_without_one_gets_no_push_row(
    vapid, service, kcpd, peer, open_activation
):
    phone, laptop = Browser(), Browser()
    subscribe(kcpd, peer, service, phone, "/push/phone")
    subscribe(kcpd, peer, service, laptop, "/push/laptop")
    ShiftFactory(peer__agency=kcpd)  # on call, never subscribed
    open_activation(kcpd, peers_needed=2)
    assert sorted(p["path"] for p in service.received) == ["/push/laptop", "/push/phone"]
    assert len(push_rows(kcpd)) == 1


def test_without_vapid_keys_push_is_off_and_nothing_is_queued(
    settings, service, kcpd, peer, open_activation
):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    subscribe(kcpd, peer, service, Browser())
    open_activation(kcpd)
    assert push_rows(kcpd) == []
    assert service.received == []


@pytest.mark.parametrize("gone", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    vapid, service, kcpd, peer, open_activation, gone
):
    service.status = gone
    subscribe(kcpd, peer, service, Browser())
    open_activation(kcpd)
    [row] = push_rows(kcpd)
    assert row.state == State.FAILED
    assert "No device" in row.last_error
    with tenant_db.system_scope():
        assert not PushSubscription.objects.exists()


def test_a_push_service_that_fails_for_now_is_tried_again_later(
    vapid, service, kcpd, peer, open_activation
):
    service.status = 503
    subscribe(kcpd, peer, service, Browser())
    open_activation(kcpd, deliver=False)
    [row] = push_rows(kcpd)
    with tenant_db.agency_scope(kcpd.pk), pytest.raises(push.TransientError):
        deliver(row.pk)
    with tenant_db.agency_scope(kcpd.pk):
        row.refresh_from_db()
        assert row.state == State.PENDING
        assert row.attempts == 1
        assert "503" in row.last_error
        assert PushSubscription.objects.count() == 1
    service.status = 201
    with tenant_db.agency_scope(kcpd.pk):
        assert deliver(row.pk) == State.SENT
    assert len(service.received) == 2


def test_an_unreachable_push_service_is_a_transient_failure(vapid, kcpd, peer, open_activation):
    unreachable = PushService()
    unreachable.close()  # nothing listens on its port any more
    subscribe(kcpd, peer, unreachable, Browser())
    open_activation(kcpd, deliver=False)
    [row] = push_rows(kcpd)
    with tenant_db.agency_scope(kcpd.pk), pytest.raises(push.TransientError):
        deliver(row.pk)


def test_closing_before_the_push_went_stops_it_and_the_stand_down_is_not_pushed(
    vapid, service, kcpd, peer, open_activation, django_capture_on_commit_callbacks
):
    subscribe(kcpd, peer, service, Browser())
    activation = open_activation(kcpd, deliver=False)
    with tenant_db.agency_scope(kcpd.pk), django_capture_on_commit_callbacks(execute=True):
        activations.close(activation=activation, actor=member(kcpd, "coordinator"))
    with tenant_db.agency_scope(kcpd.pk):
        rows = Message.objects.filter(channel=Channel.PUSH)
        assert [(m.purpose, m.state) for m in rows] == [("callout", State.CANCELLED)]
    assert service.received == []
