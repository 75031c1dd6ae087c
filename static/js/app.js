// Small behaviours without inline script (the Content Security Policy forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// The installable app: the service worker (static/js/sw.js) at the site's root, so that it
// controls every page; it serves the on-call page's last copy when the network fails.
const LOOKUP_CACHE = "lookup";
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}

function forgetOfflineCopy() {
  if ("caches" in window) caches.delete(LOOKUP_CACHE).catch(() => {});
}

// Signing out, and the sign-in page (whoever is next on a shared device), drop the on-call
// page's copy: it holds peers' phone numbers. The worker drops it too as the sign-out passes.
document.addEventListener("submit", (event) => {
  if (event.target.matches('form[action$="/accounts/logout/"]')) forgetOfflineCopy();
});
if (location.pathname === "/accounts/login/") forgetOfflineCopy();

// The on-call page keeps its own copy for when the network fails (the worker serves it then);
// that copy, when shown, says how old it is.
function showAge(banner) {
  const saved = new Date(Number(banner.dataset.savedAt) * 1000);
  const minutes = Math.max(0, Math.round((Date.now() - saved.getTime()) / 60000));
  const at = saved.toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const age = minutes < 1 ? "less than a minute ago" : minutes === 1 ? "1 minute ago" : `${minutes} minutes ago`;
  banner.textContent =
    `Offline: this is the copy this device kept from ${at}, ${age}. ` +
    "Who is on call may have changed since.";
  banner.hidden = false;
}

const banner = document.querySelector("[data-offline-copy]");
if (banner && banner.dataset.offlineCopy === "yes") {
  showAge(banner);
} else if (banner && !location.search && "caches" in window) {
  const html = document.documentElement.outerHTML.replace(
    'data-offline-copy="no"',
    'data-offline-copy="yes"',
  );
  const copy = new Response(`<!doctype html>\n${html}`, {
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
  caches
    .open(LOOKUP_CACHE)
    .then((cache) => cache.put(location.pathname, copy))
    .then(() => banner.setAttribute("data-offline-saved", ""))
    .catch(() => {});
}
