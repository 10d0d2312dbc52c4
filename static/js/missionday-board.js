/* The live staff board (templates/missionday/board_session.html).
 *
 * Polls the board's state (an HTML fragment, missionday:board_state) every ~10 seconds and swaps
 * in only the parts whose signature (data-board-sig) changed: counts, slot headers, cells. A part
 * holding the keyboard focus (a button, the list of waiting meetings) is left alone until the
 * focus moves on, so nobody loses their place or their choice. Each poll sends the ETag of the
 * last state received: the server answers 304 while nothing has changed. Paused while the tab is
 * hidden; an offline notice when the state cannot be fetched. Without JavaScript the page shows the
 * state of its last load and a reload link. No inline script (CSP).
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-board-state-url]");
  if (!root || !window.fetch || !window.DOMParser) {
    return;
  }
  var url = root.getAttribute("data-board-state-url");
  var every = parseInt(root.getAttribute("data-board-interval"), 10) || 10000;
  var offline = root.querySelector("[data-board-offline]");
  var auto = root.querySelector("[data-board-auto]");
  var timer = null;
  var busy = false;
  var etag = null; // of the last state applied

  if (auto) {
    auto.hidden = false;
  }

  function showOffline(on) {
    if (offline) {
      offline.hidden = !on;
    }
  }

  function byPart(scope) {
    var parts = {};
    scope.querySelectorAll("[data-board-part]").forEach(function (node) {
      parts[node.getAttribute("data-board-part")] = node;
    });
    return parts;
  }

  function apply(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var current = byPart(root);
    var incoming = byPart(fresh);
    var focused = document.activeElement;
    var complete = true;
    Object.keys(incoming).forEach(function (key) {
      var node = current[key];
      var next = incoming[key];
      if (!node || node.getAttribute("data-board-sig") === next.getAttribute("data-board-sig")) {
        return;
      }
      if (focused && focused !== document.body && node.contains(focused)) {
        complete = false;
        return; // swapped on a later poll, once the focus has moved on
      }
      node.replaceWith(document.importNode(next, true));
    });
    var updated = fresh.querySelector("[data-board-updated]");
    var shown = root.querySelector("[data-board-updated]");
    if (updated && shown) {
      shown.textContent = updated.textContent;
    }
    return complete;
  }

  function poll() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    var headers = { "X-Requested-With": "fetch" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: headers,
    })
      .then(function (response) {
        if (response.status === 304) {
          return null; // nothing changed since the last state
        }
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text().then(function (html) {
          // A part left alone (it held the focus) must come again: no ETag, a full answer.
          etag = apply(html) ? response.headers.get("ETag") : null;
        });
      })
      .then(function () {
        showOffline(false);
      })
      .catch(function () {
        showOffline(true);
      })
      .then(function () {
        busy = false;
      });
  }

  function start() {
    stop();
    timer = window.setInterval(poll, every);
  }

  function stop() {
    if (timer !== null) {
      window.clearInterval(timer);
      timer = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      poll();
      start();
    }
  });
  window.addEventListener("online", poll);
  window.addEventListener("offline", function () {
    showOffline(true);
  });
  start();
})();
