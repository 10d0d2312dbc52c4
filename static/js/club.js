// The site's small behaviours, loaded in <head> by base.html (script-src 'self': no inline code).
// - On load it marks <html class="js">, before the first paint, so that CSS can fold things on
//   phones only when a button can unfold them again (without JavaScript nothing is folded).
// - Disclosure buttons: <button data-disclosure aria-controls="ID" aria-expanded="false">
//   shows or hides #ID (class "is-open"; the CSS folds only on small screens), keeps
//   aria-expanded right, and Escape inside #ID closes it and gives the focus back.
// - Error summary: after a failed submit the focus goes to the form's summary of errors
//   (.error-summary, tabindex="-1"), and its links focus the field they name.
// - Signing out (form[data-signs-out]) deletes the mission-day companion's offline copies of
//   the person's pages (caches "missionday-companion-*", see missionday-companion.js) first.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll("form[data-signs-out]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.caches || form.dataset.cachesCleared) return;
      event.preventDefault();
      form.dataset.cachesCleared = "1";
      const done = function () { form.submit(); };
      caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("missionday-companion-") === 0;
        }).map(function (name) { return caches.delete(name); }));
      }).then(done, done);
    });
  });

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
