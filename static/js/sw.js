// The app's service worker. Served at /sw.js by config/pwa.py, which writes RELEASE, ASSETS and
// ICON above these lines, so that it controls every page of the site and changes with each
// release (the browser then installs the new one and its static files).
//
// What it keeps, in this browser only: the layout's static files, and the officer's on-call page
// as it last showed (the page stores its own copy: static/js/app.js), served only when the
// network fails. It makes no request of its own that names the officer: the static files are
// fetched without cookies, and the page is never fetched by the worker. Signing out deletes the
// copy, which holds peers' phone numbers.
const STATIC_CACHE = `static-${RELEASE}`;
const LOOKUP_CACHE = "lookup";
const LOOKUP_PATH = /^\/[-\w]+\/on-call\/$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("static-") && name !== STATIC_CACHE;
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter(old).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

// Any other page asked for offline (the app opens at "/"): a plain page linking the copies this
// device kept. Their paths matched LOOKUP_PATH when stored, so they hold no markup.
function offlinePage() {
  return caches
    .open(LOOKUP_CACHE)
    .then((cache) => cache.keys())
    .then((kept) => {
      const links = kept
        .map((request) => new URL(request.url).pathname)
        .filter((path) => LOOKUP_PATH.test(path))
        .map((path) => `<li><a href="${path}">The on-call page (${path})</a></li>`)
        .join("");
      const body = links
        ? `<p>You are offline. This device kept a copy of:</p><ul>${links}</ul>`
        : "<p>You are offline, and this device has no saved copy of this page.</p>";
      return new Response(
        '<!doctype html><html lang="en"><meta charset="utf-8">' +
          '<meta name="viewport" content="width=device-width, initial-scale=1">' +
          `<title>Offline</title><h1>Offline</h1>${body}</html>`,
        { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
      );
    });
}

function offlineCopy(path) {
  return caches
    .open(LOOKUP_CACHE)
    .then((cache) => cache.match(path))
    .then((copy) => copy || offlinePage());
}

function fromStaticCache(request) {
  return caches.open(STATIC_CACHE).then((cache) => cache.match(request, { ignoreSearch: true }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/accounts/logout/") {
    // The browser sends the sign-out itself; the copy goes meanwhile.
    event.waitUntil(caches.delete(LOOKUP_CACHE));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && LOOKUP_PATH.test(url.pathname) && !url.search) {
    event.respondWith(fetch(request).catch(() => offlineCopy(url.pathname)));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offlinePage()));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      fetch(request).catch(() => fromStaticCache(request).then((hit) => hit || Response.error())),
    );
  }
});

// A call-out by web push (notifications/push.py): its payload is the signed link alone.
self.addEventListener("push", (event) => {
  let url = "";
  try {
    url = new URL(event.data.json().url, self.location.origin);
  } catch (error) {
    url = "";
  }
  const link = url && url.origin === self.location.origin ? url.href : "";
  event.waitUntil(
    self.registration.showNotification("Peer support call-out", {
      body: "Open it to see the call-out and answer.",
      icon: ICON,
      tag: link || "callout",
      data: { url: link },
      requireInteraction: true,
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const link = event.notification.data && event.notification.data.url;
  event.waitUntil(self.clients.openWindow(link || "/"));
});
