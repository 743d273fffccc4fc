// Task cards: change a status or add a progress note without leaving the page.
// Without this script the same forms post normally and the server redirects back.
(function () {
  "use strict";

  function show(card, text, isError) {
    var box = card.querySelector("[data-role=message]");
    if (!box) return;
    box.textContent = text || "";
    box.className = "small " + (isError ? "text-danger" : "text-success");
  }

  function applyState(card, data) {
    var badge = card.querySelector("[data-role=status-badge]");
    if (badge && data.status_display) {
      badge.textContent = data.status_display;
      badge.className = "badge " + (data.is_open ? "text-bg-primary" : "text-bg-secondary");
    }
    var version = card.querySelector("[data-role=version]");
    if (version && data.version) version.value = data.version;
    var select = card.querySelector("select[name=status]");
    if (select && data.status) select.value = data.status;
    card.classList.toggle("task-finished", data.is_open === false);
  }

  function submit(event) {
    var form = event.target;
    var kind = form.getAttribute("data-async");
    if (!kind || !window.fetch) return;
    event.preventDefault();
    var card = form.closest("[data-task]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false }; });
      })
      .then(function (data) {
        if (kind === "status") {
          if (data.status) applyState(card, data);
          show(card, data.ok ? data.message : (data.error || card.getAttribute("data-error")), !data.ok);
        } else if (data.ok) {
          var notes = card.querySelector("[data-role=notes]");
          if (notes) notes.insertAdjacentHTML("beforeend", data.html);
          form.reset();
          show(card, data.message, false);
        } else {
          show(card, data.error || card.getAttribute("data-error"), true);
        }
      })
      .catch(function () {
        // The network failed: fall back to the ordinary form post.
        form.removeAttribute("data-async");
        form.submit();
      })
      .finally(function () {
        if (button) button.disabled = false;
      });
  }

  document.addEventListener("submit", submit);
})();
