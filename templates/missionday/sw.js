// The mission-day companion's service worker (served by missionday.views.companion at
// /giornata/sw.js, scope /giornata/).
// - A companion page (/giornata/<mission>/): network first; a good answer is kept in the cache
//   the server names in X-Companion-Cache (one per person); offline, the kept copy is served.
// - Static assets (css, js, icons): from the cache when there, refreshed in the background.
// Nothing else is cached: no other page, no POST, no other person's page (see the page script,
// which deletes other people's caches; signing out deletes them all).
"use strict";
const CACHE_PREFIX = "{{ cache_prefix|escapejs }}";
const STATIC_URL = "{{ static_url|escapejs }}";
const COMPANION = /^\/giornata\/\d+\/$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

function fromCaches(request) {
  return caches.keys().then(function (names) {
    const ours = names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; });
    return ours.reduce(function (found, name) {
      return found.then(function (response) {
        return response || caches.open(name).then(function (cache) {
          return cache.match(request, { ignoreSearch: true, ignoreVary: true });
        });
      });
    }, Promise.resolve(undefined));
  });
}

function companionPage(request) {
  return fetch(request).then(function (response) {
    const name = response.headers.get("X-Companion-Cache");
    if (response.ok && !response.redirected && name && name.indexOf(CACHE_PREFIX) === 0) {
      const copy = response.clone();
      caches.open(name).then(function (cache) { return cache.put(request.url, copy); });
    }
    return response;
  }).catch(function () {
    return fromCaches(request).then(function (cached) {
      return cached || Response.error();
    });
  });
}

function staticAsset(request, event) {
  return fromCaches(request).then(function (cached) {
    const refresh = fetch(request).then(function (response) {
      if (response.ok) {
        const copy = response.clone();
        caches.keys().then(function (names) {
          names.filter(function (name) { return name.indexOf(CACHE_PREFIX) === 0; })
            .forEach(function (name) {
              caches.open(name).then(function (cache) { return cache.put(request, copy.clone()); });
            });
        });
      }
      return response;
    });
    if (cached) {
      event.waitUntil(refresh.catch(function () {}));
      return cached;
    }
    return refresh;
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && COMPANION.test(url.pathname)) {
    event.respondWith(companionPage(request));
  } else if (url.pathname.indexOf(STATIC_URL) === 0) {
    event.respondWith(staticAsset(request, event));
  }
});
