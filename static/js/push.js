// The peer's page: this browser asks for call-outs by web push, or stops (roster/views/push.py).
// The forms post what the browser's push service gave it; the server posts only the call-out's
// link to it (notifications/push.py).
const section = document.querySelector("[data-push-key]");

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function say(text) {
  section.querySelector("[data-push-status]").textContent = text;
}

async function setUp() {
  const subscribe = section.querySelector("[data-push-subscribe]");
  const unsubscribe = section.querySelector("[data-push-unsubscribe]");
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    say("This browser cannot get call-outs as notifications.");
    return;
  }
  const registration = await navigator.serviceWorker.ready;
  const current = await registration.pushManager.getSubscription();
  if (current && unsubscribe) {
    unsubscribe.elements.endpoint.value = current.endpoint;
    unsubscribe.querySelector("button").textContent = "Stop call-outs on this device";
  }
  if (subscribe && !current) subscribe.hidden = false;
  if (subscribe) {
    subscribe.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const made = await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(section.dataset.pushKey),
        });
        const { endpoint, keys } = made.toJSON();
        subscribe.elements.endpoint.value = endpoint;
        subscribe.elements.p256dh.value = keys.p256dh;
        subscribe.elements.auth.value = keys.auth;
        subscribe.submit();
      } catch (error) {
        say("Notifications are blocked or unavailable in this browser; nothing changed.");
      }
    });
  }
  if (unsubscribe && current) {
    unsubscribe.addEventListener("submit", () => {
      current.unsubscribe().catch(() => {});
    });
  }
}

if (section) setUp();
