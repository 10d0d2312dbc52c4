// The site's small behaviours, loaded in <head> by base.html (script-src 'self': no inline code).
// - On load it marks <html class="js">, before the first paint, so that CSS can fold things on
//   phones only when a button can unfold them again (without JavaScript nothing is folded).
// - Disclosure buttons: <button data-disclosure aria-controls="ID" aria-expanded="false">
//   shows or hides #ID (class "is-open"; the CSS folds only on small screens), keeps
//   aria-expanded right, and Escape inside #ID closes it and gives the focus back.
// - Error summary: after a failed submit the focus goes to the form's summary of errors
//   (.error-summary, tabindex="-1"), and its links focus the field they name.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", function () {
  "use strict";
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
