// The mission-day companion's service worker (served by missionday.views.companion at
// /giornata/sw.js, scope /giornata/).
// - A companion page (/giornata/<mission>/): network first; a good answer is kept in the cache
//   the server names in X-Companion-Cache (one per person); offline, the kept copy is served,
//   from the signed-in person's cache only (the name the page and the server last told).
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

// The signed-in person's cache name: written by the companion page on load (before it keeps
// its copy, see missionday-companion.js) and by this worker from X-Companion-Cache, in a tiny
// cache of its own (the worker may be stopped between two requests). Offline, only that cache
// is read, never another person's. Signing out deletes it (club.js).
const CURRENT_CACHE = "missionday-current";
const CURRENT_KEY = self.registration.scope + "current-cache";

function rememberCache(name) {
  if (typeof name !== "string" || name.indexOf(CACHE_PREFIX) !== 0) return Promise.resolve();
  return caches.open(CURRENT_CACHE).then(function (cache) {
    return cache.put(CURRENT_KEY, new Response(name, { headers: { "Content-Type": "text/plain" } }));
  });
}

function currentCache() {
  return caches.open(CURRENT_CACHE).then(function (cache) {
    return cache.match(CURRENT_KEY);
  }).then(function (response) {
    return response ? response.text() : "";
  }).then(function (name) {
    return name.indexOf(CACHE_PREFIX) === 0 ? name : "";
  }, function () { return ""; });
}

function fromCaches(request) {
  return currentCache().then(function (name) {
    if (!name) return undefined;
    return caches.has(name).then(function (exists) {
      if (!exists) return undefined;
      return caches.open(name).then(function (cache) {
        return cache.match(request, { ignoreSearch: true, ignoreVary: true });
      });
    });
  });
}

function companionPage(request) {
  return fetch(request).then(function (response) {
    const name = response.headers.get("X-Companion-Cache");
    if (response.ok && !response.redirected && name && name.indexOf(CACHE_PREFIX) === 0) {
      const copy = response.clone();
      rememberCache(name);
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
        currentCache().then(function (name) {
          if (!name) return undefined;
          return caches.has(name).then(function (exists) {
            if (!exists) return undefined;
            return caches.open(name).then(function (cache) { return cache.put(request, copy); });
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
