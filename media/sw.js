// The Pi page's service worker: what makes the page installable on a phone's home screen, and
// where a notification click comes back to. It caches nothing (chats are live; the API and the
// event stream always go to the server): a page navigation that cannot reach the server gets a
// short page saying so instead of the browser's error. Served from the page's own path, so its
// scope is that path (it works behind a path-prefix proxy).
"use strict";

const OFFLINE_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1.0">' +
  "<title>Pi</title></head><body><h1>Pi</h1><p>The Pi server cannot be reached. Reload when it is running again.</p></body></html>";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  if (event.request.mode !== "navigate") return;
  event.respondWith(
    fetch(event.request).catch(
      () => new Response(OFFLINE_PAGE, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" } }),
    ),
  );
});

// A click on "a chat is waiting for you" shows that chat: a tab already on it, or a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "./", self.registration.scope).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((tabs) => {
      const same = tabs.find((t) => t.url === url);
      if (same) return same.focus();
      return self.clients.openWindow(url);
    }),
  );
});
