// The staff check-in page on a phone (templates/missionday/checkin.html), offline first.
// - People: the mission's badges come once from data-people-url and are kept in IndexedDB, so
//   the search by name works without a network (also after a reload with the list stored).
// - Check-in (by name or by scanning the badge's QR code with jsQR): each one is queued in
//   IndexedDB as {client_id, token, checked_in_at, method} with a client-made UUID, then sent to
//   data-sync-url when online (on load, on the `online` event, after each check-in and on a
//   retry timer). Only the client ids the server answered are removed from the queue; the server
//   stores each check-in once however often it is sent (a badge scanned twice is queued twice,
//   stored once).
// - A service worker scoped to this page (data-sw-url) keeps the page and its files, so a reload
//   without network still opens it.
// - Feedback in words (name, organisation, "registrato" / "già registrato alle 09:12" / "badge
//   non riconosciuto") in an aria-live region, plus the queue counter and the network state.
(function () {
  "use strict";

  const RETRY_MS = 15000;
  const BATCH = 500; // the server's limit per request
  const SAME_CODE_PAUSE_MS = 4000; // a code held in front of the camera is one scan, not ten a second
  const MAX_RESULTS = 30;
  const BADGE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/; // what a badge's QR code carries (opaque token)

  const root = document.getElementById("checkin");
  if (!root) return;
  const strings = JSON.parse(document.getElementById("checkin-strings").textContent);
  const missionId = root.dataset.mission;
  const peopleUrl = root.dataset.peopleUrl;
  const syncUrl = root.dataset.syncUrl;
  const csrfInput = root.querySelector("input[name=csrfmiddlewaretoken]");

  const el = {
    network: document.getElementById("checkin-network"),
    queue: document.getElementById("checkin-queue"),
    send: document.getElementById("checkin-send"),
    feedback: document.getElementById("checkin-feedback"),
    scan: document.getElementById("checkin-scan-button"),
    cameraState: document.getElementById("checkin-camera-state"),
    scanner: document.getElementById("checkin-scanner"),
    video: document.getElementById("checkin-video"),
    search: document.getElementById("checkin-search"),
    listState: document.getElementById("checkin-list-state"),
    count: document.getElementById("checkin-search-count"),
    results: document.getElementById("checkin-results"),
  };

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return String(values[key]);
    });
  }

  function timeOf(iso) {
    const date = new Date(iso);
    if (isNaN(date)) return "";
    return date.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  // --- IndexedDB: the queue and the people of this mission -------------------------------------

  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) {
          reject(new Error("no IndexedDB"));
          return;
        }
        const request = indexedDB.open("club-checkin-" + missionId, 1);
        request.onupgradeneeded = function () {
          const db = request.result;
          db.createObjectStore("queue", { keyPath: "client_id" });
          db.createObjectStore("people", { keyPath: "token" });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
      });
    }
    return dbPromise;
  }

  function tx(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        const transaction = db.transaction(storeName, mode);
        const store = transaction.objectStore(storeName);
        let result;
        const request = work(store);
        if (request) {
          request.onsuccess = function () {
            result = request.result;
          };
        }
        transaction.oncomplete = function () {
          resolve(result);
        };
        transaction.onerror = transaction.onabort = function () {
          reject(transaction.error);
        };
      });
    });
  }

  const queueAll = function () {
    return tx("queue", "readonly", function (store) {
      return store.getAll();
    });
  };
  const queueAdd = function (item) {
    return tx("queue", "readwrite", function (store) {
      store.put(item);
    });
  };
  const queueRemove = function (clientIds) {
    return tx("queue", "readwrite", function (store) {
      clientIds.forEach(function (id) {
        store.delete(id);
      });
    });
  };
  const peopleAll = function () {
    return tx("people", "readonly", function (store) {
      return store.getAll();
    });
  };
  const peopleReplace = function (list) {
    return tx("people", "readwrite", function (store) {
      store.clear();
      list.forEach(function (person) {
        store.put(person);
      });
    });
  };
  const personSave = function (person) {
    return tx("people", "readwrite", function (store) {
      store.put(person);
    });
  };

  // --- State shown on the page ------------------------------------------------------------------

  let people = new Map(); // token -> {token, name, organisation, kind, checked_in, checked_in_at}
  let storageOk = true;
  let memoryQueue = []; // used only when IndexedDB is unavailable

  function say(kind, person, text) {
    // Words first (name, organisation, what happened); the colour only repeats it.
    el.feedback.replaceChildren();
    const box = document.createElement("p");
    box.className = "checkin-result " + kind;
    if (person && person.name) {
      const name = document.createElement("strong");
      name.textContent = person.name;
      box.append(name);
      if (person.organisation) box.append(" · " + person.organisation);
      box.append(": ");
    }
    box.append(text);
    el.feedback.append(box);
  }

  function showNetwork() {
    const online = navigator.onLine;
    el.network.dataset.state = online ? "online" : "offline";
    el.network.textContent = online ? strings.online : strings.offline;
  }

  function showQueue() {
    const read = storageOk ? queueAll() : Promise.resolve(memoryQueue);
    return read.then(function (items) {
      const n = items.length;
      el.queue.dataset.count = String(n);
      el.queue.textContent =
        n === 0 ? strings.pendingNone : n === 1 ? strings.pendingOne : fill(strings.pendingMany, { n: n });
      el.send.hidden = n === 0;
      return items;
    });
  }

  // --- The people list and the search -----------------------------------------------------------

  function loadPeople() {
    const stored = storageOk
      ? peopleAll().catch(function () {
          return [];
        })
      : Promise.resolve([]);
    return stored.then(function (list) {
      list.forEach(function (person) {
        people.set(person.token, person);
      });
      if (list.length) el.listState.textContent = fill(strings.listOffline, { n: list.length });
      return fetch(peopleUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          // Check-ins made on this phone and not yet sent stay checked in.
          const fresh = new Map();
          data.people.forEach(function (person) {
            const known = people.get(person.token);
            if (!person.checked_in && known && known.checked_in && known.pending) {
              person.checked_in = true;
              person.checked_in_at = known.checked_in_at;
              person.pending = true;
            }
            fresh.set(person.token, person);
          });
          people = fresh;
          el.listState.textContent = fill(strings.listLoaded, { n: fresh.size });
          render();
          if (storageOk) return peopleReplace(Array.from(fresh.values()));
        })
        .catch(function () {
          el.listState.textContent = people.size
            ? fill(strings.listOffline, { n: people.size })
            : strings.listMissing;
          render();
        });
    });
  }

  function fold(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
  }

  function render() {
    const query = fold(el.search.value.trim());
    // Redrawing the list must not lose a keyboard user's place: focus the same person's button.
    const focused = el.results.contains(document.activeElement)
      ? document.activeElement.closest("button[data-token]")
      : null;
    el.results.replaceChildren();
    if (!query) {
      el.count.textContent = "";
      return;
    }
    const words = query.split(/\s+/);
    const found = Array.from(people.values())
      .filter(function (person) {
        const haystack = fold(person.name + " " + person.organisation);
        return words.every(function (word) {
          return haystack.indexOf(word) !== -1;
        });
      })
      .sort(function (a, b) {
        return a.name.localeCompare(b.name);
      });
    found.slice(0, MAX_RESULTS).forEach(function (person) {
      el.results.append(row(person));
    });
    if (focused) {
      const again = el.results.querySelector(
        'button[data-token="' + CSS.escape(focused.dataset.token) + '"]'
      );
      if (again) again.focus();
    }
    el.count.textContent = found.length ? fill(strings.results, { n: found.length }) : strings.noResults;
    if (!found.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = strings.noResults;
      el.results.append(none);
    }
  }

  function row(person) {
    const item = document.createElement("li");
    const who = document.createElement("div");
    const name = document.createElement("strong");
    name.textContent = person.name;
    const organisation = document.createElement("span");
    organisation.className = "muted";
    organisation.textContent = person.organisation + " · " + (strings[person.kind] || person.kind);
    who.append(name, document.createElement("br"), organisation);
    item.append(who);
    if (person.checked_in) {
      const state = document.createElement("span");
      state.className = "checkin-done";
      state.textContent = fill(strings.checkedInBadge, { time: timeOf(person.checked_in_at) })
        + (person.pending ? " · " + strings.queued : "");
      item.append(state);
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = person.checked_in ? "small secondary" : "small";
    button.dataset.token = person.token;
    button.textContent = strings.checkInButton;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + person.name;
    button.append(hidden);
    item.append(button);
    return item;
  }

  el.search.addEventListener("input", render);
  el.search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();
  });
  el.results.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-token]");
    if (!button) return;
    checkIn(button.dataset.token, "search");
  });

  // --- Check in: queue first, then send ---------------------------------------------------------

  function checkIn(token, method) {
    const now = new Date().toISOString();
    const item = {
      client_id: crypto.randomUUID(),
      token: token,
      checked_in_at: now,
      method: method,
    };
    const person = people.get(token);
    if (!person) {
      say("warning", null, navigator.onLine ? strings.queued : strings.unknownOffline);
    } else if (person.checked_in) {
      say("duplicate", person, fill(strings.alreadyAt, { time: timeOf(person.checked_in_at) }));
    } else {
      person.checked_in = true;
      person.checked_in_at = now;
      person.pending = true;
      say("ok", person, strings.checkedIn);
      announced.add(item.client_id);
      if (storageOk) personSave(person).catch(function () {});
    }
    render();
    const stored = storageOk
      ? queueAdd(item)
      : Promise.resolve().then(function () {
          memoryQueue.push(item);
        });
    return stored.then(showQueue).then(function () {
      if (navigator.onLine) sync();
    });
  }

  // --- Sync -------------------------------------------------------------------------------------

  let syncing = null;
  const announced = new Set(); // client ids said "registrato" on this page, not yet answered

  // The cookie first: signing in again (in another tab) rotates the token, and the page's field
  // would then be stale for good; the field is only the fallback when there is no cookie.
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    return csrfInput && csrfInput.value ? csrfInput.value : "";
  }

  function sync() {
    if (syncing) return syncing;
    syncing = (storageOk ? queueAll() : Promise.resolve(memoryQueue.slice()))
      .then(function (items) {
        if (!items.length) return null;
        const batch = items.slice(0, BATCH);
        return fetch(syncUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": csrfToken(),
          },
          body: JSON.stringify({ check_ins: batch }),
        }).then(function (response) {
          if (response.status === 403 || response.redirected) {
            say("error", null, strings.signedOut);
            return null;
          }
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json().then(function (data) {
            return acknowledge(batch, data.results || []);
          });
        });
      })
      .catch(function () {
        if (navigator.onLine) say("warning", null, strings.sendFailed);
      })
      .then(function (more) {
        syncing = null;
        return showQueue().then(function () {
          if (more) return sync(); // a queue longer than one batch
        });
      });
    return syncing;
  }

  // The server's answer for each sent item: update the list and say what it changed.
  function acknowledge(batch, results) {
    const answered = [];
    let refused = 0;
    results.forEach(function (result) {
      answered.push(result.client_id);
      const item = batch.find(function (queued) {
        return queued.client_id === result.client_id;
      });
      const person = item && people.get(item.token);
      if (result.status === "refused") {
        refused += 1;
        if (person) {
          person.checked_in = false;
          person.pending = false;
        }
        say("error", result.name ? result : null, result.name ? result.message : strings.unknown);
        return;
      }
      if (person) {
        person.checked_in = true;
        person.checked_in_at = result.checked_in_at || person.checked_in_at;
        person.pending = false;
        if (storageOk) personSave(person).catch(function () {});
      }
      // Said "registrato" a moment ago, but another phone was first: the server's word.
      if (result.status === "duplicate" && announced.has(result.client_id)) {
        say("duplicate", result, result.message);
      }
      announced.delete(result.client_id);
    });
    if (batch.length > 1 && !refused && answered.length) {
      say("ok", null, fill(strings.sent, { n: answered.length }));
    }
    render();
    const remove = storageOk
      ? queueRemove(answered)
      : Promise.resolve().then(function () {
          memoryQueue = memoryQueue.filter(function (queued) {
            return answered.indexOf(queued.client_id) === -1;
          });
        });
    return remove.then(function () {
      return batch.length === BATCH;
    });
  }

  el.send.addEventListener("click", function () {
    sync();
  });
  window.addEventListener("online", function () {
    showNetwork();
    sync();
  });
  window.addEventListener("offline", showNetwork);
  window.setInterval(function () {
    if (navigator.onLine) sync();
  }, RETRY_MS);

  // --- The camera -------------------------------------------------------------------------------

  let stream = null;
  let canvas = null;
  let lastCode = "";
  let lastCodeAt = 0;

  function setScanning(on) {
    el.scan.setAttribute("aria-pressed", on ? "true" : "false");
    el.scan.textContent = on ? el.scan.dataset.stop : el.scan.dataset.start;
    el.scanner.hidden = !on;
  }

  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    el.video.srcObject = null;
    el.cameraState.textContent = "";
    setScanning(false);
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      el.cameraState.textContent = strings.cameraError;
      return;
    }
    el.cameraState.textContent = strings.cameraStarting;
    setScanning(true);
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        el.video.srcObject = media;
        return el.video.play();
      })
      .then(function () {
        el.cameraState.textContent = strings.cameraOn;
        window.requestAnimationFrame(tick);
      })
      .catch(function () {
        stopCamera();
        el.cameraState.textContent = strings.cameraError;
      });
  }

  function tick() {
    if (!stream) return;
    const video = el.video;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      canvas = canvas || document.createElement("canvas");
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      const now = Date.now();
      if (code && code.data && (code.data !== lastCode || now - lastCodeAt > SAME_CODE_PAUSE_MS)) {
        lastCode = code.data;
        lastCodeAt = now;
        if (BADGE_TOKEN.test(code.data.trim())) checkIn(code.data.trim(), "scan");
        else say("error", null, strings.unknown); // another QR code (a URL, a ticket): not queued
      } else if (code && code.data === lastCode) {
        lastCodeAt = now; // still in front of the camera: keep pausing
      }
    }
    window.requestAnimationFrame(tick);
  }

  el.scan.addEventListener("click", function () {
    if (stream || el.scan.getAttribute("aria-pressed") === "true") stopCamera();
    else startCamera();
  });

  // --- Start ------------------------------------------------------------------------------------

  // The page's own service worker keeps a copy of the page, so a reload without network opens it.
  if ("serviceWorker" in navigator && root.dataset.swUrl) {
    navigator.serviceWorker
      .register(root.dataset.swUrl, { scope: root.dataset.swScope })
      .catch(function () {}); // without it the page still works while it stays open
  }
  showNetwork();
  openDb()
    .catch(function () {
      storageOk = false;
      say("warning", null, strings.storageError);
    })
    .then(function () {
      return Promise.all([showQueue(), loadPeople()]);
    })
    .then(function () {
      root.dataset.ready = "true";
      if (navigator.onLine) sync();
    });
})();
