"""The installable app in Chromium, with the app's own Content Security Policy in force: the
manifest is valid, the service worker registers and activates at the site's root, and the
officer's on-call page loads offline after one visit, saying how old it is, until sign-out."""

import json
import os
import re
import struct

import pytest
from django.core.signals import request_started
from playwright.sync_api import expect

from agencies import tenant_db
from agencies.choices import Role
from notifications.management.commands.vapid_keys import new_pair
from notifications.models import PushSubscription
from tests.browser.conftest import PHONE, SHOTS
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member
from tests.support.push import Browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def kcpd(db):
    agency = AgencyFactory(
        slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd"
    )
    member(agency, Role.OFFICER, username="officer.kcpd")
    ShiftFactory(
        peer__agency=agency,
        peer__person__first_name="Dana",
        peer__person__last_name="Whitfield",
        peer__person__phone="(816) 555-0142",
    )
    return agency


@pytest.fixture
def phone(browser):
    """A phone's browser context with the CSP in force (no bypass), collecting what the
    console says the policy refused."""
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.refused = []
    page.on(
        "console",
        lambda m: page.refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield page
    context.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def worker_state(page) -> dict:
    return page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            const worker = registration.active;
            if (worker.state !== "activated") {
                await new Promise((done) => worker.addEventListener("statechange",
                    () => worker.state === "activated" && done()));
            }
            return {scope: registration.scope, state: worker.state, script: worker.scriptURL};
        }"""
    )


def png_size(body: bytes) -> str:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", body[16:24])
    return f"{width}x{height}"


def test_the_manifest_is_valid_and_its_icons_are_the_sizes_it_says(phone, live_server, db):
    phone.goto(f"{live_server.url}/accounts/login/")
    href = phone.locator('link[rel="manifest"]').get_attribute("href")
    response = phone.request.get(f"{live_server.url}{href}")
    assert response.ok
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        # Icon addresses are relative to the manifest's own.
        url = phone.evaluate(
            "([src, base]) => new URL(src, base).href", [icon["src"], response.url]
        )
        found = phone.request.get(url)
        assert found.ok and found.headers["content-type"] == "image/png"
        assert png_size(found.body()) == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert phone.refused == []


def test_the_service_worker_registers_and_activates_for_the_whole_site(phone, live_server, db):
    phone.goto(f"{live_server.url}/accounts/login/")
    state = worker_state(phone)
    assert state == {
        "scope": f"{live_server.url}/",
        "state": "activated",
        "script": f"{live_server.url}/sw.js",
    }
    phone.reload()
    assert phone.evaluate("navigator.serviceWorker.controller !== null")
    assert phone.refused == []


@pytest.fixture
def served():
    """The paths the live server was asked for, in order."""
    paths = []

    def heard(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(heard)
    yield paths
    request_started.disconnect(heard)


def test_the_on_call_page_loads_offline_after_one_visit_with_its_age_until_sign_out(
    phone, live_server, kcpd, served
):
    sign_in(phone, live_server.url, "officer.kcpd")
    phone.goto(f"{live_server.url}/kcpd/on-call/")
    worker_state(phone)
    expect(phone.locator("[data-offline-saved]")).to_have_count(1)  # the page kept its copy
    banner = phone.get_by_role("status").filter(has_text="Offline")
    expect(banner).to_have_count(0)

    phone.context.set_offline(True)
    phone.reload()
    on_call = phone.get_by_role("list", name="On call now")
    expect(on_call.get_by_role("heading", name="Dana Whitfield")).to_be_visible()
    expect(on_call.get_by_role("link", name=re.compile("Call Dana Whitfield"))).to_have_attribute(
        "href", "tel:8165550142"
    )
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(r"kept from .*(minute|less than a minute) ago"))
    if SHOTS:  # not `shot`: axe-core, injected inline, is what this context's CSP refuses
        phone.screenshot(path=os.path.join(SHOTS, "officer-on-call-offline-phone.png"))

    # Opened at its start ("/") offline, the app leads to the copy.
    phone.goto(f"{live_server.url}/")
    phone.get_by_role("link", name="The on-call page (/kcpd/on-call/)").click()
    expect(on_call.get_by_role("heading", name="Dana Whitfield")).to_be_visible()
    expect(banner).to_be_visible()

    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/kcpd/on-call/")
    expect(banner).to_have_count(0)  # online, the page itself
    # The worker never asked for the page itself: the server saw the officer's two visits.
    assert served.count("/kcpd/on-call/") == 2
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("button", name=re.compile("^Sign out")).click()
    phone.wait_for_url(re.compile("/accounts/login/"))
    kept = phone.evaluate(
        "async () => !!(await (await caches.open('lookup')).match('/kcpd/on-call/'))"
    )
    assert kept is False
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/kcpd/on-call/")
    expect(phone.get_by_text("this device has no saved copy")).to_be_visible()
    assert phone.refused == []


@pytest.fixture
def peer_page(phone, live_server, kcpd, settings):
    """The peer's own page, push on."""
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_pair()
    PeerFactory(agency=kcpd, person__user=member(kcpd, Role.PEER, username="peer.kcpd"))
    sign_in(phone, live_server.url, "peer.kcpd")
    return phone


def test_a_peer_is_offered_call_outs_on_this_device_and_told_when_the_browser_cannot(
    peer_page, live_server
):
    # Headless Chromium here reaches no push service: subscribing fails, and the page says so.
    peer_page.goto(f"{live_server.url}/kcpd/me/")
    section = peer_page.get_by_role("region", name="Call-outs on this device")
    expect(section).to_contain_text("No device gets them yet.")
    button = section.get_by_role("button", name="Get call-outs on this device")
    expect(button).to_be_visible()  # shown by static/js/push.js, under the CSP
    button.click()
    expect(section.get_by_role("status")).to_contain_text("nothing changed")
    assert peer_page.refused == []
    if SHOTS:
        peer_page.screenshot(path=os.path.join(SHOTS, "peer-me-push-phone.png"), full_page=True)


# What the browser's PushManager would give, with keys made by the test, kept for the tab's
# session as a browser keeps it: the page's script posts it as it comes.
FAKE_PUSH_MANAGER = """(() => {
  const made = () => ({endpoint: SUBSCRIPTION.endpoint, toJSON: () => (SUBSCRIPTION),
    unsubscribe: async () => { sessionStorage.removeItem("subscribed"); return true; }});
  PushManager.prototype.getSubscription = async () =>
    sessionStorage.getItem("subscribed") ? made() : null;
  PushManager.prototype.subscribe = async (options) => {
    sessionStorage.setItem("keyBytes", options.applicationServerKey.byteLength);
    sessionStorage.setItem("subscribed", "yes");
    return made();
  };
})();"""


def test_a_peer_subscribes_this_device_and_stops_it(peer_page, live_server):
    keys = Browser().keys()
    subscription = {"endpoint": "https://push.example.net/send/1", "keys": keys}
    peer_page.context.add_init_script(
        FAKE_PUSH_MANAGER.replace("SUBSCRIPTION", json.dumps(subscription))
    )
    peer_page.goto(f"{live_server.url}/kcpd/me/")
    section = peer_page.get_by_role("region", name="Call-outs on this device")
    section.get_by_role("button", name="Get call-outs on this device").click()
    expect(peer_page.get_by_text("This device will get your call-outs.")).to_be_visible()
    expect(section).to_contain_text("Devices getting them: 1.")
    # The page's VAPID key went to the browser whole: an uncompressed P-256 point.
    assert peer_page.evaluate("sessionStorage.getItem('keyBytes')") == "65"
    with tenant_db.system_scope():
        [made] = PushSubscription.objects.all()
    assert (made.endpoint, made.p256dh, made.auth) == (
        subscription["endpoint"], keys["p256dh"], keys["auth"],
    )  # fmt: skip
    expect(section.get_by_role("button", name="Get call-outs on this device")).to_be_hidden()
    section.get_by_role("button", name="Stop call-outs on this device").click()
    expect(peer_page.get_by_text("This device will no longer get your call-outs.")).to_be_visible()
    assert peer_page.evaluate("sessionStorage.getItem('subscribed')") is None
    with tenant_db.system_scope():
        assert not PushSubscription.objects.exists()
    assert peer_page.refused == []
