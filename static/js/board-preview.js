// Live Markdown preview: the server renders and sanitises (the same code as publishing),
// so the preview never shows HTML the post would not.
(function () {
  const area = document.querySelector("textarea[data-preview]");
  if (!area) return;
  const target = document.getElementById(area.dataset.preview);
  const form = area.form;
  let timer = null;
  async function refresh() {
    const body = new FormData();
    body.append("body", area.value);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    const response = await fetch(target.dataset.url, { method: "POST", body, credentials: "same-origin" });
    if (response.ok) target.innerHTML = await response.text();
  }
  area.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
  if (area.value) refresh();
})();
