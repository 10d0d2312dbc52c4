// The mission-day companion (templates/missionday/companion.html), loaded with `defer`.
// - Registers the service worker (/giornata/sw.js) and keeps this page and its assets in a cache
//   named after the signed-in person (data-cache-name); other people's companion caches on this
//   phone are deleted, so nobody reads another person's day offline.
// - The one-minute debrief: each form is revealed from its meeting's start (data-opens-at, also
//   offline), saved in IndexedDB with a client-made id (crypto.randomUUID) and sent to
//   data-sync-url when the phone is online (at once, on the `online` event and every 30 s).
//   Only what the server answered (created, duplicate, refused) leaves the queue.
(function () {
  "use strict";
  const root = document.getElementById("companion");
  if (!root) return;
  const data = root.dataset;
  const network = document.getElementById("companion-network");
  const RETRY_MS = 30000;

  // --- Offline reading ---------------------------------------------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.swUrl, { scope: data.swScope }).catch(function () {});
  }

  function keepPageForOffline() {
    if (!("caches" in window) || !navigator.onLine) return;
    const urls = [location.href.split("#")[0]];
    document.querySelectorAll(
      "link[rel=stylesheet][href], script[src], link[rel~=icon][href], link[rel=apple-touch-icon][href]"
    ).forEach(function (element) {
      urls.push(element.href || element.src);
    });
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(data.cachePrefix) === 0 && name !== data.cacheName;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () {
      // Tell the worker whose cache to read offline (only that one): templates/missionday/sw.js.
      const key = new URL("current-cache", new URL(data.swScope, location.href)).href;
      return caches.open("missionday-current").then(function (pointer) {
        return pointer.put(key, new Response(data.cacheName, {
          headers: { "Content-Type": "text/plain" },
        }));
      });
    }).then(function () {
      return caches.open(data.cacheName);
    }).then(function (cache) {
      return cache.addAll(urls);
    }).catch(function () {});
  }

  function showNetwork() {
    network.textContent = navigator.onLine ? "" : data.msgOffline;
  }

  // --- The queue of debriefs (IndexedDB) -------------------------------------------------------
  function withStore(mode, action) {
    return new Promise(function (resolve, reject) {
      const opening = indexedDB.open("missionday-companion", 1);
      opening.onupgradeneeded = function () {
        opening.result.createObjectStore("debriefs", { keyPath: "client_id" });
      };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        const db = opening.result;
        const tx = db.transaction("debriefs", mode);
        const request = action(tx.objectStore("debriefs"));
        tx.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function mine(items) {
    return items.filter(function (item) {
      return item.user === data.user && item.mission === data.mission;
    });
  }

  function setState(meetingId, text) {
    const state = document.getElementById("debrief-state-" + meetingId);
    if (state) state.textContent = text;
  }

  // The cookie first: signing in again (in another tab) rotates the token, and the page's field
  // would then be stale for good; the field is only the fallback when there is no cookie.
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const field = root.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  let syncing = false;
  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      const queued = mine(all || []);
      if (!queued.length) return null;
      const body = queued.map(function (item) {
        return {
          client_id: item.client_id, meeting_id: item.meeting_id, held: item.held,
          interest: item.interest, next_step: item.next_step, note: item.note,
          written_at: item.written_at
        };
      });
      return fetch(data.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ debriefs: body })
      }).then(function (response) {
        if (!response.ok) throw new Error("sync " + response.status);
        return response.json();
      }).then(function (answer) {
        return Promise.all(answer.results.map(function (result) {
          const item = queued.find(function (q) { return q.client_id === result.client_id; });
          return withStore("readwrite", function (store) {
            return store.delete(result.client_id);
          }).then(function () {
            if (item) {
              setState(item.meeting_id, result.status === "refused" ? result.message : data.msgSent);
            }
          });
        }));
      });
    }).catch(function () {
      withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
        mine(all || []).forEach(function (item) { setState(item.meeting_id, data.msgError); });
      }).catch(function () {});
    }).then(function () { syncing = false; });
  }

  function showQueued() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      mine(all || []).forEach(function (item) { setState(item.meeting_id, data.msgQueued); });
    }).catch(function () {});
  }

  // --- The debrief forms ---------------------------------------------------------------------
  const forms = Array.prototype.slice.call(document.querySelectorAll("form.debrief-form"));

  function reveal() {
    const now = Date.now();
    forms.forEach(function (form) {
      if (form.hidden && Date.parse(form.dataset.opensAt) <= now) form.hidden = false;
    });
  }

  forms.forEach(function (form) {
    const heldOnly = form.querySelectorAll(".debrief-held select");
    form.addEventListener("change", function (event) {
      if (event.target.name !== "held") return;
      heldOnly.forEach(function (select) { select.disabled = event.target.value === "no"; });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const held = form.elements.held.value === "yes";
      const item = {
        client_id: crypto.randomUUID(),
        user: data.user,
        mission: data.mission,
        meeting_id: parseInt(form.dataset.meeting, 10),
        held: held,
        interest: held ? parseInt(form.elements.interest.value, 10) : null,
        next_step: held ? form.elements.next_step.value : "",
        note: form.elements.note.value.trim(),
        written_at: new Date().toISOString()
      };
      withStore("readwrite", function (store) { return store.put(item); }).then(function () {
        setState(item.meeting_id, data.msgQueued);
        return sync();
      }).catch(function () { setState(item.meeting_id, data.msgError); });
    });
  });

  reveal();
  showNetwork();
  keepPageForOffline();
  showQueued().then(sync);
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  window.setInterval(function () { reveal(); sync(); }, RETRY_MS);
})();
