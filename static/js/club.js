// The site's small behaviours, loaded in <head> by base.html (script-src 'self': no inline code).
// - On load it marks <html class="js">, before the first paint, so that CSS can fold things on
//   phones only when a button can unfold them again (without JavaScript nothing is folded).
// - Disclosure buttons: <button data-disclosure aria-controls="ID" aria-expanded="false">
//   shows or hides #ID (class "is-open"; the CSS folds only on small screens), keeps
//   aria-expanded right, and Escape inside #ID closes it and gives the focus back.
// - Error summary: after a failed submit the focus goes to the form's summary of errors
//   (.error-summary, tabindex="-1"), and its links focus the field they name.
// - Signing out (form[data-signs-out]) deletes the mission-day companion's offline copies of
//   the person's pages (caches "missionday-companion-*", see missionday-companion.js) and the
//   check-in's (caches "club-checkin-*", and its people list in IndexedDB) first; check-ins
//   not yet sent stay on the phone.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("form[data-signs-out]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.cachesCleared || (!window.caches && !window.indexedDB)) return;
      event.preventDefault();
      form.dataset.cachesCleared = "1";
      let sent = false;
      const done = function () {
        if (sent) return;
        sent = true;
        form.submit();
      };
      // Never keep the person from signing out: a tab holding a database open can block it.
      setTimeout(done, 3000);
      Promise.all([clearCaches(), clearCheckIns()]).then(done, done);
    });
  });

  function clearCaches() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("missionday-companion-") === 0 || name === "missionday-current"
          || name.indexOf("club-checkin-") === 0;
      }).map(function (name) { return caches.delete(name); }));
    });
  }

  // The check-in's databases ("club-checkin-<mission>", see missionday-checkin.js): the people
  // list goes; check-ins not yet sent (tokens and times) stay, or they would be lost, and the
  // database goes only when its queue is empty. Browsers without indexedDB.databases() cannot
  // list them: there the check-in page's data stays.
  function clearCheckIns() {
    if (!window.indexedDB || typeof indexedDB.databases !== "function") return Promise.resolve();
    return indexedDB.databases().then(function (list) {
      return Promise.all(list.filter(function (info) {
        return info.name && info.name.indexOf("club-checkin-") === 0;
      }).map(function (info) { return clearCheckInDb(info.name); }));
    });
  }

  function clearCheckInDb(name) {
    return new Promise(function (resolve) {
      const request = indexedDB.open(name);
      request.onerror = request.onblocked = function () { resolve(); };
      request.onsuccess = function () {
        const db = request.result;
        const stores = ["people", "queue"].filter(function (store) {
          return db.objectStoreNames.contains(store);
        });
        if (!stores.length) {
          db.close();
          resolve();
          return;
        }
        const transaction = db.transaction(stores, "readwrite");
        let unsent = 0;
        if (stores.indexOf("people") >= 0) transaction.objectStore("people").clear();
        if (stores.indexOf("queue") >= 0) {
          transaction.objectStore("queue").count().onsuccess = function (count) {
            unsent = count.target.result;
          };
        }
        transaction.oncomplete = function () {
          db.close();
          if (unsent) {
            resolve();
            return;
          }
          const deleting = indexedDB.deleteDatabase(name);
          deleting.onsuccess = deleting.onerror = deleting.onblocked = function () { resolve(); };
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          resolve();
        };
      };
    });
  }

  document.querySelectorAll("button[data-disclosure]").forEach(function (button) {
    const target = document.getElementById(button.getAttribute("aria-controls"));
    if (!target) return;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      target.classList.toggle("is-open", open);
    }
    set(button.getAttribute("aria-expanded") === "true");
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    target.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true"
          && getComputedStyle(button).display !== "none") {
        set(false);
        button.focus();
      }
    });
  });

  const summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      const link = event.target.closest("a[href^='#']");
      const field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      const label = field.labels && field.labels[0];
      (label || field).scrollIntoView({ block: "center" });
    });
  }
});
