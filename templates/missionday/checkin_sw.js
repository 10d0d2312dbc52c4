// The check-in page's service worker (missionday.views.checkin.checkin_service_worker), scoped to
// one mission's check-in page: the page network first (a fresh copy whenever there is a network,
// the last copy without), its static files from the cache. Nothing else is touched: the people
// list and the sync go to the network, the page keeps them in IndexedDB.
"use strict";
const CACHE_PREFIX = "club-checkin-{{ mission.pk }}-";
const CACHE = CACHE_PREFIX + "v1";
const PAGE = {{ page_url|safe }};
const ASSETS = {{ assets|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return cache.addAll(ASSETS.concat([PAGE]));
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        return Promise.all(
          keys
            .filter(function (key) {
              return key.indexOf(CACHE_PREFIX) === 0 && key !== CACHE;
            })
            .map(function (key) {
              return caches.delete(key);
            })
        );
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          // Only the page itself: not a sign-in page it was redirected to, not an error.
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then(function (cache) {
              cache.put(PAGE, copy);
            });
          }
          return response;
        })
        .catch(function () {
          return caches.match(PAGE).then(function (cached) {
            return cached || Response.error();
          });
        })
    );
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.match(url.pathname).then(function (cached) {
        return cached || fetch(request);
      })
    );
  }
});
