"""A peer's devices asking for call-outs by web push from the peer's own page, and stopping;
the installable app's files (the manifest, the service worker at the site's root)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from agencies import tenant_db
from agencies.choices import Role
from notifications.management.commands.vapid_keys import new_pair
from notifications.models import PushSubscription
from roster.models import Person
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.push import Browser, b64url

ENDPOINT = "https://push.example.net/send/abc123"


def browser_keys() -> dict:
    return Browser().keys()


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_pair()
    return settings


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@pytest.fixture
def dana(kcpd):
    user = member(kcpd, Role.PEER, username="dana")
    PeerFactory(agency=kcpd, person__user=user)
    return user


def subscriptions() -> list[PushSubscription]:
    with tenant_db.system_scope():
        return list(PushSubscription.objects.order_by("pk"))


def test_a_peer_subscribes_this_device_and_the_page_counts_it(vapid, login, kcpd, dana):
    client = login(dana)
    page = client.get(reverse("roster:me", args=["kcpd"])).content.decode()
    assert f'data-push-key="{vapid.VAPID_PUBLIC_KEY}"' in page
    assert "No device gets them yet." in page
    response = client.post(
        reverse("roster:push_subscribe", args=["kcpd"]), {"endpoint": ENDPOINT, **browser_keys()}
    )
    assert response.status_code == 302
    [made] = subscriptions()
    with tenant_db.system_scope():
        assert (made.agency_id, made.recipient_type) == (kcpd.pk, "person")
        assert made.recipient_id == Person.objects.get(user=dana).pk
    page = client.get(reverse("roster:me", args=["kcpd"])).content.decode()
    assert "This device will get your call-outs." in page
    assert "Devices getting them: 1." in page


def test_subscribing_the_same_browser_again_keeps_one_subscription(vapid, login, kcpd, dana):
    client = login(dana)
    url = reverse("roster:push_subscribe", args=["kcpd"])
    client.post(url, {"endpoint": ENDPOINT, **browser_keys()})
    keys = browser_keys()
    client.post(url, {"endpoint": ENDPOINT, **keys})
    [kept] = subscriptions()
    assert kept.p256dh == keys["p256dh"]


@pytest.mark.parametrize(
    "bad",
    [
        {"endpoint": "http://127.0.0.1:6379/"},  # not a push service: the server posts to it
        {"endpoint": "file:///etc/passwd"},
        {"p256dh": b64url(b"\x04" + b"x" * 10)},
        {"p256dh": "not base64!"},
        {"auth": b64url(b"short")},
        {"endpoint": ""},
    ],
)
def test_a_subscription_that_cannot_be_a_browsers_is_refused_and_nothing_changes(
    vapid, login, kcpd, dana, bad
):
    client = login(dana)
    data = {"endpoint": ENDPOINT, **browser_keys(), **bad}
    response = client.post(reverse("roster:push_subscribe", args=["kcpd"]), data, follow=True)
    assert response.status_code == 200
    assert "could not be read; nothing changed" in response.content.decode()
    assert subscriptions() == []


def test_without_vapid_keys_the_page_offers_no_push_and_a_post_changes_nothing(
    settings, login, kcpd, dana
):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client = login(dana)
    assert "data-push-key" not in client.get(reverse("roster:me", args=["kcpd"])).content.decode()
    response = client.post(
        reverse("roster:push_subscribe", args=["kcpd"]),
        {"endpoint": ENDPOINT, **browser_keys()},
        follow=True,
    )
    assert "Push is not set up on this server." in response.content.decode()
    assert subscriptions() == []


def test_a_peer_stops_push_on_one_device_or_on_all(vapid, login, kcpd, dana):
    client = login(dana)
    url = reverse("roster:push_subscribe", args=["kcpd"])
    for n in (1, 2, 3):
        client.post(url, {"endpoint": f"{ENDPOINT}{n}", **browser_keys()})
    stop = reverse("roster:push_unsubscribe", args=["kcpd"])
    client.post(stop, {"endpoint": f"{ENDPOINT}2"})
    assert [s.endpoint for s in subscriptions()] == [f"{ENDPOINT}1", f"{ENDPOINT}3"]
    response = client.post(stop, {}, follow=True)
    assert "Push ended on 2 device(s)." in response.content.decode()
    assert subscriptions() == []


def test_a_peer_cannot_stop_another_peers_device(vapid, login, kcpd, dana):
    other = member(kcpd, Role.PEER, username="eli")
    PeerFactory(agency=kcpd, person__user=other)
    login(other).post(
        reverse("roster:push_subscribe", args=["kcpd"]), {"endpoint": ENDPOINT, **browser_keys()}
    )
    login(dana).post(reverse("roster:push_unsubscribe", args=["kcpd"]), {"endpoint": ENDPOINT})
    login(dana).post(reverse("roster:push_unsubscribe", args=["kcpd"]), {})
    assert len(subscriptions()) == 1


def test_a_member_of_another_agency_gets_404_and_nothing_changes(vapid, login, kcpd, dana):
    elsewhere = AgencyFactory(slug="clayton")
    outsider = member(elsewhere, *Role.values)
    PeerFactory(agency=elsewhere, person__user=outsider)
    client = login(outsider)
    data = {"endpoint": ENDPOINT, **browser_keys()}
    assert client.post(reverse("roster:push_subscribe", args=["kcpd"]), data).status_code == 404
    assert client.post(reverse("roster:push_unsubscribe", args=["kcpd"]), {}).status_code == 404
    assert subscriptions() == []


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(vapid, client, kcpd, dana):
    data = {"endpoint": ENDPOINT, **browser_keys()}
    response = client.post(reverse("roster:push_subscribe", args=["kcpd"]), data)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert subscriptions() == []


def test_a_member_who_is_not_on_the_team_gets_404(vapid, login, kcpd):
    lead = member(kcpd, Role.PEER, username="no.peer.row")
    data = {"endpoint": ENDPOINT, **browser_keys()}
    response = login(lead).post(reverse("roster:push_subscribe", args=["kcpd"]), data)
    assert response.status_code == 404
    assert subscriptions() == []


def test_the_service_worker_is_served_at_the_root_with_the_releases_files(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assets = json.loads(body.split("const ASSETS = ", 1)[1].split(";\n", 1)[0])
    assert "/static/js/app.js" in assets
    assert 'self.addEventListener("push"' in body
    # Strict CSP for the worker too: nothing inline, nothing from elsewhere.
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_every_page_links_the_manifest_and_the_csp_allows_only_this_site(client, db):
    response = client.get(reverse("login"))
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "manifest-src 'self'" in csp
    assert "worker-src 'self'" in csp
    with open(finders.find("manifest.webmanifest"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
